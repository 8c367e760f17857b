/**
 * `regex`: tenant-supplied regular expressions (ticket numbers, internal hostnames, contract clauses...).
 * Tenant patterns are untrusted input to the engine, so they never run on the JavaScript backtracking
 * engine: they compile with re2js (RE2 syntax, linear-time matching) when the policy loads, and a pattern
 * RE2 cannot run in linear time (backreferences, lookaround) is a policy error on that pattern.
 *
 * Scanning is two-stage: re2js's DFA answers "does it match anywhere" at tens of MB/s, and only texts that
 * match pay for locating spans, which is bounded by a work budget (characters × program size per search).
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import type { View, Views } from '../../normalize/views.js';

/** Largest compiled program accepted; bounds the cost per character of every search. */
export const MAX_PROGRAM_SIZE = 200;
/** Characters × program size one span search may cost (about 10-40 ms at worst on this engine). */
const WORK_BUDGET = 1_000_000;
const MAX_EMPTY_MATCHES = 1000;

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
};

/** What a scan of the pattern source says beyond what RE2 reports. */
interface PatternShape {
  /** The pattern with every capturing group made non-capturing: same matches, cheaper span search. */
  withoutCaptures: string;
  /** `^` or `$` appear (text anchors unless the pattern is multiline). */
  lineAnchors: boolean;
  /** `\A` or `\z` appear. */
  textAnchors: boolean;
  backreference: boolean;
  lookaround: boolean;
}

/** Index just past the character class that opens at `start` (a `[`). */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length && source[i] !== ']') {
    if (source[i] === '\\') i += 2;
    else if (source.startsWith('[:', i)) {
      const close = source.indexOf(':]', i + 2);
      i = close < 0 ? i + 1 : close + 2;
    } else i++;
  }
  return Math.min(i + 1, source.length);
}

/** Scans an RE2 pattern source for groups, anchors and unsupported constructs. */
export function inspectPattern(source: string): PatternShape {
  const shape: PatternShape = {
    withoutCaptures: '',
    lineAnchors: false,
    textAnchors: false,
    backreference: false,
    lookaround: false,
  };
  let out = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'Q') {
        const close = source.indexOf('\\E', i + 2);
        const end = close < 0 ? source.length : close + 2;
        out += source.slice(i, end);
        i = end;
        continue;
      }
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) shape.backreference = true;
      if (next === 'A' || next === 'z') shape.textAnchors = true;
      out += source.slice(i, i + 2);
      i += 2;
    } else if (ch === '[') {
      const end = classEnd(source, i);
      out += source.slice(i, end);
      i = end;
    } else if (ch === '(') {
      i = openGroup(source, i, shape, (piece) => {
        out += piece;
      });
    } else {
      if (ch === '^' || ch === '$') shape.lineAnchors = true;
      out += ch;
      i++;
    }
  }
  shape.withoutCaptures = out;
  return shape;
}

/** Handles a `(` at `i`: named and plain captures become `(?:`; returns the index after what it consumed. */
function openGroup(source: string, i: number, shape: PatternShape, emit: (piece: string) => void): number {
  if (source[i + 1] !== '?') {
    emit('(?:');
    return i + 1;
  }
  const rest = source.slice(i + 2, i + 4);
  if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') shape.lookaround = true;
  if (rest.startsWith('P=')) shape.backreference = true;
  const named = /^\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(source.slice(i, i + 40));
  if (named) {
    emit('(?:');
    return i + named[0].length;
  }
  emit('(?');
  return i + 2;
}

export interface CompiledPattern {
  /** For "does it match anywhere" (DFA). */
  regex: RE2JS;
  /** Same language without capture groups, for locating spans. */
  finder: RE2JS;
  size: number;
  /** True when the pattern may be searched block by block (split at line breaks). */
  lineSafe: boolean;
  /** True when blocks may also end at any whitespace (the pattern has no anchors at all). */
  spaceSafe: boolean;
}

