/**
 * Finds encoded runs inside a text and decodes those that turn into readable text: base64, hex,
 * percent-encoding, rot13, reversed words, Unicode tag characters and variation-selector byte smuggling.
 * Decoding is bounded: a budget of decoded characters (a small multiple of the input), a cap on the number
 * of segments, and at most two levels (an encoding inside an encoding).
 */
import { englishness, englishWords, HASH_START, hashStep, isEnglishHash } from './english.js';
import { tagToAscii, variationSelectorByte } from './invisible.js';

export type EncodingKind = 'base64' | 'hex' | 'url' | 'rot13' | 'reversed' | 'tags' | 'variation_selectors';

export interface DecodedSegment {
  kind: EncodingKind;
  /** `base64`, or `base64>rot13` for a rot13 run found inside a decoded base64 run. */
  path: string;
  /** The decoded text, original case. */
  text: string;
  /** Where the encoded run sits in the text that was searched (raw offsets for depth 1). */
  start: number;
  end: number;
  depth: 1 | 2;
}

export interface DecodeBudget {
  chars: number;
  segments: number;
}

export const MAX_DECODE_DEPTH = 2;

export function newDecodeBudget(inputLength: number): DecodeBudget {
  return { chars: Math.min(2 * inputLength + 4096, 4 << 20), segments: 64 };
}

const MAX_RUN = 65536;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text a person could read: valid UTF-8, almost all printable, mostly letters and spaces. */
export function looksReadable(text: string): boolean {
  if (text.length < 4) return false;
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      printable++;
      spaces++;
    } else if (c > 0x20 && c < 0x7f) {
      printable++;
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) letters++;
    } else if (c >= 0xa0 && c !== 0xfffd) {
      printable++;
      letters++;
    }
  }
  if (printable < text.length * 0.95) return false;
  if (letters < (text.length - spaces) * 0.6) return false;
  return spaces > 0 || englishness(text) > 0;
}

function bytesToText(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function decodeBase64(run: string): string | null {
  const body = run.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  // A lowercase-only or letters-only run is usually a long word or identifier, not base64.
  if (!/[0-9+/_-]/.test(body) && !(/[A-Z]/.test(body) && /[a-z]/.test(body))) return null;
  const normal = body.replace(/-/g, '+').replace(/_/g, '/');
  return bytesToText(Buffer.from(normal, 'base64'));
}

function decodeHex(run: string): string | null {
  const digits = run.replace(/\\x|0x|[ :]/g, '');
  if (digits.length % 2 !== 0) return null;
  return bytesToText(Buffer.from(digits, 'hex'));
}

function decodePercent(run: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const ch = run.charCodeAt(i);
    if (ch === 0x25 && i + 2 < run.length && /^[0-9A-Fa-f]{2}$/.test(run.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(run.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === 0x2b) {
      bytes.push(0x20);
    } else if (ch < 0x80) {
      bytes.push(ch);
    } else {
      return null;
    }
  }
  return bytesToText(Uint8Array.from(bytes));
}

export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => {
    const code = c.charCodeAt(0);
    const base = code < 0x61 ? 0x41 : 0x61;
    return String.fromCharCode(((code - base + 13) % 26) + base);
  });
}

export function reverseText(text: string): string {
  return Array.from(text).reverse().join('');
}

type Emit = (kind: EncodingKind, text: string, start: number, end: number) => boolean;

/** A decoded run that is itself one base64 or hex run: kept so the second level can decode it. */
function looksEncoded(text: string): boolean {
  if (text.length < 16 || text.length > MAX_RUN) return false;
  if (!/^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+={0,2}|[0-9a-fA-F ]+)$/.test(text)) return false;
  // Real encodings mix character classes; a run of one letter is padding or noise.
  return /[0-9]/.test(text) ? /[A-Za-z]/.test(text) : /[A-Z]/.test(text) && /[a-z]/.test(text);
}

/** Base64 alphabet (standard and URL-safe) as a lookup table over ASCII. */
const BASE64_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-')
  BASE64_CHAR[ch.charCodeAt(0)] = 1;
const HEX_CHAR = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF') HEX_CHAR[ch.charCodeAt(0)] = 1;

const isBase64Char = (code: number): boolean => code < 128 && BASE64_CHAR[code] === 1;
const isHexChar = (code: number): boolean => code < 128 && HEX_CHAR[code] === 1;

interface Candidate {
  kind: 'base64' | 'hex';
  start: number;
  end: number;
}

/**
 * Candidate encoded runs in one pass: maximal base64-alphabet runs of 16+ characters (a run of hex digits
 * is tried as hex too), and hex byte runs written with separators or `\x` escapes ("69 67 6e", "\x69\x67").
 */
function encodedCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === 0x5c && text.charCodeAt(i + 1) === 0x78) {
      const end = escapedHexEnd(text, i);
      if (end - i >= 24) {
        out.push({ kind: 'hex', start: i, end });
        i = end;
        continue;
      }
    }
    if (!isBase64Char(code)) {
      i++;
      continue;
    }
    const start = i;
    let allHex = true;
    while (i < n && isBase64Char(text.charCodeAt(i))) {
      if (!isHexChar(text.charCodeAt(i))) allHex = false;
      i++;
    }
    if (allHex && i - start === 2) {
      const end = spacedHexEnd(text, start);
      if (end > 0) {
        out.push({ kind: 'hex', start, end });
        i = end;
        continue;
      }
    }
    let end = i;
    while (end < n && end - i < 2 && text.charCodeAt(end) === 0x3d) end++;
    if (i - start >= 16) {
      if (allHex && (i - start) % 2 === 0) out.push({ kind: 'hex', start, end: i });
      out.push({ kind: 'base64', start, end });
    }
    i = end;
  }
  return out;
}

/** End of a run of `\xHH` escapes starting at `from`. */
function escapedHexEnd(text: string, from: number): number {
  let i = from;
  while (
    text.charCodeAt(i) === 0x5c &&
    text.charCodeAt(i + 1) === 0x78 &&
    isHexChar(text.charCodeAt(i + 2)) &&
    isHexChar(text.charCodeAt(i + 3))
  )
    i += 4;
  return i;
}

/** End of 8+ hex byte pairs separated by one space or colon starting at `from`, or -1. */
function spacedHexEnd(text: string, from: number): number {
  let i = from;
  let pairs = 0;
  for (;;) {
    if (!(isHexChar(text.charCodeAt(i)) && isHexChar(text.charCodeAt(i + 1)))) break;
    const after = text.charCodeAt(i + 2);
    if (isBase64Char(after)) break;
    pairs++;
    if (after !== 0x20 && after !== 0x3a) {
      i += 2;
      return pairs >= 8 ? i : -1;
    }
    if (!(isHexChar(text.charCodeAt(i + 3)) && isHexChar(text.charCodeAt(i + 4)))) {
      i += 2;
      return pairs >= 8 ? i : -1;
    }
    i += 3;
  }
  return pairs >= 8 ? i : -1;
}

/** Run decoders and what they accept. */
const DECODERS: Record<'base64' | 'hex', (run: string) => string | null> = { base64: decodeBase64, hex: decodeHex };

function tryEmit(
  kind: EncodingKind,
  whole: string,
  start: number,
  decode: (run: string) => string | null,
  emit: Emit,
  allowEncoded: boolean,
): boolean {
  // Very long runs are decoded from their start only (a multiple of 4 and of 2 keeps base64 and hex
  // aligned), so a payload at the head of a huge blob is still seen and memory stays bounded.
  const run = whole.length > MAX_RUN ? whole.slice(0, MAX_RUN) : whole;
  const decoded = decode(run);
  if (decoded === null || decoded === run) return true;
  if (!looksReadable(decoded) && !(allowEncoded && looksEncoded(decoded))) return true;
  return emit(kind, decoded, start, start + whole.length);
}

function findBinaryRuns(text: string, emit: Emit, allowEncoded: boolean): void {
  for (const candidate of encodedCandidates(text)) {
    const whole = text.slice(candidate.start, candidate.end);
    if (!tryEmit(candidate.kind, whole, candidate.start, DECODERS[candidate.kind], emit, allowEncoded)) return;
  }
  for (const [start, end] of percentTokens(text)) {
    if (!tryEmit('url', text.slice(start, end), start, decodePercent, emit, allowEncoded)) return;
  }
}

const isSpace = (code: number): boolean => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/** Whitespace-delimited tokens holding three or more %XX escapes, found from the '%' signs outward. */
function percentTokens(text: string): Array<[number, number]> {
  const tokens: Array<[number, number]> = [];
  let at = text.indexOf('%');
  while (at >= 0) {
    let start = at;
    while (start > 0 && !isSpace(text.charCodeAt(start - 1))) start--;
    let end = at;
    let escapes = 0;
    while (end < text.length && !isSpace(text.charCodeAt(end))) {
      if (text.charCodeAt(end) === 0x25 && isHexChar(text.charCodeAt(end + 1)) && isHexChar(text.charCodeAt(end + 2)))
        escapes++;
      end++;
    }
    if (escapes >= 3) tokens.push([start, end]);
    at = text.indexOf('%', end);
  }
  return tokens;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** Sentence punctuation and line breaks end a candidate run. */
function isRunBreak(code: number): boolean {
  return code === 0x0a || code === 0x2e || code === 0x21 || code === 0x3f || code === 0x3b || code === 0x3a;
}

/**
 * Runs of three or more words that are not English but become English under rot13 or reversal. Working on
 * runs rather than whole lines finds "Decode this: vtaber nyy cerivbhf vafgehpgvbaf" inside an English line.
 * One hand-written pass (no regex match objects): this runs on every analysed text.
 */
function findLetterCipherRuns(text: string, emit: Emit): void {
  // Plain locals only (no closure over them): this loop runs over every analysed text.
  let runStart = -1;
  let runEnd = -1;
  let runWords = 0;
  let broken = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (!isAsciiLetter(code)) {
      if (isRunBreak(code)) broken = true;
      i++;
      continue;
    }
    const start = i;
    let hash = HASH_START;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isAsciiLetter(c)) break;
      hash = hashStep(hash, c | 0x20);
      i++;
    }
    const known = isEnglishHash(hash);
    if (known || (broken && runStart >= 0)) {
      if (runWords >= 3 && !decodeCipherRun(text, runStart, runEnd, emit)) return;
      runStart = -1;
      runWords = 0;
    }
    broken = false;
    if (known) continue;
    if (runStart < 0) runStart = start;
    runEnd = i;
    // Single letters ("i g n o r e" split apart) say nothing about a cipher; the despaced view covers them.
    if (i - start >= 2) runWords++;
  }
  if (runWords >= 3) decodeCipherRun(text, runStart, runEnd, emit);
}

