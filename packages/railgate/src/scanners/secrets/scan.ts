/**
 * The one pass over a text: a table of trigger characters decides in O(1) per character whether anything
 * may start here; only then are the (few) triggers starting with this character and the next one compared.
 * Prefix triggers fire only at a word start, so a letter in the middle of a word costs a table lookup.
 */
import { isBase64Char, isWordChar, type ScanContext } from './candidate.js';
import type { Label } from './labels.js';
import type { Trigger } from './trigger.js';

/** Per-character flags: one typed-array load per character decides everything the loop needs. */
const WORD = 1;
const BASE64 = 2;
const AT_WORD_START = 4;
const ANYWHERE = 8;
/** A one-character trigger starts with this character (at a word start / anywhere). */
const SINGLE_AT_WORD_START = 16;
const SINGLE_ANYWHERE = 32;
/** A base64-looking run this long may hide an encoded secret worth decoding. */
export const LONG_RUN = 32;

export interface CompiledTriggers {
  flags: Uint8Array;
  /**
   * The loop's state tables, one per state (after a letter or digit, or not): bit WORD and BASE64 as in
   * `flags`, bit ANYWHERE when some trigger may start here in that state.
   */
  atWordStart: Uint8Array;
  inWord: Uint8Array;
  /** Triggers of one character, by character code. */
  single: Array<Trigger[] | undefined>;
  /** Triggers of two or more characters, by the code of their first two characters (c0 * 128 + c1). */
  double: Array<Trigger[] | undefined>;
  /** AT_WORD_START / ANYWHERE per first-two-characters key, so most word starts cost one typed-array load. */
  bigrams: Uint8Array;
}

export function compileTriggers(triggers: readonly Trigger[], enabled: ReadonlySet<Label> | null): CompiledTriggers {
  const flags = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    if (isWordChar(c)) flags[c] = WORD | BASE64;
    else if (isBase64Char(c)) flags[c] = BASE64;
  }
  const single: Array<Trigger[] | undefined> = new Array(128).fill(undefined);
  const double: Array<Trigger[] | undefined> = new Array(128 * 128).fill(undefined);
  const bigrams = new Uint8Array(128 * 128);
  const active = triggers.filter((t) => enabled === null || t.labels.some((label) => enabled.has(label)));
  // Longer anchors first, so `sk-ant-` is tried before `sk-`.
  active.sort((a, b) => b.anchor.length - a.anchor.length);
  for (const trigger of active) {
    const c0 = trigger.anchor.charCodeAt(0);
    if (c0 >= 128) throw new Error(`secrets: trigger ${trigger.anchor} must start with ASCII`);
    const where = trigger.wordStart ? AT_WORD_START : ANYWHERE;
    flags[c0] = (flags[c0] as number) | where;
    if (trigger.anchor.length === 1) {
      flags[c0] = (flags[c0] as number) | (trigger.wordStart ? SINGLE_AT_WORD_START : SINGLE_ANYWHERE);
      single[c0] = [...(single[c0] ?? []), trigger];
    } else {
      const key = c0 * 128 + trigger.anchor.charCodeAt(1);
      bigrams[key] = (bigrams[key] as number) | where;
      double[key] = [...(double[key] ?? []), trigger];
    }
  }
  const atWordStart = new Uint8Array(128);
  const inWord = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const flag = flags[c] as number;
    const base = flag & (WORD | BASE64);
    inWord[c] = base | (flag & ANYWHERE);
    atWordStart[c] = base | ((flag & (ANYWHERE | AT_WORD_START)) !== 0 ? ANYWHERE : 0);
  }
  return { flags, atWordStart, inWord, single, double, bigrams };
}

function tryList(list: readonly Trigger[] | undefined, context: ScanContext, at: number, afterWord: boolean): number {
  if (list === undefined) return 0;
  for (const trigger of list) {
    if (trigger.wordStart && afterWord) continue;
    if (trigger.anchor.length > 2 && !context.text.startsWith(trigger.anchor, at)) continue;
    const next = trigger.detect(context, at);
    if (next > 0) return next;
  }
  return 0;
}

/**
 * Runs every trigger over `context.text`, pushing candidates to `context.out`. Returns true when the text
 * holds a base64-looking run long enough to be worth decoding.
 */
/** Tries the one-character triggers and those starting with the two characters at `at`. */
function dispatch(
  compiled: CompiledTriggers,
  context: ScanContext,
  at: number,
  key: number,
  afterWord: boolean,
): number {
  const next = key >= 0 ? tryList(compiled.double[key], context, at, afterWord) : 0;
  if (next > 0) return next;
  const c = context.text.charCodeAt(at);
  const flag = compiled.flags[c] as number;
  if ((flag & SINGLE_ANYWHERE) !== 0 || ((flag & SINGLE_AT_WORD_START) !== 0 && !afterWord)) {
    return tryList(compiled.single[c], context, at, afterWord);
  }
  return 0;
}

/**
 * Runs every trigger over `context.text`, pushing candidates to `context.out`. Returns true when the text
 * holds a base64-looking run long enough to be worth decoding.
 */
export function scanText(compiled: CompiledTriggers, context: ScanContext): boolean {
  const { text } = context;
  const { atWordStart, inWord, bigrams } = compiled;
  const n = text.length;
  let table = atWordStart;
  let runStart = 0;
  let longRun = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const entry = c < 128 ? (table[c] as number) : 0;
    if ((entry & ANYWHERE) !== 0) {
      const afterWord = table === inWord;
      // Most word starts end here: no trigger begins with these two characters.
      const c1 = i + 1 < n ? text.charCodeAt(i + 1) : 128;
      const key = c1 < 128 ? c * 128 + c1 : -1;
      const where = key >= 0 ? (bigrams[key] as number) : 0;
      const pair = (where & ANYWHERE) !== 0 || ((where & AT_WORD_START) !== 0 && !afterWord);
      const flag = compiled.flags[c] as number;
      if (pair || (flag & (SINGLE_ANYWHERE | SINGLE_AT_WORD_START)) !== 0) {
        const next = dispatch(compiled, context, i, pair ? key : -1, afterWord);
        if (next > i + 1) {
          i = next - 1;
          table = isWordChar(text.charCodeAt(i)) ? inWord : atWordStart;
          runStart = next;
          continue;
        }
      }
    }
    table = (entry & WORD) !== 0 ? inWord : atWordStart;
    // Only characters outside base64 close a run, so the common case (a letter) costs one test.
    if ((entry & BASE64) === 0) {
      if (i - runStart >= LONG_RUN) longRun = true;
      runStart = i + 1;
    }
  }
  return longRun || n - runStart >= LONG_RUN;
}
