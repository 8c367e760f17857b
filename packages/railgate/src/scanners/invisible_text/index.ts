/**
 * `invisible_text`: reports characters that render as nothing, or only reorder what is around them, when
 * they are used as tricks: ASCII smuggled in Unicode tag characters, bytes hidden in variation selectors,
 * Trojan-Source bidi controls, zero-width characters splitting a keyword, soft hyphens, Hangul fillers.
 * The same characters have ordinary jobs (emoji sequences, flags, Persian and Indic joiners, direction
 * marks in Arabic and Hebrew, hyphenation of long words) and those uses pass: the scanner judges each run
 * of invisible characters by what surrounds it.
 *
 * Classification of code points comes from the normalizer (invisibleKind); the decoded text of smuggled
 * variation-selector bytes comes from the normalizer's decoded segments.
 */
import { z } from 'zod';
import { applyFindingSettings } from '../../engine/finding-settings.js';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { type InvisibleKind, invisibleKind, isAscii, tagToAscii } from '../../normalize/invisible.js';
import type { Views } from '../../normalize/views.js';

export const INVISIBLE_KINDS = [
  'tag',
  'variation_selector',
  'bidi',
  'zero_width',
  'soft_hyphen',
  'filler',
] as const satisfies readonly InvisibleKind[];

const LABELS: Readonly<Record<InvisibleKind, string>> = {
  tag: 'UNICODE_TAGS',
  variation_selector: 'VARIATION_SELECTORS',
  bidi: 'BIDI_CONTROL',
  zero_width: 'ZERO_WIDTH',
  soft_hyphen: 'SOFT_HYPHEN',
  filler: 'HANGUL_FILLER',
};

const MAX_FINDINGS = 64;
const EVIDENCE_CHARS = 40;

const probability = z.number().min(0).max(1);

export const invisibleTextParams = z.strictObject({
  /** Kinds to report. Default: all. */
  kinds: z
    .array(z.enum(INVISIBLE_KINDS))
    .min(1)
    .refine((kinds) => new Set(kinds).size === kinds.length, 'list each kind once')
    .default([...INVISIBLE_KINDS]),
  /** Threshold per kind, overriding the rule's (e.g. `{ soft_hyphen: 0.9 }`). */
  thresholds: z.partialRecord(z.enum(INVISIBLE_KINDS), probability).default({}),
});

export type InvisibleTextParams = z.infer<typeof invisibleTextParams>;

/** A maximal run of invisible code points of one kind, in raw UTF-16 offsets. */
interface Run {
  kind: InvisibleKind;
  start: number;
  end: number;
  /** Code points in the run. */
  count: number;
}

interface Verdict {
  score: number;
  evidence: string;
}

function codePointBefore(text: string, index: number): number {
  if (index <= 0) return -1;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

function codePointAt(text: string, index: number): number {
  return index < text.length ? (text.codePointAt(index) ?? -1) : -1;
}

function width(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}

function collectRuns(text: string): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c < 0xad) {
      current = null;
      i++;
      continue;
    }
    const cp = text.codePointAt(i) ?? c;
    const w = width(cp);
    const kind = invisibleKind(cp);
    if (kind === null) current = null;
    else if (current && current.kind === kind && current.end === i) {
      current.end = i + w;
      current.count++;
    } else {
      current = { kind, start: i, end: i + w, count: 1 };
      runs.push(current);
    }
    i += w;
  }
  return runs;
}

const of = (cp: number) => (cp < 0 ? '' : String.fromCodePoint(cp));
const LETTER_OR_DIGIT = /^[\p{L}\p{N}\p{M}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
// Scripts whose spelling uses ZWJ/ZWNJ (Arabic-script languages, Indic, Sinhala, Mongolian) or that use
// zero-width spaces as word separators (Thai, Lao, Khmer, Myanmar, Tibetan, CJK).
const JOINER_SCRIPT =
  /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Hebrew}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Thai}\p{Script=Lao}\p{Script=Tibetan}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Mongolian}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const HANGUL = /^\p{Script=Hangul}$/u;

/** Memoizes a per-code-point test; texts repeat the same few neighbours of invisible characters. */
function memoized(test: (cp: number) => boolean): (cp: number) => boolean {
  const cache = new Map<number, boolean>();
  return (cp) => {
    let known = cache.get(cp);
    if (known === undefined) {
      known = test(cp);
      if (cache.size < 4096) cache.set(cp, known);
    }
    return known;
  };
}

