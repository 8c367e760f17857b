/**
 * The view-to-view transformations of the normalizer: raw → clean (NFKC, invisibles removed) → skeleton
 * (lowercase, diacritics and look-alike letters folded) → leet (digits and symbols folded back to letters)
 * → despaced (spaced-out letters joined). Each one is linear in the input and has an ASCII fast path,
 * because most prompts are ASCII and the whole default policy has a budget of 0.3 ms for 4 KB.
 */
import { foldCodePoint, foldsToItself, isLetterOrMarkCode, isMarkCode, isNfkcStable } from './codepoints.js';
import { confusableOf } from './confusables.js';
import { invisibleKind, isAscii } from './invisible.js';
import { View, ViewBuilder } from './view.js';

/** NFKC with invisible characters removed; offsets kept per combining sequence. */
export function toClean(raw: string): View {
  if (isAscii(raw)) return new View('clean', raw, null, null, raw.length);
  const out = new ViewBuilder(raw.length + 16);
  const rawView = new View('raw', raw, null, null, raw.length);
  // Characters NFKC leaves alone are copied in runs; only invisibles and characters that change (or carry
  // combining marks) interrupt a run.
  let runStart = 0;
  let i = 0;
  while (i < raw.length) {
    const cp = raw.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const next = raw.codePointAt(i + width) ?? 0;
    const markFollows = next >= 0x300 && isMarkCode(next);
    if ((cp < 0x80 || (invisibleKind(cp) === null && isNfkcStable(cp))) && !markFollows) {
      i += width;
      continue;
    }
    out.pushFrom(rawView, runStart, i);
    if (invisibleKind(cp) !== null) {
      i += width;
      runStart = i;
      continue;
    }
    // A starter plus the combining marks after it is the smallest unit NFKC composes; normalising it
    // alone keeps every output code unit attributable to one raw range.
    let end = i + width;
    while (end < raw.length) {
      const mark = raw.codePointAt(end) ?? 0;
      if (!isMarkCode(mark)) break;
      end += mark > 0xffff ? 2 : 1;
    }
    out.push(nfkcOfSequence(raw, i, end), i, end);
    i = end;
    runStart = i;
  }
  out.pushFrom(rawView, runStart, raw.length);
  return out.build('clean', raw.length);
}

/** NFKC of one starter and its marks, invisible marks (variation selectors) left out. */
function nfkcOfSequence(raw: string, start: number, end: number): string {
  let sequence = '';
  for (let k = start; k < end; ) {
    const cp = raw.codePointAt(k) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (k === start || invisibleKind(cp) === null) sequence += raw.slice(k, k + width);
    k += width;
  }
  return sequence.normalize('NFKC');
}

function isSpoofLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || confusableOf(cp) !== undefined;
}

function isAsciiLetterCode(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

/**
 * Lowercase skeleton. Look-alike letters are mapped to Latin only inside words made entirely of Latin
 * and look-alike letters (the shape of a spoofed keyword such as "іgnоrе"), so genuine Russian or Greek
 * words keep their script and multilingual patterns still match them.
 */
export function toSkeleton(clean: View): View {
  const text = clean.text;
  // toClean returns an unmapped view only for ASCII input, so that test is already answered.
  if ((clean.starts === null && clean.fixedSpan === null) || isAscii(text))
    return clean.withSameMap('skeleton', text.toLowerCase());
  const n = text.length;
  const out = new ViewBuilder(n + 16);
  // Characters whose folded form is themselves (and ASCII, lowercased at the end of a run) are copied in
  // runs; the rest are folded one by one.
  let runStart = 0;
  let wordEnd = -1;
  let spoof = false;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      i += width;
      continue;
    }
    if (i >= wordEnd && isLetterOrMarkCode(cp)) {
      wordEnd = endOfWord(text, i);
      spoof = isSpoofedWord(text, i, wordEnd);
    }
    const mapped = spoof && i < wordEnd ? confusableOf(cp) : undefined;
    if (mapped === undefined && foldsToItself(cp)) {
      i += width;
      continue;
    }
    const folded = mapped ?? foldCodePoint(cp);
    if (i > runStart) out.pushFrom(clean, runStart, i, text.slice(runStart, i).toLowerCase());
    pushFolded(out, clean, i, width, folded);
    i += width;
    runStart = i;
  }
  if (n > runStart) out.pushFrom(clean, runStart, n, text.slice(runStart, n).toLowerCase());
  return out.build('skeleton', clean.rawLength);
}

/** Appends the folded form of the code point at `at`: a 1:1 copy of the map when the length is kept. */
function pushFolded(out: ViewBuilder, clean: View, at: number, width: number, folded: string): void {
  if (folded.length === width) out.pushFrom(clean, at, at + width, folded);
  else {
    const [rs, re] = clean.toRaw(at, at + width);
    out.push(folded, rs, re);
  }
}

/** End of the run of letters and marks (ASCII letters included) starting at `start`. */
function endOfWord(text: string, start: number): number {
  let end = start;
  while (end < text.length) {
    const cp = text.codePointAt(end) ?? 0;
    if (!(cp < 0x80 ? isAsciiLetterCode(cp) : isLetterOrMarkCode(cp))) break;
    end += cp > 0xffff ? 2 : 1;
  }
  return end;
}

