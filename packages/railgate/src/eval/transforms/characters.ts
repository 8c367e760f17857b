/**
 * Character-level transforms: the payload stays readable to a person (and to a model) while the characters
 * a keyword filter compares change: look-alike letters from other scripts, leetspeak, invisible characters
 * inside words, spaced-out letters and random case. Each one works word by word, so every word of a
 * long payload is disguised, not only the first.
 */
import type { Rng } from './rng.js';
import type { Transform } from './transform.js';

/** A word: a run of letters and digits (marks excluded, so an accent is never separated from its letter). */
const WORD = /[\p{L}\p{N}]+/gu;

/** Rewrites every word of `text` with `rewrite` (given the word's code points); the rest is kept. */
function mapWords(text: string, rewrite: (chars: string[]) => string): string {
  return text.replace(WORD, (word) => rewrite(Array.from(word)));
}

/**
 * Substitutes some characters of one word: each substitutable character with probability `rate`, at
 * least one when any is substitutable. `options(ch, index)` lists the replacements allowed at a position.
 */
function substituteSome(
  chars: readonly string[],
  rng: Rng,
  rate: number,
  options: (ch: string, index: number) => readonly string[] | undefined,
): string[] {
  const out = [...chars];
  const eligible: number[] = [];
  let changed = 0;
  for (let i = 0; i < chars.length; i++) {
    const choices = options(chars[i] as string, i);
    if (choices === undefined || choices.length === 0) continue;
    eligible.push(i);
    if (rng.chance(rate)) {
      out[i] = rng.pick(choices);
      changed++;
    }
  }
  if (changed === 0 && eligible.length > 0) {
    const at = rng.pick(eligible);
    out[at] = rng.pick(options(chars[at] as string, at) ?? []);
  }
  return out;
}

/**
 * Leet substitutions, limited to the ones a reader (and the normalizer's leet view) maps back to one letter:
 * '1' is always 'i', never 'l'.
 */
const LEET_LOWER: Readonly<Record<string, readonly string[]>> = {
  a: ['4', '@'],
  b: ['8'],
  e: ['3'],
  g: ['9'],
  i: ['1', '!'],
  l: ['|'],
  o: ['0'],
  s: ['5', '$'],
  t: ['7', '+'],
};

/** Both cases, and a variant for the last letter of a word, where '!' would read as punctuation. */
const LEET = new Map<string, readonly string[]>();
const LEET_AT_END = new Map<string, readonly string[]>();
for (const [letter, choices] of Object.entries(LEET_LOWER)) {
  for (const key of [letter, letter.toUpperCase()]) {
    LEET.set(key, choices);
    LEET_AT_END.set(
      key,
      choices.filter((c) => c !== '!'),
    );
  }
}

export const leetspeakTransform: Transform = {
  id: 'leetspeak',
  family: 'character',
  description: 'Letters swapped for digits and symbols that look like them ("1gn0r3 4ll"), some in every word.',
  apply(text, rng) {
    return mapWords(text, (chars) => {
      const last = chars.length - 1;
      const out = substituteSome(chars, rng, 0.6, (ch, index) => (index === last ? LEET_AT_END : LEET).get(ch));
      keepOneLetter(chars, out, rng);
      return out.join('');
    });
  },
};

function isAsciiLetter(ch: string): boolean {
  const code = ch.charCodeAt(0) | 0x20;
  return ch.length === 1 && code >= 0x61 && code <= 0x7a;
}

/** A word turned entirely into digits and symbols ("4|| " for "all") stops reading as a word: restore one letter. */
function keepOneLetter(original: readonly string[], out: string[], rng: Rng): void {
  const substituted: number[] = [];
  for (let i = 0; i < out.length; i++) {
    if (isAsciiLetter(out[i] as string)) return;
    if (out[i] !== original[i]) substituted.push(i);
  }
  if (substituted.length > 0) {
    const at = rng.pick(substituted);
    out[at] = original[at] as string;
  }
}