export type CompileResult = { ok: true; pattern: CompiledPattern } | { ok: false; message: string };

/** Compiles a tenant pattern with re2js, or says what is wrong with it in words a policy author can act on. */
export function compileTenantPattern(source: string, flags = ''): CompileResult {
  const shape = inspectPattern(source);
  let bits = 0;
  for (const flag of flags) bits |= FLAG_BITS[flag] ?? 0;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source, bits);
  } catch (error) {
    return { ok: false, message: explainSyntaxError(shape, error) };
  }
  const size = regex.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      message: `pattern is too complex (${size} program instructions, limit ${MAX_PROGRAM_SIZE}); use smaller counted repetitions such as {1,50}`,
    };
  }
  if (regex.testExact('')) {
    return {
      ok: false,
      message: 'pattern matches the empty text, so it would match every message; require at least one character',
    };
  }
  let finder = regex;
  try {
    const rewritten = RE2JS.compile(shape.withoutCaptures, bits);
    if (rewritten.groupCount() === 0) finder = rewritten;
  } catch {
    // The rewrite is only an optimisation; the original pattern finds the same spans.
  }
  // Blocks end at line breaks, so line anchors keep their meaning there; text anchors would not.
  const lineSafe = !shape.textAnchors && (!shape.lineAnchors || flags.includes('m'));
  const spaceSafe = !shape.textAnchors && !shape.lineAnchors;
  return { ok: true, pattern: { regex, finder, size, lineSafe, spaceSafe } };
}

function explainSyntaxError(shape: PatternShape, error: unknown): string {
  const why = 'tenant patterns run on a linear-time engine (RE2 syntax)';
  if (shape.backreference) return `backreferences (\\1, \\k<name>, (?P=name)) are not supported: ${why}`;
  if (shape.lookaround) return `lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: ${why}`;
  const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
  return `invalid pattern: ${detail}`;
}

const tenantPattern = z
  .strictObject({
    /** Names the pattern in evidence; its UPPER_SNAKE form is the default label. */
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_ .-]{0,63}$/, 'a name of letters, digits, _ . - and spaces'),
    /** RE2 syntax (no backreferences or lookaround). */
    pattern: z.string().min(1).max(1000),
    /** `i` case-insensitive, `m` ^ and $ at line breaks, `s` dot matches newline. */
    flags: z
      .string()
      .max(3)
      .refine(
        (f) => /^[ims]*$/.test(f) && new Set(f).size === f.length,
        'a combination of i, m and s, each at most once',
      )
      .default(''),
    /** Score of a match. Default 1. */
    score: z.number().min(0).max(1).default(1),
    /** Label of the findings (mask placeholder). Default: the name in UPPER_SNAKE. */
    label: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,47}$/, 'an UPPER_SNAKE label')
      .optional(),
  })
  .superRefine((entry, ctx) => {
    const compiled = compileTenantPattern(entry.pattern, entry.flags);
    if (!compiled.ok) ctx.addIssue({ code: 'custom', path: ['pattern'], message: compiled.message });
  });

export const regexParams = z
  .strictObject({
    patterns: z.array(tenantPattern).min(1).max(100),
    /** Text the patterns see: `raw`, `clean` (NFKC, invisibles removed; default) or `skeleton` (lowercase). */
    view: z.enum(['raw', 'clean', 'skeleton']).default('clean'),
    /** Most findings per text, all patterns together. Default 100. */
    max_matches: z.number().int().min(1).max(1000).default(100),
  })
  .superRefine((params, ctx) => {
    const seen = new Set<string>();
    params.patterns.forEach((entry, index) => {
      if (seen.has(entry.name)) {
        ctx.addIssue({ code: 'custom', path: ['patterns', index, 'name'], message: `duplicate name '${entry.name}'` });
      }
      seen.add(entry.name);
    });
  });

export type RegexParams = z.infer<typeof regexParams>;

