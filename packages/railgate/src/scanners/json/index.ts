/**
 * `json`: the text must be JSON — optionally inside a fenced block or surrounded by prose, optionally of a
 * given type and matching a JSON Schema. For structured-output contracts on the output rail and for tool
 * arguments. Schema patterns run on re2js, and nesting is bounded before anything recursive sees the value.
 *
 * @example
 * ```yaml
 * - id: answer-is-json
 *   scanner: json
 *   params: { extract: fenced, require: object, schema: { type: object, required: [answer] } }
 * ```
 */
import { z } from 'zod';
import type { Finding, Scanner } from '../../engine/types.js';
import { compileSchema, type JsonSchema } from './schema.js';
import { checkJson, type JsonSyntax, skipWhitespace } from './syntax.js';

export const jsonParams = z
  .strictObject({
    /**
     * Where the JSON is: `whole` (the entire text, surrounding whitespace allowed), `fenced` (the first
     * fenced code block when there is one, else the whole text), `first_object` (the first JSON object or
     * array in the text, inside a fence or among prose).
     */
    extract: z.enum(['whole', 'fenced', 'first_object']).default('whole'),
    /** The type of the top-level value. */
    require: z.enum(['object', 'array', 'any']).default('any'),
    /** A JSON Schema (draft-07, 2019-09 or 2020-12) the value must match. */
    schema: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    /** Deepest nesting of objects and arrays accepted; deeper documents are reported as TOO_DEEP. */
    max_depth: z.number().int().min(1).max(1000).default(128),
  })
  .superRefine((params, ctx) => {
    if (params.schema === undefined) return;
    for (const issue of compileSchema(params.schema).issues) {
      ctx.addIssue({ code: 'custom', path: ['schema', ...issue.path], message: issue.message });
    }
  });

export type JsonParams = z.infer<typeof jsonParams>;

/** Attempts `first_object` makes before giving up, so text full of stray brackets costs a bounded effort. */
const MAX_CANDIDATES = 16;

interface Region {
  start: number;
  end: number;
}

/**
 * The content of the first fenced code block (``` or ~~~), preferring one tagged json; null without a fence.
 * Written with indexOf rather than a regex so an unterminated 100 KB fence line costs one pass.
 */
export function fencedRegion(text: string): Region | null {
  let first: Region | null = null;
  let from = 0;
  for (let blocks = 0; blocks < 32; blocks++) {
    const open = findFence(text, from);
    if (!open) break;
    const lineEnd = text.indexOf('\n', open.end);
    const info = text
      .slice(open.end, lineEnd < 0 ? text.length : lineEnd)
      .trim()
      .toLowerCase();
    const bodyStart = lineEnd < 0 ? text.length : lineEnd + 1;
    const close = findFence(text, bodyStart, open.marker);
    const region = { start: bodyStart, end: close ? close.start : text.length };
    if (info === 'json' || info === 'jsonc' || info === 'json5') return region;
    if (!first && (info === '' || info === 'javascript' || info === 'js')) first = region;
    if (!close) break;
    from = close.end;
  }
  return first;
}

interface Fence {
  start: number;
  end: number;
  marker: string;
}

/** A fence marker (three or more ` or ~) at the start of a line, at most three spaces in. */
function findFence(text: string, from: number, marker?: string): Fence | null {
  const needles = marker ? [marker] : ['```', '~~~'];
  // Next occurrence of each needle, refreshed only once passed, so each needle is searched forward once.
  const next = needles.map((needle) => text.indexOf(needle, from));
  for (;;) {
    let which = -1;
    for (let k = 0; k < next.length; k++) {
      const at = next[k] as number;
      if (at >= 0 && (which < 0 || at < (next[which] as number))) which = k;
    }
    if (which < 0) return null;
    const hit = next[which] as number;
    let lineStart = hit;
    while (lineStart > 0 && hit - lineStart < 3 && text[lineStart - 1] === ' ') lineStart--;
    if (lineStart === 0 || text[lineStart - 1] === '\n') {
      const ch = text[hit] as string;
      let end = hit;
      while (text[end] === ch) end++;
      return { start: lineStart, end, marker: ch.repeat(end - hit) };
    }
    next[which] = text.indexOf(needles[which] as string, hit + 3);
  }
}

function isOpener(code: number, require: JsonParams['require']): boolean {
  if (require === 'object') return code === 0x7b;
  if (require === 'array') return code === 0x5b;
  return code === 0x7b || code === 0x5b;
}