/** Cyrillic and Greek letters that render like a Latin letter (each maps back to exactly that letter). */
const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430', '\u03b1'],
  c: ['\u0441'],
  d: ['\u0501'],
  e: ['\u0435'],
  h: ['\u04bb'],
  i: ['\u0456'],
  j: ['\u0458'],
  k: ['\u03ba'],
  o: ['\u043e', '\u03bf'],
  p: ['\u0440', '\u03c1'],
  q: ['\u051b'],
  s: ['\u0455'],
  u: ['\u03c5'],
  v: ['\u03bd'],
  w: ['\u051d'],
  x: ['\u0445', '\u03c7'],
  y: ['\u0443'],
  A: ['\u0410', '\u0391'],
  B: ['\u0412', '\u0392'],
  C: ['\u0421'],
  E: ['\u0415', '\u0395'],
  H: ['\u041d', '\u0397'],
  I: ['\u0406', '\u0399'],
  J: ['\u0408'],
  K: ['\u041a', '\u039a'],
  M: ['\u041c', '\u039c'],
  N: ['\u039d'],
  O: ['\u041e', '\u039f'],
  P: ['\u0420', '\u03a1'],
  S: ['\u0405'],
  T: ['\u0422', '\u03a4'],
  X: ['\u0425', '\u03a7'],
  Y: ['\u04ae', '\u03a5'],
  Z: ['\u0396'],
};

export const homoglyphTransform: Transform = {
  id: 'homoglyph',
  family: 'character',
  description: 'Some Latin letters replaced by identical-looking Cyrillic or Greek letters ("іgnоrе"), in every word.',
  apply(text, rng) {
    return mapWords(text, (chars) => substituteSome(chars, rng, 0.4, (ch) => HOMOGLYPHS[ch]).join(''));
  },
};

/** Zero-width space, zero-width non-joiner and word joiner: invisible, and they split a keyword in two. */
const ZERO_WIDTH: readonly string[] = ['\u200b', '\u200c', '\u2060'];

export const zeroWidthTransform: Transform = {
  id: 'zero_width',
  family: 'character',
  description: 'Invisible zero-width characters (U+200B, U+200C, U+2060) inserted between letters of every word.',
  apply(text, rng) {
    return mapWords(text, (chars) => {
      if (chars.length < 2) return chars.join('');
      const gaps = chars.length - 1;
      const inserted = new Array<boolean>(gaps).fill(false);
      let any = false;
      for (let g = 0; g < gaps; g++) {
        inserted[g] = rng.chance(0.5);
        any ||= inserted[g] as boolean;
      }
      if (!any) inserted[rng.int(gaps)] = true;
      let out = chars[0] as string;
      for (let g = 0; g < gaps; g++) out += (inserted[g] ? rng.pick(ZERO_WIDTH) : '') + chars[g + 1];
      return out;
    });
  },
};

/** Separators between the letters of a word; with a space, words are set apart by three spaces instead. */
const LETTER_SEPARATORS: readonly string[] = [' ', ' ', '.', '-', '_'];

export const letterSpacingTransform: Transform = {
  id: 'letter_spacing',
  family: 'character',
  description: 'The letters of every word separated by a space, dot, dash or underscore ("i g n o r e").',
  apply(text, rng) {
    const separator = rng.pick(LETTER_SEPARATORS);
    return text
      .split(/(\s+)/)
      .map((part) => {
        if (/^\s+$/.test(part)) return separator === ' ' && !/[\n\r]/.test(part) ? '   ' : part;
        return mapWords(part, (chars) => chars.join(separator));
      })
      .join('');
  },
};

export const caseNoiseTransform: Transform = {
  id: 'case_noise',
  family: 'character',
  description: 'Every letter randomly upper- or lowercase ("iGnORe aLL").',
  apply(text, rng) {
    let out = '';
    for (const ch of text) {
      const flipped = rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase();
      // Some letters change length with case ('ß' → 'SS'); those keep their form so the text keeps its size.
      out += flipped.length === ch.length ? flipped : ch;
    }
    return out;
  },
};

export const CHARACTER_TRANSFORMS: readonly Transform[] = [
  leetspeakTransform,
  homoglyphTransform,
  zeroWidthTransform,
  letterSpacingTransform,
  caseNoiseTransform,
];
