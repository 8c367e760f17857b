/**
 * Per-code-point facts the normalizer asks for on every non-ASCII character (is it a combining mark, a
 * letter, does NFKC change it, what is its folded form), computed once with Unicode-aware regexes and
 * remembered in tables, so a 100 KB non-Latin text costs table lookups rather than 100 000 regex calls.
 */
const MARK = /^\p{M}$/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;

const IS_MARK = 1;
const IS_LETTER_OR_MARK = 2;
const NFKC_CHANGES = 4;
const FOLD_CHANGES = 8;
const KNOWN = 128;

/** Flags for the Basic Multilingual Plane; astral code points are rare and use a small map. */
const bmp = new Uint8Array(0x10000);
const astral = new Map<number, number>();

function compute(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let flags = KNOWN;
  if (MARK.test(ch)) flags |= IS_MARK;
  if (LETTER_OR_MARK.test(ch)) flags |= IS_LETTER_OR_MARK;
  if (ch.normalize('NFKC') !== ch) flags |= NFKC_CHANGES;
  if (foldCodePoint(cp) !== ch) flags |= FOLD_CHANGES;
  return flags;
}

function flagsOf(cp: number): number {
  if (cp < 0x10000) {
    let flags = bmp[cp] as number;
    if (flags === 0) {
      flags = compute(cp);
      bmp[cp] = flags;
    }
    return flags;
  }
  let flags = astral.get(cp);
  if (flags === undefined) {
    flags = compute(cp);
    if (astral.size < 65536) astral.set(cp, flags);
  }
  return flags;
}

export function isMarkCode(cp: number): boolean {
  return cp >= 0x300 && (flagsOf(cp) & IS_MARK) !== 0;
}

export function isLetterOrMarkCode(cp: number): boolean {
  return (flagsOf(cp) & IS_LETTER_OR_MARK) !== 0;
}

/** True when NFKC leaves this code point alone (on its own; composition with marks is handled apart). */
export function isNfkcStable(cp: number): boolean {
  return (flagsOf(cp) & NFKC_CHANGES) === 0;
}

/** True when the skeleton fold (lowercase, marks removed) leaves this code point alone. */
export function foldsToItself(cp: number): boolean {
  return (flagsOf(cp) & FOLD_CHANGES) === 0;
}

const foldCache = new Map<number, string>();

/** Lowercase, decomposed, without combining marks: 'É' → 'e', 'ß' → 'ß', 'İ' → 'i'. */
export function foldCodePoint(cp: number): string {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  const folded = String.fromCodePoint(cp).normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '');
  if (foldCache.size < 65536) foldCache.set(cp, folded);
  return folded;
}
