/**
 * Token flooding: a long run of the same few short tokens ("ö ö ö ö …", ") ] } ) ] } …"), used to push a
 * system prompt out of the model's attention or to break a delimiter before the real instruction. Text
 * people write repeats short tokens only a handful of times; tables of numbers are left out.
 */
import type { FamilyHit } from '../../match/phrase-rules.js';
import type { View } from '../../normalize/view.js';

/** Tokens in a periodic run before it counts as a flood. */
export const FLOOD_MIN_TOKENS = 48;
/** Longest period: how many distinct tokens a repeated cycle may have. */
const MAX_PERIOD = 4;

/** Longest token that can be part of a flood. */
const MAX_TOKEN = 3;
/**
 * A run of FLOOD_MIN_TOKENS short tokens spans at least 2 × FLOOD_MIN_TOKENS − 1 characters, so looking at
 * every STRIDE-th position (STRIDE well below that) cannot miss one: ordinary prose costs ~n / STRIDE
 * short probes instead of a pass over every character.
 */
const STRIDE = 32;
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function isDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function sameToken(text: string, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/**
 * A periodic run inside [from, to): per period 1..4, how many tokens in a row equal the token that many
 * places back. Returns the view span of the first run long enough to count.
 */
function periodicRun(text: string, from: number, to: number): [number, number] | null {
  const starts: number[] = [];
  const lengths: number[] = [];
  const runs = new Int32Array(MAX_PERIOD + 1);
  const runStart = new Int32Array(MAX_PERIOD + 1);
  let i = from;
  while (i < to) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    const start = i;
    while (i < to && !isSpace(text.charCodeAt(i))) i++;
    if (i === start) break;
    const length = i - start;
    const k = starts.push(start) - 1;
    lengths.push(length);
    const countable = !isDigits(text, start, i);
    for (let period = 1; period <= MAX_PERIOD; period++) {
      const back = k - period;
      const same =
        countable && back >= 0 && lengths[back] === length && sameToken(text, starts[back] ?? 0, start, length);
      if (!same) {
        runs[period] = 0;
        continue;
      }
      if (runs[period] === 0) runStart[period] = back;
      runs[period] = (runs[period] ?? 0) + 1;
      if ((runs[period] ?? 0) + period >= FLOOD_MIN_TOKENS) return [starts[runStart[period] ?? 0] ?? from, i];
    }
  }
  return null;
}

/** End of the token that starts at `start`, or -1 when it is longer than MAX_TOKEN. */
function shortTokenEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && !isSpace(text.charCodeAt(end))) {
    end++;
    if (end - start > MAX_TOKEN) return -1;
  }
  return end;
}

/** Start of the short token that ends at `end` (exclusive), or -1 when it is longer than MAX_TOKEN. */
function shortTokenStart(text: string, end: number): number {
  let start = end;
  while (start > 0 && !isSpace(text.charCodeAt(start - 1))) {
    start--;
    if (end - start > MAX_TOKEN) return -1;
  }
  return start;
}

/**
 * The run of short tokens around position `at`: [start, end, token count], or null when `at` is in (or next
 * to) a long token. Walks token by token, so the cost is the length of the run.
 */
function shortRunAround(text: string, at: number): [number, number, number] | null {
  let p = at;
  while (p < text.length && isSpace(text.charCodeAt(p))) p++;
  if (p >= text.length) return null;
  let tokenStart = p;
  while (tokenStart > 0 && !isSpace(text.charCodeAt(tokenStart - 1))) {
    tokenStart--;
    if (p - tokenStart >= MAX_TOKEN) return null;
  }
  let end = shortTokenEnd(text, tokenStart);
  if (end < 0) return null;
  let start = tokenStart;
  let tokens = 1;
  for (;;) {
    let q = start;
    while (q > 0 && isSpace(text.charCodeAt(q - 1))) q--;
    if (q === start || q === 0) break;
    const previous = shortTokenStart(text, q);
    if (previous < 0) break;
    start = previous;
    tokens++;
  }
  for (;;) {
    let q = end;
    while (q < text.length && isSpace(text.charCodeAt(q))) q++;
    if (q === end || q >= text.length) break;
    const next = shortTokenEnd(text, q);
    if (next < 0) break;
    end = next;
    tokens++;
  }
  return [start, end, tokens];
}

/** The first token flood in a view, as a hit of the given weight. */
export function findFlood(view: View, weight: number): FamilyHit | null {
  const text = view.text;
  let at = 0;
  while (at < text.length) {
    // Skip whitespace here, where the position only moves forward; probing inside a long stretch of
    // whitespace would otherwise rescan it from every probe.
    while (at < text.length && isSpace(text.charCodeAt(at))) at++;
    if (at >= text.length) break;
    const run = shortRunAround(text, at);
    if (run && run[2] >= FLOOD_MIN_TOKENS) {
      const span = periodicRun(text, run[0], run[1]);
      if (span) return { family: 'token_flood', label: 'TOKEN_FLOOD', weight, start: span[0], end: span[1] };
    }
    at = Math.max(at + STRIDE, run ? run[1] + 1 : 0);
  }
  return null;
}
