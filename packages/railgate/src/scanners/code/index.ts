/**
 * `code`: injection payloads in text and tool arguments — SQL injection, shell command injection, path
 * traversal, server-side template injection and XSS. Built for the `tool_call` rail (the model asking a
 * tool to run SQL, a command or open a path), where payload shapes score high. The same payload discussed
 * in prose ("how does UNION SELECT work?") or shown in a code block on the input or output rail scores
 * below the default threshold: rules look for structure, and the scanner weighs the rail and the
 * surrounding text. Percent-encoded, base64 and \x-hex payloads are decoded and searched too.
 *
 * @example
 * ```yaml
 * - id: tool-injection
 *   scanner: code
 *   params: { kinds: [sql, shell, path], thresholds: { path: 0.7 } }
 * ```
 */
import { z } from 'zod';
import type { Finding, Rail, Scanner } from '../../engine/types.js';
import { type Features, scanFeatures } from './features.js';
import { KINDS, type Kind, LABELS, RULES, type Rule } from './rules.js';
import { binaryDecoded, jsonStrings, percentDecoded, type Target } from './targets.js';

const probability = z.number().min(0).max(1);

export const codeParams = z.strictObject({
  /** Payload families to look for. */
  kinds: z
    .array(z.enum(KINDS))
    .min(1)
    .default([...KINDS]),
  /** Per-family thresholds overriding the rule's threshold (e.g. a stricter `shell` than `path`). */
  thresholds: z
    .strictObject({
      sql: probability.optional(),
      shell: probability.optional(),
      path: probability.optional(),
      template: probability.optional(),
      xss: probability.optional(),
    })
    .default({}),
});

export type CodeParams = z.infer<typeof codeParams>;

/**
 * How much a payload shape means on each rail: arguments the model sends to a tool are where an injection
 * executes; a user prompt or a model answer is more often talk about code.
 */
const RAIL_WEIGHT: Record<Rail, number> = {
  tool_call: 1,
  tool_result: 0.9,
  retrieval: 0.8,
  output: 0.7,
  input: 0.7,
};
/** A payload inside a sentence of ordinary prose is being discussed. */
const PROSE_WEIGHT = 0.6;
/** A payload inside a fenced code block on a conversational rail is being shown. */
const FENCE_WEIGHT = 0.75;
/** Findings scoring less than this after context are not reported at all. */
const REPORT_FLOOR = 0.25;
const MAX_FINDINGS_PER_RULE = 20;
const MAX_MATCHES_PER_RULE = 2000;
/** Decoded runs (percent, base64, hex) searched per text. */
const MAX_DECODED_TARGETS = 64;

const FUNCTION_WORDS = new Set(
  (
    'a an the this that these those is are was were be been do does did how what why when where which who ' +
    'can could would should will may might must not never always you your i me my we our it its they them ' +
    'if of in on to for with about from as by explain explains work works mean means example difference ' +
    'between use used using like called known classic prevent protect against attack attacks payload ' +
    'vulnerable vulnerability please help tell show me want need so there here than then also just'
  ).split(' '),
);

