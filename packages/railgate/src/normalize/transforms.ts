/**
 * The view-to-view transformations of the normalizer: raw → clean (NFKC, invisibles removed) → skeleton
 * (lowercase, diacritics and look-alike letters folded) → leet (digits and symbols folded back to letters)
 * → despaced (spaced-out letters joined). Each one is linear in the input and has an ASCII fast path,
 * because most prompts are ASCII and the whole default policy has a budget of 0.3 ms for 4 KB.
 */
import { confusableOf } from './confusables.js';
import { invisibleKind, isAscii } from './invisible.js';
import { View, ViewBuilder } from './view.js';

const MARK = /^\p{M}$/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;

function isMark(ch: string): boolean {
  return MARK.test(ch);
}

/**
 * End of the run of ASCII code units starting at `from`, minus its last unit when a combining mark
 * follows (that unit must be normalised together with the mark: "e" + U+0301 → "é").
 */
function asciiRunEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length && text.charCodeAt(j) < 0x80) j++;
  if (j > from && j < text.length && text.charCodeAt(j) >= 0x300 && isMark(text[j] as string)) j--;
  return j;
}

/** NFKC with invisible characters removed; offsets kept per combining sequence. */
export function toClean(raw: string): View {
  if (isAscii(raw)) return new View('clean', raw, null, null, raw.length);
  const out = new ViewBuilder();
  const rawView = new View('raw', raw, null, null, raw.length);
  let i = 0;
  while (i < raw.length) {
    const asciiEnd = asciiRunEnd(raw, i);
    if (asciiEnd > i) {
      out.pushFrom(rawView, i, asciiEnd);
      i = asciiEnd;
      continue;
    }
    const cp = raw.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (invisibleKind(cp) !== null) {
      i += width;
      continue;
    }
    // A starter plus the combining marks after it is the smallest unit NFKC composes; normalising it
    // alone keeps every output code unit attributable to one raw range.
    let end = i + width;
    let sequence = raw.slice(i, end);
    while (end < raw.length) {
      const next = raw.codePointAt(end) ?? 0;
      const nextWidth = next > 0xffff ? 2 : 1;
      const nextChar = raw.slice(end, end + nextWidth);
      if (next < 0x300 || !isMark(nextChar)) break;
      if (invisibleKind(next) === null) sequence += nextChar;
      end += nextWidth;
    }
    out.push(sequence.normalize('NFKC'), i, end);
    i = end;
  }
  return out.build('clean', raw.length);
}

const foldCache = new Map<number, string>();

/** Lowercase, decomposed, without combining marks: 'É' → 'e', 'ß' → 'ß', 'İ' → 'i'. */
function foldCodePoint(cp: number): string {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const folded = String.fromCodePoint(cp).normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '');
  if (foldCache.size < 65536) foldCache.set(cp, folded);
  return folded;
}

function isSpoofLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || confusableOf(cp) !== undefined;
}

/**
 * Lowercase skeleton. Look-alike letters are mapped to Latin only inside words made entirely of Latin
 * and look-alike letters (the shape of a spoofed keyword such as "іgnоrе"), so genuine Russian or Greek
 * words keep their script and multilingual patterns still match them.
 */
export function toSkeleton(clean: View): View {
  const text = clean.text;
  if (isAscii(text)) return clean.withSameMap('skeleton', text.toLowerCase());
  const out = new ViewBuilder();
  let i = 0;
  while (i < text.length) {
    let asciiEnd = i;
    while (asciiEnd < text.length && text.charCodeAt(asciiEnd) < 0x80) asciiEnd++;
    if (asciiEnd > i) {
      out.pushFrom(clean, i, asciiEnd, text.slice(i, asciiEnd).toLowerCase());
      i = asciiEnd;
      continue;
    }
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + width);
    if (LETTER_OR_MARK.test(ch)) {
      i = foldWord(text, i, clean, out);
      continue;
    }
    const [rs, re] = clean.toRaw(i, i + width);
    out.push(foldCodePoint(cp), rs, re);
    i += width;
  }
  return out.build('skeleton', clean.rawLength);
}

/** Folds the word that starts at `start` (which holds a non-ASCII letter); returns the index after it. */
function foldWord(text: string, start: number, clean: View, out: ViewBuilder): number {
  // Words may begin with ASCII letters already pushed; the spoof decision looks at the rest of the word.
  let end = start;
  let spoof = true;
  let hasConfusable = false;
  while (end < text.length) {
    const cp = text.codePointAt(end) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const ch = text.slice(end, end + width);
    if (!(cp < 0x80 ? /[A-Za-z]/.test(ch) : LETTER_OR_MARK.test(ch))) break;
    if (!isSpoofLetter(cp)) spoof = false;
    else if (cp >= 0x80) hasConfusable = true;
    end += width;
  }
  spoof = spoof && hasConfusable;
  let i = start;
  while (i < end) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const [rs, re] = clean.toRaw(i, i + width);
    const mapped = spoof && cp >= 0x80 ? confusableOf(cp) : undefined;
    out.push(mapped ?? (cp < 0x80 ? String.fromCharCode(cp).toLowerCase() : foldCodePoint(cp)), rs, re);
    i += width;
  }
  return end;
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