const isUnicodeWordChar = memoized((cp) => invisibleKind(cp) === null && LETTER_OR_DIGIT.test(of(cp)));
const isJoinerScriptLetter = memoized((cp) => JOINER_SCRIPT.test(of(cp)));

function isWordChar(cp: number): boolean {
  if (cp < 0) return false;
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return isUnicodeWordChar(cp);
}

function isJoinerScript(cp: number): boolean {
  return cp >= 0x0590 && isJoinerScriptLetter(cp);
}

/** The visible word around a run, invisibles removed, for evidence ("ignore" for "ig\u200Bnore"). */
function wordAround(text: string, run: Run): string {
  const inWord = (i: number) => {
    const cp = codePointAt(text, i);
    return cp >= 0 && (isWordChar(cp) || invisibleKind(cp) !== null);
  };
  let start = run.start;
  while (start > 0 && run.start - start < EVIDENCE_CHARS && inWord(start - 1)) start--;
  let end = run.end;
  while (end < text.length && end - run.end < EVIDENCE_CHARS && inWord(end)) end++;
  let word = '';
  for (const ch of text.slice(start, end)) if (invisibleKind(ch.codePointAt(0) ?? 0) === null) word += ch;
  return word;
}

function truncate(text: string): string {
  return text.length > EVIDENCE_CHARS ? `${text.slice(0, EVIDENCE_CHARS - 1)}…` : text;
}