const WORD = /[A-Za-z']{1,20}/g;

/** Positions of function words in a text, computed once per searched text and shared by its matches. */
function functionWordPositions(text: string): number[] {
  const positions: number[] = [];
  for (const match of text.matchAll(WORD)) {
    if (FUNCTION_WORDS.has(match[0].toLowerCase())) positions.push(match.index ?? 0);
  }
  return positions;
}

/** Number of sorted positions in [from, to). */
function countBetween(positions: readonly number[], from: number, to: number): number {
  const lowerBound = (value: number): number => {
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((positions[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return Math.max(0, lowerBound(to) - lowerBound(from));
}

/** The paragraph around [start, end), match excluded: prose if it holds enough function words. */
function inProse(text: string, positions: readonly number[], start: number, end: number): boolean {
  // Searches stay inside the window: a text without blank lines must not cost a full scan per match.
  const windowStart = Math.max(0, start - 160);
  const breakBefore = text.slice(windowStart, start).lastIndexOf('\n\n');
  const from = breakBefore >= 0 ? windowStart + breakBefore + 2 : windowStart;
  const windowEnd = Math.min(text.length, end + 160);
  const breakAfter = text.slice(end, windowEnd).indexOf('\n\n');
  const to = breakAfter >= 0 ? end + breakAfter : windowEnd;
  return countBetween(positions, from, start) + countBetween(positions, end, to) >= 3;
}

/** Positions of ``` fences, once per text. */
function fences(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('```'); i >= 0; i = text.indexOf('```', i + 3)) out.push(i);
  return out;
}

function inFence(fencePositions: readonly number[], at: number): boolean {
  let count = 0;
  for (const position of fencePositions) {
    if (position >= at) break;
    count++;
  }
  return count % 2 === 1;
}

interface Hit {
  kind: Kind;
  rule: Rule;
  score: number;
  span: [number, number];
  view: string;
}

function searchText(searched: Target, features: Features, kinds: readonly Kind[], rail: Rail, hits: Hit[]): void {
  const { text } = searched;
  const conversational = rail === 'input' || rail === 'output' || rail === 'retrieval';
  let fencePositions: number[] | undefined;
  let wordPositions: number[] | undefined;
  for (const kind of kinds) {
    for (const rule of RULES[kind]) {
      if (!rule.gate(features, text)) continue;
      rule.regex.lastIndex = 0;
      let accepted = 0;
      for (let n = 0; n < MAX_MATCHES_PER_RULE && accepted < MAX_FINDINGS_PER_RULE; n++) {
        const match = rule.regex.exec(text);
        if (!match) break;
        const end = match.index + match[0].length;
        if (end === match.index) rule.regex.lastIndex++;
        const start = rule.start ? rule.start(text, match.index) : match.index;
        if (start < 0) continue;
        const strength = rule.refine ? rule.refine(text, start, end, match) : rule.strength;
        if (strength <= 0) continue;
        let score = strength * RAIL_WEIGHT[rail];
        if (!searched.decoded) {
          fencePositions ??= text.includes('```') ? fences(text) : [];
          wordPositions ??= functionWordPositions(text);
          if (conversational && inFence(fencePositions, start)) score *= FENCE_WEIGHT;
          else if (inProse(text, wordPositions, start, end)) score *= PROSE_WEIGHT;
        }
        if (score < REPORT_FLOOR) continue;
        accepted++;
        hits.push({ kind, rule, score, span: searched.toRaw(start, end), view: searched.view });
      }
    }
  }
}

/** One finding per rule and place: overlapping hits of the same family keep the strongest. */
function dedupe(hits: Hit[]): Hit[] {
  hits.sort((a, b) => a.span[0] - b.span[0] || b.score - a.score);
  const kept: Hit[] = [];
  for (const hit of hits) {
    const overlapping = kept.find(
      (k) => k.kind === hit.kind && hit.span[0] < Math.max(k.span[1], k.span[0] + 1) && k.span[0] < hit.span[1],
    );
    if (!overlapping) kept.push(hit);
    else if (hit.score > overlapping.score) kept[kept.indexOf(overlapping)] = hit;
  }
  return kept;
}

export const codeScanner: Scanner<CodeParams> = {
  id: 'code',
  description: 'Detects SQL, shell, path traversal, template and XSS injection payloads, weighted by rail and context.',
  params: codeParams,
  rails: ['tool_call', 'tool_result', 'input', 'output', 'retrieval'],
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const kinds = KINDS.filter((k) => params.kinds.includes(k));
    return (subject, views) => {
      const hits: Hit[] = [];
      const clean = views.clean;
      const targets: Target[] = jsonStrings(clean) ?? [
        { text: clean.text, toRaw: (s, e) => clean.toRaw(s, e), view: 'clean', decoded: false },
      ];
      let decodedBudget = MAX_DECODED_TARGETS;
      for (const target of targets) {
        const features = scanFeatures(target.text);
        searchText(target, features, kinds, subject.rail, hits);
        if (decodedBudget <= 0) continue;
        const decoded = [...percentDecoded(target, features), ...binaryDecoded(target, features)].slice(
          0,
          decodedBudget,
        );
        decodedBudget -= decoded.length;
        for (const inner of decoded) searchText(inner, scanFeatures(inner.text), kinds, subject.rail, hits);
      }
      return dedupe(hits).map((hit): Finding => {
        const threshold = params.thresholds[hit.kind];
        return {
          category: 'code_injection',
          label: LABELS[hit.kind],
          score: Math.round(hit.score * 100) / 100,
          span: hit.span,
          evidence: hit.rule.description,
          view: hit.view,
          ...(threshold !== undefined && { threshold }),
        };
      });
    };
  },
};