/** A word made only of Latin and look-alike letters, with at least one look-alike: the shape of a spoof. */
function isSpoofedWord(text: string, start: number, end: number): boolean {
  let hasConfusable = false;
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i) ?? 0;
    if (!isSpoofLetter(cp)) return false;
    if (cp >= 0x80) hasConfusable = true;
    i += cp > 0xffff ? 2 : 1;
  }
  return hasConfusable;
}

/** Leet substitutions by ASCII code (0 = not a leet character). */
const LEET = new Uint16Array(128);
for (const [from, to] of Object.entries({
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
})) {
  LEET[from.charCodeAt(0)] = to.charCodeAt(0);
}

const isLowerLetter = (code: number): boolean => code >= 0x61 && code <= 0x7a;
const isLeetChar = (code: number): boolean => code < 128 && LEET[code] !== 0;

/**
 * Leetspeak folded back to letters ("1gn0r3" → "ignore"), character for character on the skeleton, inside
 * tokens that mix letters with leet characters. A trailing '!' is punctuation, not an 'i'. One pass, and
 * the skeleton itself is returned when nothing changes.
 */
export function toLeet(skeleton: View): View {
  const text = skeleton.text;
  const n = text.length;
  let out: string[] | null = null;
  let copied = 0;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (!isLowerLetter(code) && !isLeetChar(code)) {
      i++;
      continue;
    }
    const start = i;
    let letters = false;
    let leet = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isLowerLetter(c)) letters = true;
      else if (isLeetChar(c)) leet = true;
      else break;
      i++;
    }
    if (!letters || !leet) continue;
    let folded = '';
    for (let k = start; k < i; k++) {
      const c = text.charCodeAt(k);
      const sub = c < 128 ? (LEET[c] as number) : 0;
      folded += sub !== 0 && !(c === 0x21 && k === i - 1) ? String.fromCharCode(sub) : text[k];
    }
    if (folded === text.slice(start, i)) continue;
    out ??= [];
    out.push(text.slice(copied, start), folded);
    copied = i;
  }
  if (out === null) return skeleton;
  out.push(text.slice(copied));
  return skeleton.withSameMap('leet', out.join(''));
}

function isAlnumLower(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
}

/**
 * Runs of four or more single letters, each separated from the next by one to three separator characters
 * on one line: "i g n o r e", "i.g.n.o.r.e", "i-g-n-o-r-e  a-l-l". Found in one pass.
 */
function spacedRuns(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  const n = text.length;
  let runStart = -1;
  let last = -1;
  let count = 0;
  const close = (): void => {
    if (count >= 4) runs.push([runStart, last + 1]);
    runStart = -1;
    count = 0;
  };
  let previous = false;
  let current = n > 0 && isAlnumLower(text.charCodeAt(0));
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n && isAlnumLower(text.charCodeAt(i + 1));
    const single = current && !previous && !next;
    previous = current;
    current = next;
    if (!single) continue;
    const gap = i - last - 1;
    if (runStart >= 0 && gap >= 1 && gap <= 3 && !text.slice(last + 1, i).includes('\n')) {
      last = i;
      count++;
      continue;
    }
    close();
    runStart = i;
    last = i;
    count = 1;
  }
  close();
  return runs;
}

/** Spaced-out letters joined into words; null when the text has no such run. */
export function toDespaced(source: View): View | null {
  const runs = spacedRuns(source.text);
  if (runs.length === 0) return null;
  const out = new ViewBuilder();
  let copied = 0;
  for (const [start, end] of runs) {
    out.pushFrom(source, copied, start);
    joinRun(out, source, start, end);
    copied = end;
  }
  out.pushFrom(source, copied, source.text.length);
  return out.build('despaced', source.rawLength);
}

/** Joins one spaced run; a gap unlike the run's usual gap (e.g. a double space) becomes a word break. */
function joinRun(out: ViewBuilder, source: View, start: number, end: number): void {
  const text = source.text;
  const letters: number[] = [];
  const gaps: string[] = [];
  let i = start;
  while (i < end) {
    letters.push(i);
    let j = i + 1;
    while (j < end && !isAlnumLower(text.charCodeAt(j))) j++;
    if (j < end) gaps.push(text.slice(i + 1, j));
    i = j;
  }
  const counts = new Map<string, number>();
  for (const gap of gaps) counts.set(gap, (counts.get(gap) ?? 0) + 1);
  let usual = '';
  let best = 0;
  for (const [gap, count] of counts) {
    if (count > best) {
      usual = gap;
      best = count;
    }
  }
  for (let k = 0; k < letters.length; k++) {
    const at = letters[k] as number;
    const [rs, re] = source.toRaw(at, at + 1);
    out.push(text[at] as string, rs, re);
    const gap = gaps[k];
    if (gap !== undefined && gap !== usual && /\s/.test(gap)) {
      const [gs, ge] = source.toRaw(at + 1, at + 1 + gap.length);
      out.push(' ', gs, ge);
    }
  }
}
