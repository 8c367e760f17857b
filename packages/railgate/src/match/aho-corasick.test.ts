import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Views } from '../normalize/views.js';
import {
  AhoCorasick,
  type BoundaryMode,
  findInViews,
  foldPhrase,
  isSpaceUnit,
  isWordBoundary,
  longestNonOverlapping,
  type PhraseMatch,
} from './aho-corasick.js';

/** Matches found on the skeleton view, mapped back to raw spans, as [pattern, start, end]. */
function rawMatches(matcher: AhoCorasick, text: string): Array<[number, number, number]> {
  const view = new Views(text).skeleton;
  return matcher.findAll(view.text).map((m) => [m.pattern, ...view.toRaw(m.start, m.end)]);
}

/**
 * The reference: collapse whitespace runs, then indexOf every phrase at every position. Quadratic and
 * obviously right, which is the point.
 */
function naiveFindAll(phrases: string[], modes: BoundaryMode[], text: string): PhraseMatch[] {
  let collapsed = '';
  const positions: number[] = [];
  let lastWasSpace = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpaceUnit(text.charCodeAt(i));
    if (space && lastWasSpace) continue;
    lastWasSpace = space;
    collapsed += space ? ' ' : text[i];
    positions.push(i);
  }
  const out: PhraseMatch[] = [];
  phrases.forEach((phrase, pattern) => {
    for (let at = collapsed.indexOf(phrase); at >= 0; at = collapsed.indexOf(phrase, at + 1)) {
      const start = positions[at] as number;
      const end = (positions[at + phrase.length - 1] as number) + 1;
      const mode = modes[pattern];
      const startOk = mode === 'substring' || naiveBoundary(text, start);
      const endOk = mode !== 'word' || naiveBoundary(text, end);
      if (startOk && endOk) out.push({ pattern, start, end });
    }
  });
  return out;
}

function naiveBoundary(text: string, at: number): boolean {
  const before = Array.from(text.slice(0, at)).pop() ?? '';
  const after = Array.from(text.slice(at))[0] ?? '';
  const word = /^[\p{L}\p{N}\p{M}]$/u;
  const unspaced = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]$/u;
  if (!word.test(before) || !word.test(after)) return true;
  return unspaced.test(before) || unspaced.test(after);
}

const byPosition = (a: PhraseMatch, b: PhraseMatch) => a.end - b.end || a.start - b.start || a.pattern - b.pattern;

describe('foldPhrase', () => {
  it('folds case, diacritics, look-alike letters and whitespace like the skeleton view', () => {
    expect(foldPhrase('  Crème   BRÛLÉE ')).toBe('creme brulee');
    expect(foldPhrase('Ａｃｍｅ')).toBe('acme');
    expect(foldPhrase('раypal')).toBe('paypal'); // Cyrillic р and а in a Latin word
    expect(foldPhrase('Привет')).toBe('привет'); // a genuine Russian word keeps its script
    expect(foldPhrase('ac\u200Bme')).toBe('acme');
    expect(foldPhrase('\u200B \u00A0')).toBe('');
  });
});