/** The code points of a run, as a string of names for evidence (e.g. "U+202E U+2066"). */
function codePoints(text: string, run: Run, max = 4): string {
  const names: string[] = [];
  for (let i = run.start; i < run.end && names.length < max; ) {
    const cp = codePointAt(text, i);
    names.push(`U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    i += width(cp);
  }
  return run.count > max ? `${names.join(' ')} …` : names.join(' ');
}

// --- tags -------------------------------------------------------------------------------------------

const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

/** 🏴 + 2-7 tag letters/digits + CANCEL TAG: the subdivision flags (England, Scotland, Wales). */
function isFlagTagSequence(text: string, run: Run): boolean {
  if (codePointBefore(text, run.start) !== BLACK_FLAG) return false;
  const spec = run.count - 1;
  if (spec < 2 || spec > 7 || codePointBefore(text, run.end) !== CANCEL_TAG) return false;
  for (let i = run.start; i < run.end - 2; i += 2) {
    const ascii = tagToAscii(codePointAt(text, i));
    const isLowerOrDigit = (ascii >= 0x61 && ascii <= 0x7a) || (ascii >= 0x30 && ascii <= 0x39);
    if (!isLowerOrDigit) return false;
  }
  return true;
}

function judgeTags(text: string, run: Run): Verdict | null {
  if (isFlagTagSequence(text, run)) return null;
  let hidden = '';
  for (let i = run.start; i < run.end; i += 2) {
    const ascii = tagToAscii(codePointAt(text, i));
    if (ascii >= 0) hidden += String.fromCharCode(ascii);
  }
  if (hidden.length === 0)
    return { score: 0.6, evidence: `${run.count} tag control character(s) ${codePoints(text, run)}` };
  return {
    score: hidden.length >= 2 ? 0.95 : 0.7,
    evidence: `${hidden.length} hidden ASCII character(s) in tag characters: "${truncate(hidden)}"`,
  };
}

// --- variation selectors ----------------------------------------------------------------------------

function judgeVariationSelectors(text: string, run: Run, views: Views): Verdict | null {
  const base = codePointBefore(text, run.start);
  const hasBase = base >= 0 && invisibleKind(base) === null && !/^\s$/u.test(of(base));
  if (run.count === 1) {
    // One selector after a visible character is how emoji and CJK variants are chosen.
    return hasBase
      ? null
      : { score: 0.3, evidence: `variation selector without a base character ${codePoints(text, run)}` };
  }
  if (run.count < 4) return { score: 0.5, evidence: `${run.count} variation selectors in a row` };
  const segment = views.segments.find((s) => s.kind === 'variation_selectors' && s.start === run.start);
  if (segment) {
    return { score: 0.95, evidence: `${run.count} variation selectors hide the text "${truncate(segment.text)}"` };
  }
  return { score: 0.8, evidence: `${run.count} variation selectors in a row (possible hidden bytes)` };
}

// --- bidi -------------------------------------------------------------------------------------------

/** The bidi controls by their Unicode abbreviations, as findings name them (the eval report shows them so too). */
export const BIDI_NAMES: Readonly<Record<number, string>> = {
  1564: 'ALM',
  8206: 'LRM',
  8207: 'RLM',
  8234: 'LRE',
  8235: 'RLE',
  8236: 'PDF',
  8237: 'LRO',
  8238: 'RLO',
  8294: 'LRI',
  8295: 'RLI',
  8296: 'FSI',
  8297: 'PDI',
};

const isMark = (cp: number) => cp === 0x061c || cp === 0x200e || cp === 0x200f;
const isEmbeddingOrOverride = (cp: number) => cp === 0x202a || cp === 0x202b || cp === 0x202d || cp === 0x202e;
const isOverride = (cp: number) => cp === 0x202d || cp === 0x202e;
const isIsolate = (cp: number) => cp >= 0x2066 && cp <= 0x2068;

// Tokens that mark a line as code: braces, statement ends, comments, arrows, comparisons, keywords.
const CODE_TOKEN =
  /[{};]|\/\/|\/\*|\*\/|=>|[=!]==?|\b(?:return|if|else|const|let|var|def|function|class|import|public|private)\b/g;
const CONTEXT_CHARS = 64;

function isParagraphEnd(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2029 || c === 0x85;
}

function isRtlUnit(c: number): boolean {
  return (c >= 0x0590 && c <= 0x08ff) || (c >= 0xfb1d && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfefc);
}

/**
 * What the bidi rules need to know about a text, computed once: which controls are unbalanced on their
 * line, and prefix counts of right-to-left letters and code tokens so the context of any control (up to
 * CONTEXT_CHARS on each side, within its line) is judged in constant time.
 */
class BidiContext {
  readonly unbalanced = new Set<number>();
  private readonly breaks: number[] = [];
  private readonly rtl: Int32Array;
  private readonly code: Int32Array;
  private cursor = 0;

  constructor(
    private readonly text: string,
    runs: readonly Run[],
  ) {
    const n = text.length;
    this.rtl = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (isParagraphEnd(c)) this.breaks.push(i);
      this.rtl[i + 1] = (this.rtl[i] as number) + (isRtlUnit(c) ? 1 : 0);
    }
    const starts = new Uint8Array(n + 1);
    for (const match of text.matchAll(CODE_TOKEN)) starts[match.index] = 1;
    this.code = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.code[i + 1] = (this.code[i] as number) + (starts[i] as number);
    this.findUnbalanced(runs);
  }

  /** Marks embeddings, overrides and isolates not closed on their line, and closers with nothing to close. */
  private findUnbalanced(runs: readonly Run[]): void {
    let stack: Array<{ at: number; isolate: boolean }> = [];
    let lineEnd = -1;
    for (const run of runs) {
      if (run.kind !== 'bidi') continue;
      if (run.start > lineEnd) {
        // A paragraph separator ends every embedding and isolate (UAX #9).
        for (const open of stack) this.unbalanced.add(open.at);
        stack = [];
        lineEnd = this.lineBounds(run)[1];
      }
      for (let i = run.start; i < run.end; i++) {
        const cp = this.text.charCodeAt(i);
        if (isEmbeddingOrOverride(cp) || isIsolate(cp)) stack.push({ at: i, isolate: isIsolate(cp) });
        else if (cp === 0x202c) {
          const top = stack[stack.length - 1];
          if (top && !top.isolate) stack.pop();
          else this.unbalanced.add(i);
        } else if (cp === 0x2069) {
          let isolateAt = stack.length - 1;
          while (isolateAt >= 0 && !stack[isolateAt]?.isolate) isolateAt--;
          if (isolateAt >= 0) stack.length = isolateAt;
          else this.unbalanced.add(i);
        }
      }
    }
    for (const open of stack) this.unbalanced.add(open.at);
    this.cursor = 0;
  }

  /** The line a run sits on, as [start, end). Runs must be asked about in text order. */
  private lineBounds(run: Run): [number, number] {
    while (this.cursor < this.breaks.length && (this.breaks[this.cursor] as number) < run.start) this.cursor++;
    const before = this.cursor > 0 ? (this.breaks[this.cursor - 1] as number) + 1 : 0;
    const after = this.breaks[this.cursor] ?? this.text.length;
    return [before, after];
  }

  /** The context window of a run: rtl when it holds right-to-left letters, code when it holds code tokens. */
  around(run: Run): { rtl: boolean; code: boolean } {
    while (this.cursor < this.breaks.length && (this.breaks[this.cursor] as number) < run.start) this.cursor++;
    const lineStart = this.cursor > 0 ? (this.breaks[this.cursor - 1] as number) + 1 : 0;
    const lineEnd = this.breaks[this.cursor] ?? this.text.length;
    const start = Math.max(lineStart, run.start - CONTEXT_CHARS);
    const end = Math.min(lineEnd, run.end + CONTEXT_CHARS);
    return {
      rtl: (this.rtl[end] as number) > (this.rtl[start] as number),
      code: (this.code[end] as number) > (this.code[start] as number),
    };
  }
}

function bidiNames(text: string, run: Run): string {
  const names: string[] = [];
  for (let i = run.start; i < run.end && names.length < 4; i++) names.push(BIDI_NAMES[text.charCodeAt(i)] ?? '?');
  return run.count > 4 ? `${names.join(' ')} …` : names.join(' ');
}

function judgeBidi(text: string, run: Run, context: BidiContext): Verdict | null {
  let marksOnly = true;
  let override = false;
  let open = false;
  for (let i = run.start; i < run.end; i++) {
    const cp = text.charCodeAt(i);
    if (!isMark(cp)) marksOnly = false;
    if (isOverride(cp)) override = true;
    if (context.unbalanced.has(i)) open = true;
  }
  const { rtl, code } = context.around(run);
  if (marksOnly) {
    if (rtl) return null;
    const inWord = isWordChar(codePointBefore(text, run.start)) && isWordChar(codePointAt(text, run.end));
    const what = bidiNames(text, run);
    return inWord
      ? { score: 0.5, evidence: `direction mark ${what} inside a word` }
      : { score: 0.2, evidence: `direction mark ${what} in left-to-right text` };
  }
  const identifier = isIdentifierUnit(text.charCodeAt(run.start - 1)) && isIdentifierUnit(text.charCodeAt(run.end));
  if (code || identifier) {
    const state = open ? 'unbalanced ' : '';
    return { score: 0.95, evidence: `${bidiNames(text, run)} ${state}inside code or an identifier (Trojan Source)` };
  }
  if (open) return { score: rtl ? 0.5 : 0.8, evidence: `${bidiNames(text, run)} unbalanced on its line` };
  if (override) return { score: rtl ? 0.4 : 0.7, evidence: `${bidiNames(text, run)} reverses the display of text` };
  return rtl ? null : { score: 0.3, evidence: `${bidiNames(text, run)} in left-to-right text` };
}

/** ASCII letters, digits and underscore (NaN for out-of-range offsets is not one). */
function isIdentifierUnit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

// --- zero-width -------------------------------------------------------------------------------------

const ZWJ = 0x200d;
const BOM = 0xfeff;

/** The emoji before a ZWJ, skipping the variation selector and skin-tone modifier that may follow it. */
function emojiBefore(text: string, index: number): boolean {
  let i = index;
  for (let steps = 0; steps < 3; steps++) {
    const cp = codePointBefore(text, i);
    if (cp < 0) return false;
    if (cp === 0xfe0f || (cp >= 0x1f3fb && cp <= 0x1f3ff)) {
      i -= width(cp);
      continue;
    }
    return PICTOGRAPHIC.test(of(cp));
  }
  return false;
}

function isEmojiJoiner(text: string, run: Run): boolean {
  if (run.count !== 1 || text.charCodeAt(run.start) !== ZWJ) return false;
  return emojiBefore(text, run.start) && PICTOGRAPHIC.test(of(codePointAt(text, run.end)));
}

interface ZeroWidthContext {
  /** Runs of zero-width characters between two letters or digits of ordinary words. */
  inWord: number;
  /** Start offsets of those runs. */
  inWordAt: Set<number>;
  /** Start offsets of runs with an ordinary job (emoji, joiner scripts, BOM). */
  benignAt: Set<number>;
}

/** Sorts the short zero-width runs into benign, in-word and other once, before any is judged. */
function zeroWidthContext(text: string, runs: readonly Run[]): ZeroWidthContext {
  const context: ZeroWidthContext = { inWord: 0, inWordAt: new Set(), benignAt: new Set() };
  for (const run of runs) {
    if (run.kind !== 'zero_width' || run.count >= 4) continue;
    if (isBenignZeroWidth(text, run)) context.benignAt.add(run.start);
    else if (isInWord(text, run)) {
      context.inWord++;
      context.inWordAt.add(run.start);
    }
  }
  return context;
}

function isBenignZeroWidth(text: string, run: Run): boolean {
  if (run.count === 1 && run.start === 0 && text.charCodeAt(0) === BOM) return true;
  if (isEmojiJoiner(text, run)) return true;
  return (
    run.count <= 2 && (isJoinerScript(codePointBefore(text, run.start)) || isJoinerScript(codePointAt(text, run.end)))
  );
}

function isInWord(text: string, run: Run): boolean {
  return isWordChar(codePointBefore(text, run.start)) && isWordChar(codePointAt(text, run.end));
}

function judgeZeroWidth(text: string, run: Run, context: ZeroWidthContext): Verdict | null {
  if (run.count >= 4) {
    return { score: 0.9, evidence: `${run.count} zero-width characters in a row (possible hidden binary message)` };
  }
  if (context.benignAt.has(run.start)) return null;
  if (context.inWordAt.has(run.start)) {
    const score = context.inWord >= 3 ? 0.9 : context.inWord === 2 ? 0.75 : 0.6;
    return { score, evidence: `${codePoints(text, run)} splits "${truncate(wordAround(text, run))}"` };
  }
  return { score: 0.3, evidence: `${codePoints(text, run)} outside a word` };
}

// --- soft hyphens and fillers -----------------------------------------------------------------------

function judgeSoftHyphen(text: string, run: Run): Verdict {
  if (run.count > 1) return { score: 0.5, evidence: `${run.count} soft hyphens in a row` };
  if (!isInWord(text, run)) return { score: 0.2, evidence: 'soft hyphen outside a word' };
  const word = wordAround(text, run);
  // Hyphenation points in long words (German compounds, Finnish, Dutch) are what soft hyphens are for.
  if (Array.from(word).length >= 10)
    return { score: 0.1, evidence: `soft hyphen in the long word "${truncate(word)}"` };
  return { score: 0.35, evidence: `soft hyphen splits the short word "${truncate(word)}"` };
}

function judgeFiller(text: string, run: Run): Verdict | null {
  const before = codePointBefore(text, run.start);
  const after = codePointAt(text, run.end);
  if (HANGUL.test(of(before)) || HANGUL.test(of(after))) return null;
  if (run.count > 1) return { score: 0.8, evidence: `${run.count} Hangul fillers used as blank characters` };
  return { score: 0.5, evidence: 'Hangul filler used as an invisible character' };
}

// --- scanner ----------------------------------------------------------------------------------------

export const invisibleTextScanner: Scanner<InvisibleTextParams> = {
  id: 'invisible_text',
  description:
    'Reports hidden-character tricks: tag-character ASCII smuggling, variation-selector bytes, Trojan-Source bidi controls, zero-width keyword splitting, soft hyphens, fillers.',
  params: invisibleTextParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const wanted = new Set<InvisibleKind>(params.kinds);
    return (subject, views) => {
      const text = subject.text;
      if (isAscii(text)) return [];
      const runs = collectRuns(text);
      if (runs.length === 0) return [];
      const bidi = wanted.has('bidi') && runs.some((r) => r.kind === 'bidi') ? new BidiContext(text, runs) : null;
      const context = zeroWidthContext(text, wanted.has('zero_width') ? runs : []);
      const findings: Finding[] = [];
      for (const run of runs) {
        if (findings.length >= MAX_FINDINGS) break;
        if (!wanted.has(run.kind)) continue;
        const verdict = judge(text, run, views, bidi, context);
        if (!verdict) continue;
        const finding: Finding = {
          category: 'invisible_text',
          label: LABELS[run.kind],
          score: verdict.score,
          span: [run.start, run.end],
          evidence: verdict.evidence,
        };
        findings.push(applyFindingSettings(finding, { threshold: params.thresholds[run.kind] }));
      }
      return findings;
    };
  },
};

function judge(
  text: string,
  run: Run,
  views: Views,
  bidi: BidiContext | null,
  context: ZeroWidthContext,
): Verdict | null {
  switch (run.kind) {
    case 'tag':
      return judgeTags(text, run);
    case 'variation_selector':
      return judgeVariationSelectors(text, run, views);
    case 'bidi':
      return bidi ? judgeBidi(text, run, bidi) : null;
    case 'zero_width':
      return judgeZeroWidth(text, run, context);
    case 'soft_hyphen':
      return judgeSoftHyphen(text, run);
    case 'filler':
      return judgeFiller(text, run);
  }
}
