/**
 * Finds encoded runs inside a text and decodes those that turn into readable text: base64, hex,
 * percent-encoding, rot13, reversed words, Unicode tag characters and variation-selector byte smuggling.
 * Decoding is bounded: a budget of decoded characters (a small multiple of the input), a cap on the number
 * of segments, and at most two levels (an encoding inside an encoding).
 */
import { englishness, isEnglishWord } from './english.js';
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

const BASE64_RUN = /(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9_-]{16,}={0,2})(?![A-Za-z0-9+/_=-])/g;
const HEX_RUN =
  /(?:\\x[0-9a-fA-F]{2}){6,}|(?<![0-9a-zA-Z])(?:0x)?(?:[0-9a-fA-F]{2}[ :]?){7,}[0-9a-fA-F]{2}(?![0-9a-zA-Z])/g;
// Whitespace-separated tokens; only those with three or more %XX escapes are decoded. (A pattern that
// looks for the escapes directly backtracks quadratically over long tokens without them.)
const URL_TOKEN = /\S+/g;
const PERCENT_ESCAPES = /%[0-9A-Fa-f]{2}[^%]*%[0-9A-Fa-f]{2}[^%]*%[0-9A-Fa-f]{2}/;
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

function findBinaryRuns(text: string, emit: Emit, allowEncoded: boolean): void {
  const runs: Array<[RegExp, EncodingKind, (run: string) => string | null]> = [
    [BASE64_RUN, 'base64', decodeBase64],
    [HEX_RUN, 'hex', decodeHex],
  ];
  if (text.includes('%'))
    runs.push([URL_TOKEN, 'url', (run) => (PERCENT_ESCAPES.test(run) ? decodePercent(run) : null)]);
  for (const [pattern, kind, decode] of runs) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const whole = match[0];
      // Very long runs are decoded from their start only (a multiple of 4 and of 2 keeps base64 and hex
      // aligned), so a payload at the head of a huge blob is still seen and memory stays bounded.
      const run = whole.length > MAX_RUN ? whole.slice(0, MAX_RUN) : whole;
      const decoded = decode(run);
      if (decoded === null || decoded === run) continue;
      if (!looksReadable(decoded) && !(allowEncoded && looksEncoded(decoded))) continue;
      const start = match.index ?? 0;
      if (!emit(kind, decoded, start, start + whole.length)) return;
    }
  }
}

const WORD_TOKEN = /[A-Za-z]+/g;

/**
 * Runs of three or more words that are not English but become English under rot13 or reversal. Working on
 * runs rather than whole lines finds "Decode this: vtaber nyy cerivbhf vafgehpgvbaf" inside an English line.
 */
function findLetterCipherRuns(text: string, emit: Emit): void {
  if (englishness(text) > 0.9) return;
  let runStart = -1;
  let runEnd = -1;
  let runWords = 0;
  const flush = (): boolean => {
    if (runWords >= 3) {
      const run = text.slice(runStart, runEnd);
      const rotated = rot13(run);
      if (englishness(rotated) >= 0.6 && !emit('rot13', rotated, runStart, runEnd)) return false;
      const reversed = reverseText(run);
      if (englishness(reversed) >= 0.6 && !emit('reversed', reversed, runStart, runEnd)) return false;
    }
    runStart = -1;
    runWords = 0;
    return true;
  };
  WORD_TOKEN.lastIndex = 0;
  for (const match of text.matchAll(WORD_TOKEN)) {
    const word = match[0];
    const at = match.index ?? 0;
    const gap = runStart >= 0 ? text.slice(runEnd, at) : '';
    const breaksRun = /[\n.!?;:]/.test(gap);
    if (isEnglishWord(word.toLowerCase()) || breaksRun) {
      if (!flush()) return;
      if (isEnglishWord(word.toLowerCase())) continue;
    }
    if (runStart < 0) runStart = at;
    runEnd = at + word.length;
    // Single letters ("i g n o r e" split apart) say nothing about a cipher; the despaced view covers them.
    if (word.length >= 2) runWords++;
  }
  flush();
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

/**
 * Decodes what can be decoded in `raw` (hidden-character encodings) and `searchable` (the text with
 * invisibles removed, for the visible encodings), then once more inside each decoded segment.
 * `toRaw` maps a span of `searchable` back to the raw text.
 */
export function decodeSegments(
  raw: string,
  searchable: string,
  toRaw: (start: number, end: number) => [number, number],
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
  const visibleEmit: Emit = (kind, text, start, end) => {
    const [rs, re] = toRaw(start, end);
    return take({ kind, path: kind, text, start: rs, end: re, depth: 1 });
  };
  findBinaryRuns(searchable, visibleEmit, true);
  findLetterCipherRuns(searchable, visibleEmit);

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
