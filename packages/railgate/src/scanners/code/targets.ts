/**
 * What the code scanner searches. Tool arguments are JSON: each string value is searched on its own, with
 * its escapes resolved (`\"`, `\u0027`), so a quote's parity is counted inside the field it belongs to and
 * JSON's own delimiters never look like a break-out. Percent-encoded tokens, base64 runs and \x-escaped
 * hex are decoded here: the normalizer only keeps decodings that read as prose, and payloads rarely do.
 */
import type { View } from '../../normalize/views.js';
import { CH, type Features } from './features.js';

export interface Target {
  text: string;
  /** Maps a span of `text` to a raw span. */
  toRaw: (start: number, end: number) => [number, number];
  view: string;
  /** Decoded text gets no prose discount: nobody encodes a payload to talk about it. */
  decoded: boolean;
}

const MAX_TARGETS = 4096;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The string literals of a JSON document, unescaped and mapped back; null when the text is not JSON. */
export function jsonStrings(clean: View): Target[] | null {
  const text = clean.text;
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return null;
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const targets: Target[] = [];
  // The document is valid JSON, so quotes alternate strictly between opening and closing a literal.
  for (let open = text.indexOf('"'); open >= 0 && targets.length < MAX_TARGETS; ) {
    const close = closingQuote(text, open);
    const body = open + 1;
    if (close - body >= 3) {
      const escaped = text.indexOf('\\', body);
      targets.push(
        escaped < 0 || escaped > close ? plainLiteral(clean, body, close) : escapedLiteral(clean, body, close),
      );
    }
    open = text.indexOf('"', close + 1);
  }
  return targets;
}

/** Position of the quote closing the literal opened at `open` (escaped quotes skipped). */
function closingQuote(text: string, open: number): number {
  let i = open + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text[quote - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

/** A literal without escapes: the text itself, offsets shifted. */
function plainLiteral(clean: View, body: number, close: number): Target {
  return {
    text: clean.text.slice(body, close),
    toRaw: (s, e) => clean.toRaw(body + s, body + e),
    view: 'json',
    decoded: false,
  };
}

/** A literal with escapes resolved, every character mapped to the escape sequence it came from. */
function escapedLiteral(clean: View, body: number, close: number): Target {
  const text = clean.text;
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = body; i < close; ) {
    const width = text[i] === '\\' ? (text[i + 1] === 'u' ? 6 : 2) : 1;
    const code = text[i + 1] ?? '';
    if (width === 1) chars.push(text[i] as string);
    else if (width === 6) chars.push(String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16)));
    else chars.push(ESCAPES[code] ?? code);
    starts.push(i);
    ends.push(i + width);
    i += width;
  }
  return {
    text: chars.join(''),
    toRaw: (s, e) => clean.toRaw(starts[s] ?? body, ends[Math.max(s, e - 1)] ?? close),
    view: 'json',
    decoded: false,
  };
}

function percentDecode(token: string): string {
  return token.replace(/\+/g, ' ').replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
  });
}

/** A decoded run, reported at the span of the encoded run inside `outer`. */
function decodedTarget(outer: Target, text: string, start: number, end: number, view: string): Target {
  const span = outer.toRaw(start, end);
  return { text, toRaw: () => [span[0], span[1]], view, decoded: true };
}

/** Whitespace-separated tokens holding percent-escapes, decoded (twice for %25 double encoding). */
export function percentDecoded(outer: Target, features: Features): Target[] {
  if ((features.chars & CH.percent) === 0 || !/%[0-9a-f]{2}/i.test(outer.text)) return [];
  const targets: Target[] = [];
  for (const match of outer.text.matchAll(/\S+/g)) {
    const token = match[0];
    if (!/%[0-9a-f]{2}/i.test(token)) continue;
    let decoded = percentDecode(token);
    if (/%25[0-9a-f]{2}/i.test(token)) decoded = percentDecode(decoded);
    if (decoded === token) continue;
    const start = match.index ?? 0;
    targets.push(decodedTarget(outer, decoded, start, start + token.length, 'decoded:url'));
    if (targets.length >= 64) break;
  }
  return targets;
}

/** Decoded bytes that read as ASCII text (code, commands), not as binary. */
function asciiText(bytes: Buffer): string | null {
  if (bytes.length < 6) return null;
  let printable = 0;
  for (const byte of bytes) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x0a || byte === 0x09) printable++;
  return printable >= bytes.length * 0.95 ? bytes.toString('latin1') : null;
}

const HEX_ESCAPES = /(?:\\x[0-9a-fA-F]{2}){6,}/g;

/**
 * Base64 runs (found by the feature scan) and \x-escaped hex, decoded to ASCII. The normalizer's decoded
 * segments keep only decodings that read like prose; a payload such as `; rm -rf /` has too few letters for
 * that, so the code scanner decodes runs itself.
 */
export function binaryDecoded(outer: Target, features: Features): Target[] {
  const text = outer.text;
  const targets: Target[] = [];
  for (const [start, end] of features.base64Runs) {
    const run = text.slice(start, end);
    // One alphabet or the other: + and / (standard) or - and _ (URL-safe), never both.
    if (/[+/]/.test(run) && /[_-]/.test(run)) continue;
    const decoded = asciiText(Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (decoded !== null) targets.push(decodedTarget(outer, decoded, start, end, 'decoded:base64'));
  }
  if ((features.chars & CH.backslash) !== 0 && text.includes('\\x')) {
    for (const match of text.matchAll(HEX_ESCAPES)) {
      const start = match.index ?? 0;
      const decoded = asciiText(Buffer.from(match[0].replace(/\\x/g, ''), 'hex'));
      if (decoded !== null) targets.push(decodedTarget(outer, decoded, start, start + match[0].length, 'decoded:hex'));
    }
  }
  return targets;
}