/** Non-empty match spans of `finder` in `text`, shifted by `offset`, until `out` holds `limit`. */
function collectSpans(finder: RE2JS, text: string, offset: number, limit: number, out: Array<[number, number]>): void {
  const matcher = finder.matcher(text);
  let empty = 0;
  while (out.length < limit && matcher.find()) {
    const start = matcher.start();
    const end = matcher.end();
    // Patterns that match the empty text are refused at load, but `x|\b` still matches emptily inside one;
    // each empty match costs a short search, so a fixed allowance bounds the loop.
    if (end === start) {
      if (++empty > MAX_EMPTY_MATCHES) return;
      continue;
    }
    out.push([offset + start, offset + end]);
  }
}

/**
 * Finds match spans within the work budget: the whole text at once when it is small enough, else blocks
 * of whole lines. Returns true when the pattern matched somewhere no span could be located for.
 */
function locate(pattern: CompiledPattern, text: string, limit: number, out: Array<[number, number]>): boolean {
  if (text.length * pattern.size <= WORK_BUDGET) {
    collectSpans(pattern.finder, text, 0, limit, out);
    return false;
  }
  if (!pattern.lineSafe) return true;
  const blockSize = Math.floor(WORK_BUDGET / pattern.size);
  const before = out.length;
  let unlocated = false;
  let start = 0;
  while (start < text.length && out.length < limit) {
    const end = blockEnd(text, start, blockSize, pattern.spaceSafe);
    const block = text.slice(start, end);
    if (pattern.regex.test(block)) {
      if (block.length > blockSize) unlocated = true;
      else collectSpans(pattern.finder, block, start, limit, out);
    }
    start = end + 1;
  }
  // The whole text matched but no block did: the match crosses a block boundary.
  return unlocated || out.length === before;
}

/**
 * End of the block starting at `start`: the last line break within `size` characters (or the last
 * whitespace, when the pattern has no anchors), else the end of the line, however long.
 */
function blockEnd(text: string, start: number, size: number, atSpaces: boolean): number {
  const limit = start + size;
  if (limit >= text.length) return text.length;
  const lastBreak = text.lastIndexOf('\n', limit);
  if (lastBreak >= start) return lastBreak;
  if (atSpaces) {
    for (let i = limit; i > start; i--) if (isBlank(text.charCodeAt(i))) return i;
  }
  const nextBreak = text.indexOf('\n', limit);
  return nextBreak < 0 ? text.length : nextBreak;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

function labelOf(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function viewOf(views: Views, name: RegexParams['view']): View {
  return name === 'raw' ? views.raw : name === 'clean' ? views.clean : views.skeleton;
}

export const regexScanner: Scanner<RegexParams> = {
  id: 'regex',
  description: 'Matches tenant-supplied RE2 patterns (linear time) and reports or masks the spans.',
  params: regexParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const compiled = params.patterns.map((entry) => {
      const result = compileTenantPattern(entry.pattern, entry.flags);
      if (!result.ok) throw new Error(`pattern '${entry.name}': ${result.message}`);
      return { entry, label: entry.label ?? labelOf(entry.name), pattern: result.pattern };
    });
    return (_subject, views) => {
      const view = viewOf(views, params.view);
      const findings: Finding[] = [];
      for (const { entry, label, pattern } of compiled) {
        if (findings.length >= params.max_matches) break;
        if (!pattern.regex.test(view.text)) continue;
        const spans: Array<[number, number]> = [];
        const unlocated = locate(pattern, view.text, params.max_matches - findings.length, spans);
        const base = { category: 'regex', label, score: entry.score, view: view.name };
        for (const [start, end] of spans) {
          findings.push({ ...base, span: view.toRaw(start, end), evidence: `pattern '${entry.name}'` });
        }
        if (unlocated && findings.length < params.max_matches) {
          findings.push({
            ...base,
            evidence: `pattern '${entry.name}' matched; span not located within the work budget`,
          });
        }
      }
      return findings;
    };
  },
};
