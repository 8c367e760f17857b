import { ENGLISH_WORDS } from './english-words.js';

/**
 * The common English words the normalizer knows, kept as a table of 32-bit FNV-1a hashes so a scan can
 * hash a word while walking its letters and look it up without slicing a string. A collision makes an
 * unknown word look English, which only makes the cipher search more cautious.
 */
const TABLE_BITS = 14;
const TABLE = new Uint32Array(1 << TABLE_BITS);
const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a step over one lowercase ASCII letter code. */
export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193) >>> 0;
}

export const HASH_START = FNV_OFFSET;

function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = hashStep(h, word.charCodeAt(i));
  return h;
}

function insert(hash: number): void {
  // Open addressing; 0 marks an empty slot, so a zero hash is stored as 1.
  const h = hash || 1;
  let slot = h & (TABLE.length - 1);
  while (TABLE[slot] !== 0 && TABLE[slot] !== h) slot = (slot + 1) & (TABLE.length - 1);
  TABLE[slot] = h;
}

for (const word of ENGLISH_WORDS.split(/\s+/)) if (word.length > 0) insert(hashWord(word));

/** True when a word's hash (of its lowercase letters) is in the table. */
export function isEnglishHash(hash: number): boolean {
  const h = hash || 1;
  let slot = h & (TABLE.length - 1);
  for (;;) {
    const stored = TABLE[slot];
    if (stored === h) return true;
    if (stored === 0) return false;
    slot = (slot + 1) & (TABLE.length - 1);
  }
}

/** True when the lowercase word is one of the common English words the normalizer knows. */
export function isEnglishWord(word: string): boolean {
  return isEnglishHash(hashWord(word));
}

/**
 * Share of words (ASCII letter runs of two or more, plus "a" and "i") that are common English words; 0 for
 * text without words. Used to decide whether rot13 or reversal turned gibberish into readable text.
 */
export function englishness(text: string): number {
  const { words, known } = englishWords(text);
  return words === 0 ? 0 : known / words;
}

/**
 * Counts of words, known words, and known words of three letters or more (short words match by chance
 * in random letters, so a decode must also produce some longer ones).
 */
export function englishWords(text: string): { words: number; known: number; knownLong: number } {
  let words = 0;
  let known = 0;
  let knownLong = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i) | 0x20;
    if (code < 0x61 || code > 0x7a) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    while (i < n) {
      code = text.charCodeAt(i) | 0x20;
      if (code < 0x61 || code > 0x7a || !isLetterCode(text.charCodeAt(i))) break;
      h = hashStep(h, code);
      i++;
    }
    const length = i - start;
    if (length === 1 && h !== SINGLE_A && h !== SINGLE_I) continue;
    words++;
    if (isEnglishHash(h)) {
      known++;
      if (length >= 3) knownLong++;
    }
  }
  return { words, known, knownLong };
}

function isLetterCode(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

const SINGLE_A = hashStep(FNV_OFFSET, 0x61);
const SINGLE_I = hashStep(FNV_OFFSET, 0x69);