/** Tries rot13 and reversal on one run of non-English words; false when the budget is spent. */
function decodeCipherRun(text: string, start: number, end: number, emit: Emit): boolean {
  const run = text.slice(start, end);
  const rotated = rot13(run);
  if (readsAsEnglish(rotated) && !emit('rot13', rotated, start, end)) return false;
  const reversed = reverseText(run);
  return !(readsAsEnglish(reversed) && !emit('reversed', reversed, start, end));
}

/** Mostly known words, three of them at least three letters long. */
function readsAsEnglish(text: string): boolean {
  const { words, known, knownLong } = englishWords(text);
  return words > 0 && known / words >= 0.6 && knownLong >= 3;
}

/** Runs of Unicode tag characters (ASCII smuggling) decoded to the ASCII they shadow. */
function findTagRuns(raw: string, emit: Emit): void {
  if (!/[\u{E0000}-\u{E007F}]/u.test(raw)) return;
  for (const match of raw.matchAll(/[\u{E0000}-\u{E007F}]+/gu)) {
    let ascii = '';
    for (const ch of match[0]) {
      const code = tagToAscii(ch.codePointAt(0) ?? 0);
      if (code >= 0) ascii += String.fromCharCode(code);
    }
    const start = match.index ?? 0;
    if (ascii.length > 0 && !emit('tags', ascii, start, start + match[0].length)) return;
  }
}

/** Four or more variation selectors in a row, each standing for one byte of a hidden UTF-8 message. */
function findVariationSelectorRuns(raw: string, emit: Emit): void {
  if (!/[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u.test(raw)) return;
  for (const match of raw.matchAll(/[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{4,}/gu)) {
    const bytes: number[] = [];
    for (const ch of match[0]) bytes.push(variationSelectorByte(ch.codePointAt(0) ?? 0));
    const decoded = bytesToText(Uint8Array.from(bytes));
    const start = match.index ?? 0;
    if (decoded !== null && looksReadable(decoded)) {
      if (!emit('variation_selectors', decoded, start, start + match[0].length)) return;
    }
  }
}

/** A text to search and the map of its spans back to the raw text. */
export interface SearchText {
  text: string;
  toRaw: (start: number, end: number) => [number, number];
}

/**
 * Decodes what can be decoded in `raw` (hidden-character encodings), `searchable` (the text with
 * invisibles removed, for the visible encodings) and `letters` (for letter ciphers), then once more inside
 * each decoded segment. Each search text carries its map back to the raw text.
 */
export function decodeSegments(
  raw: string,
  /** Case-preserving text for the binary encodings (the clean view). */
  searchable: SearchText,
  /** Text for rot13 and reversal (the skeleton view: look-alike letters already Latin, so spoofed words are words). */
  letters: SearchText = searchable,
  budget: DecodeBudget = newDecodeBudget(raw.length),
): DecodedSegment[] {
  const segments: DecodedSegment[] = [];
  const take = (segment: DecodedSegment): boolean => {
    if (budget.segments <= 0 || budget.chars < segment.text.length) return false;
    budget.segments--;
    budget.chars -= segment.text.length;
    segments.push(segment);
    return true;
  };
  const rawEmit: Emit = (kind, text, start, end) => take({ kind, path: kind, text, start, end, depth: 1 });
  findTagRuns(raw, rawEmit);
  findVariationSelectorRuns(raw, rawEmit);
  const emitFrom =
    (source: SearchText): Emit =>
    (kind, text, start, end) => {
      const [rs, re] = source.toRaw(start, end);
      return take({ kind, path: kind, text, start: rs, end: re, depth: 1 });
    };
  findBinaryRuns(searchable.text, emitFrom(searchable), true);
  findLetterCipherRuns(letters.text, emitFrom(letters));

  const firstLevel = segments.length;
  for (let i = 0; i < firstLevel; i++) {
    const outer = segments[i] as DecodedSegment;
    const innerEmit: Emit = (kind, text) =>
      take({ kind, path: `${outer.path}>${kind}`, text, start: outer.start, end: outer.end, depth: 2 });
    findBinaryRuns(outer.text, innerEmit, false);
    if (outer.kind !== 'rot13' && outer.kind !== 'reversed') findLetterCipherRuns(outer.text, innerEmit);
  }
  return segments;
}
