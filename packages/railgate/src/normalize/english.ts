import { ENGLISH_WORDS } from './english-words.js';

const WORDS: ReadonlySet<string> = new Set(ENGLISH_WORDS.split(/\s+/).filter((w) => w.length > 0));

/** True when the lowercase word is one of the common English words the normalizer knows. */
export function isEnglishWord(word: string): boolean {
  return WORDS.has(word);
}

/**
 * Share of word tokens (two letters or more, plus "a" and "i") that are common English words; 0 for text
 * without words. Used to decide whether rot13 or reversal turned gibberish into readable text.
 */
export function englishness(text: string): number {
  const tokens = text.toLowerCase().match(WORD) ?? [];
  if (tokens.length === 0) return 0;
  let known = 0;
  for (const token of tokens) if (WORDS.has(token)) known++;
  return known / tokens.length;
}

const WORD = /[a-z]{2,}|\b[ai]\b/g;