/** The first balanced JSON object/array in the region; on failure, the first candidate's error. */
function firstObject(text: string, region: Region, params: JsonParams): JsonSyntax | null {
  let firstError: JsonSyntax | null = null;
  let at = region.start;
  for (let attempt = 0; attempt < MAX_CANDIDATES; attempt++) {
    while (at < region.end && !isOpener(text.charCodeAt(at), params.require)) at++;
    if (at >= region.end) break;
    const result = checkJson(text, at, region.end, params.max_depth, 'any');
    if (result.ok || result.tooDeep) return result;
    firstError ??= result;
    // Resume after the failure, never inside the candidate: an inner object of broken JSON is not the answer.
    at = Math.max(at + 1, result.at);
  }
  return firstError;
}

/** True when objects and arrays nest deeper than `max` (the walk stops there, so it never recurses further). */
function deeperThan(value: unknown, max: number, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth >= max) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) if (deeperThan(child, max, depth + 1)) return true;
  return false;
}

/**
 * The whole region as one JSON value, for schema validation. JSON.parse (native) decides validity on the
 * common, valid path; the syntax checker runs only to explain a failure or locate excessive nesting. Without
 * a schema the value is not needed and the checker alone (no allocation) is faster.
 */
function parseWhole(text: string, region: Region, maxDepth: number): JsonSyntax | (JsonSyntax & { value: unknown }) {
  const start = skipWhitespace(text, region.start, region.end);
  let end = region.end;
  while (end > start && ' \t\n\r'.includes(text[end - 1] as string)) end--;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch {
    return checkJson(text, region.start, region.end, maxDepth, 'whitespace');
  }
  if (deeperThan(value, maxDepth)) return checkJson(text, region.start, region.end, maxDepth, 'whitespace');
  return { ok: true, start, end, value };
}

function lineAndColumn(text: string, at: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${at - lineStart + 1}`;
}

function syntaxFinding(text: string, result: Extract<JsonSyntax, { ok: false }>): Finding {
  const at = Math.min(result.at, text.length);
  return {
    category: 'json',
    label: result.tooDeep ? 'TOO_DEEP' : 'INVALID_JSON',
    score: 1,
    span: [at, Math.min(at + 1, text.length)],
    evidence: `${result.reason} at position ${at} (${lineAndColumn(text, at)})`,
  };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function requireFinding(text: string, start: number, end: number, require: JsonParams['require']): Finding | null {
  if (require === 'any') return null;
  const code = text.charCodeAt(start);
  if ((require === 'object' && code === 0x7b) || (require === 'array' && code === 0x5b)) return null;
  const found = code === 0x7b ? 'object' : code === 0x5b ? 'array' : typeName(JSON.parse(text.slice(start, end)));
  return {
    category: 'json',
    label: 'SCHEMA_MISMATCH',
    score: 1,
    span: [start, end],
    evidence: `at /: type (must be ${require}, found ${found})`,
  };
}

export const jsonScanner: Scanner<JsonParams> = {
  id: 'json',
  description: 'Requires the text (or its fenced block / first object) to be JSON, optionally matching a schema.',
  params: jsonParams,
  rails: ['output', 'tool_call', 'tool_result', 'input', 'retrieval'],
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const validate = params.schema === undefined ? undefined : compileSchema(params.schema as JsonSchema).validate;
    return (subject) => {
      const text = subject.text;
      const fenced = params.extract === 'whole' ? null : fencedRegion(text);
      const region = fenced ?? { start: 0, end: text.length };
      const result =
        params.extract === 'first_object'
          ? firstObject(text, region, params)
          : validate
            ? parseWhole(text, region, params.max_depth)
            : checkJson(text, region.start, region.end, params.max_depth, 'whitespace');
      if (result === null) {
        const at = skipWhitespace(text, region.start, region.end);
        return [
          {
            category: 'json',
            label: 'INVALID_JSON',
            score: 1,
            span: [at, at],
            evidence: `no JSON ${params.require === 'any' ? 'object or array' : params.require} found`,
          },
        ];
      }
      if (!result.ok) return [syntaxFinding(text, result)];
      const typeMismatch = requireFinding(text, result.start, result.end, params.require);
      if (typeMismatch) return [typeMismatch];
      if (!validate) return [];
      const value = 'value' in result ? result.value : JSON.parse(text.slice(result.start, result.end));
      if (validate(value)) return [];
      const error = validate.errors?.[0];
      const detail = error ? `${error.keyword} (${error.message ?? 'invalid'}${additional(error.params)})` : 'invalid';
      return [
        {
          category: 'json',
          label: 'SCHEMA_MISMATCH',
          score: 1,
          span: [result.start, result.end],
          evidence: `at ${error?.instancePath || '/'}: ${detail}`,
        },
      ];
    };
  },
};

/** The offending property name for additionalProperties / unevaluatedProperties errors, shortened. */
function additional(params: Record<string, unknown>): string {
  const name = params.additionalProperty ?? params.unevaluatedProperty;
  if (typeof name !== 'string') return '';
  return `: '${name.length > 40 ? `${name.slice(0, 40)}…` : name}'`;
}