describe('AhoCorasick', () => {
  it('finds every phrase with raw spans, whatever the case, diacritics or look-alike letters', () => {
    const matcher = AhoCorasick.compile(['acme', 'creme brulee', 'paypal']);
    expect(rawMatches(matcher, 'ACME sells Crème Brûlée')).toEqual([
      [0, 0, 4],
      [1, 11, 23],
    ]);
    expect(rawMatches(matcher, 'pay with РАYPAL today')).toEqual([[2, 9, 15]]);
    expect(rawMatches(matcher, 'Ａｃｍｅ')).toEqual([[0, 0, 4]]);
    expect(rawMatches(matcher, 'ac\u200Bme inc')).toEqual([[0, 0, 5]]);
  });

  it('requires word boundaries by default, and honours prefix and substring phrases', () => {
    const matcher = AhoCorasick.compile([
      'cat',
      { text: 'gambl', boundary: 'prefix' },
      { text: 'ass', boundary: 'substring' },
    ]);
    expect(matcher.findAll('category concatenate cat.')).toEqual([{ pattern: 0, start: 21, end: 24 }]);
    expect(matcher.findAll('gambling, gambler, ungambled')).toEqual([
      { pattern: 1, start: 0, end: 5 },
      { pattern: 1, start: 10, end: 15 },
    ]);
    expect(matcher.findAll('classic')).toEqual([{ pattern: 2, start: 2, end: 5 }]);
  });

  it('treats punctuation, apostrophes and digits around a word as the text says', () => {
    const matcher = AhoCorasick.compile(['acme']);
    expect(matcher.findAll("acme's (acme) acme-cloud acme2 2acme")).toEqual([
      { pattern: 0, start: 0, end: 4 },
      { pattern: 0, start: 8, end: 12 },
      { pattern: 0, start: 14, end: 18 },
    ]);
  });

  it('matches a whitespace run, tab or newline where the phrase has one space', () => {
    const matcher = AhoCorasick.compile(['acme corp']);
    expect(matcher.findAll('acme   corp; acme\n\tcorp; acmecorp')).toEqual([
      { pattern: 0, start: 0, end: 11 },
      { pattern: 0, start: 13, end: 23 },
    ]);
  });

  it('does not let word boundaries block phrases in scripts written without spaces', () => {
    const matcher = AhoCorasick.compile(['竞争对手', 'acme', 'บริษัท']);
    expect(matcher.findAll('我们的竞争对手是谁')).toEqual([{ pattern: 0, start: 3, end: 7 }]);
    expect(matcher.findAll('acme株式会社')).toEqual([{ pattern: 1, start: 0, end: 4 }]);
    expect(rawMatches(matcher, 'ของบริษัทเรา')).toEqual([[2, 3, 9]]); // Thai vowel signs fold away on both sides
  });

  it('keeps combining marks inside their word (Devanagari vowel signs are not boundaries)', () => {
    const matcher = AhoCorasick.compile(['नम', 'ना']);
    expect(matcher.findAll('नमस्ते')).toEqual([]);
    expect(matcher.findAll('नाम')).toEqual([]); // न + vowel sign ा + म: "ना" is inside the word
    expect(matcher.findAll('नम ते')).toEqual([{ pattern: 0, start: 0, end: 2 }]);
  });

  it('reports overlapping and nested phrases, and duplicate phrases under each index', () => {
    const matcher = AhoCorasick.compile(['he', 'she', 'hers', 'SHE'], { boundary: 'substring' });
    expect(matcher.findAll('ushers').sort(byPosition)).toEqual([
      { pattern: 1, start: 1, end: 4 },
      { pattern: 3, start: 1, end: 4 },
      { pattern: 0, start: 2, end: 4 },
      { pattern: 2, start: 2, end: 6 },
    ]);
  });

  it('stops at the limit and test() answers without collecting', () => {
    const matcher = AhoCorasick.compile(['a'], { boundary: 'substring' });
    expect(matcher.findAll('aaaaaaaa', 3)).toHaveLength(3);
    expect(matcher.test('xxxa')).toBe(true);
    expect(matcher.test('xxxb')).toBe(false);
  });

  it('rejects a phrase with nothing visible', () => {
    expect(() => AhoCorasick.compile(['ok', '\u200B'])).toThrow('phrase 1 has no visible characters');
  });

  it('keeps the leftmost-longest matches that do not overlap', () => {
    const matcher = AhoCorasick.compile(['acme', 'acme cloud', 'cloud']);
    const matches = matcher.findAll('acme cloud and cloud');
    expect(longestNonOverlapping(matches)).toEqual([
      { pattern: 1, start: 0, end: 10 },
      { pattern: 2, start: 15, end: 20 },
    ]);
  });

  it('builds a sparse automaton for large lists with the same answers', () => {
    const phrases = ['alpha', 'beta', 'alphabet', 'bet', 'et'];
    const dense = AhoCorasick.compile(phrases, { boundary: 'substring' });
    const sparse = AhoCorasick.compile(phrases, { boundary: 'substring', maxTableEntries: 1 });
    expect(dense.isDense).toBe(true);
    expect(sparse.isDense).toBe(false);
    const text = 'the alphabet betrays beta alphas';
    expect(sparse.findAll(text).sort(byPosition)).toEqual(dense.findAll(text).sort(byPosition));
    expect(dense.findAll(text)).toHaveLength(10); // alpha alphabet bet et | bet et | beta bet et | alpha
  });

  it('word boundaries follow Unicode letters and digits', () => {
    expect(isWordBoundary('a b', 1)).toBe(true);
    expect(isWordBoundary('ab', 1)).toBe(false);
    expect(isWordBoundary('é1', 1)).toBe(false);
    expect(isWordBoundary('日本', 1)).toBe(true);
    expect(isWordBoundary('a😀b', 1)).toBe(true);
    expect(isWordBoundary('𝒶b', 2)).toBe(false); // a letter outside the BMP before the boundary
  });

  it('agrees with a naive indexOf matcher on random phrases and texts (dense and sparse)', () => {
    const alphabet = ['a', 'b', 'c', ' ', '\n', 'é', '1', '-', '日', '本', 'ก'];
    const piece = fc.constantFrom(...alphabet);
    const phrase = fc
      .array(piece, { minLength: 1, maxLength: 5 })
      .map((chars) => foldPhrase(chars.join('')))
      .filter((p) => p.length > 0);
    const mode = fc.constantFrom<BoundaryMode>('word', 'prefix', 'substring');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(phrase, mode), { minLength: 1, maxLength: 8 }),
        fc.array(piece, { maxLength: 60 }).map((chars) => chars.join('')),
        fc.boolean(),
        (entries, text, dense) => {
          const phrases = entries.map(([p]) => p);
          const modes = entries.map(([, m]) => m);
          const matcher = AhoCorasick.compile(
            entries.map(([text, boundary]) => ({ text, boundary })),
            dense ? {} : { maxTableEntries: 0 },
          );
          const expected = naiveFindAll(phrases, modes, text).sort(byPosition);
          expect(matcher.findAll(text).sort(byPosition)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('stays linear on 100 KB adversarial inputs: one repeated near-miss and a run of the same letter', () => {
    const matcher = AhoCorasick.compile(['forbidden topic', 'aaaaaaaaab', 'forbidden']);
    const nearMiss = 'forbidde '.repeat(11_500);
    expect(matcher.findAll(nearMiss)).toEqual([]);
    const run = 'a'.repeat(100_000);
    expect(matcher.findAll(run)).toEqual([]);
    expect(matcher.findAll(`${run}b`)).toEqual([]); // "aaaaaaaaab" is inside a longer word
    const substring = AhoCorasick.compile(['aaaaaaaaab'], { boundary: 'substring' });
    expect(substring.findAll(`${run}b`)).toEqual([{ pattern: 0, start: 99_991, end: 100_001 }]);
  });

  it('searches several views and returns each raw-span match once, named by the first view', () => {
    const matcher = AhoCorasick.compile(['password', 'ignore']);
    const views = new Views('p4ssw0rd and password, i g n o r e');
    const search = [views.skeleton, views.leet, views.despaced].filter((v) => v !== null);
    expect(findInViews(matcher, search, 10)).toEqual([
      { pattern: 0, start: 13, end: 21, view: 'skeleton' },
      { pattern: 0, start: 0, end: 8, view: 'leet' },
      { pattern: 1, start: 23, end: 34, view: 'despaced' },
    ]);
    expect(findInViews(matcher, search, 1)).toHaveLength(1);
  });

  it('caps the work a match flood can cause with the limit', () => {
    const matcher = AhoCorasick.compile(['a', 'aa', 'aaa', 'aaaa'], { boundary: 'substring' });
    expect(matcher.findAll('a'.repeat(100_000), 1000)).toHaveLength(1000);
  });
});
