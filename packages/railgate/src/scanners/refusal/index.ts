/**
 * `refusal`: recognises that a model answer refuses ("I'm sorry, but I can't help with that", "As an AI
 * language model, I cannot…", "I must decline") so over-refusal can be measured per application. A refusal
 * in the opening of the answer counts fully; one that offers an alternative, or that sits later in a long
 * helpful answer, is a PARTIAL_REFUSAL with a lower score. Refusals the answer quotes (someone else's
 * words, a blockquote, a code block) are not the model's and are ignored. English, French, German, Spanish
 * and Chinese openings.
 *
 * @example
 * ```yaml
 * - id: refusals
 *   scanner: refusal
 *   action: log
 *   params: { languages: [en, fr], opening_chars: 300 }
 * ```
 */
import { z } from 'zod';
import type { Finding, Scanner } from '../../engine/types.js';
import { ALTERNATIVE, APOLOGY, LANGUAGES, PATTERNS, type RefusalPattern } from './patterns.js';

export const refusalParams = z.strictObject({
  /** Languages whose refusal phrasings are searched. */
  languages: z
    .array(z.enum(LANGUAGES))
    .min(1)
    .default([...LANGUAGES]),
  /** A refusal that starts within this many characters is the answer's opening and counts fully. */
  opening_chars: z.number().int().min(50).max(10_000).default(300),
  /** Report partial refusals (refusal plus an alternative, or a refusal late in the answer). */
  partial: z.boolean().default(true),
});

export type RefusalParams = z.infer<typeof refusalParams>;

/** Matches examined per pattern: quoted refusals beyond this are not worth the time. */
const MAX_MATCHES_PER_PATTERN = 32;
/** How far after a refusal an offered alternative is looked for. */
const ALTERNATIVE_WINDOW = 400;
/** Weight of a refusal outside the opening, and of one that offers an alternative. */
const LATE_WEIGHT = 0.5;
const PARTIAL_WEIGHT = 0.7;

interface Candidate {
  start: number;
  end: number;
  pattern: RefusalPattern;
}

const REPORTED_SPEECH =
  /(?:said|says|replied|replies|responded|responds|answered|answers|wrote|writes|told (?:me|us|him|her|them)|saying|the message|the error|responds with|response was)[:,]?\s{0,3}$/;

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Positions of ``` fence markers, computed once per text. */
function fencePositions(text: string): number[] {
  const positions: number[] = [];
  for (let i = text.indexOf('```'); i >= 0; i = text.indexOf('```', i + 3)) positions.push(i);
  return positions;
}

/**
 * True when the phrase at `start` is someone else's words: inside quotation marks opened in the same
 * paragraph, after "replied:" and the like, on a blockquote line, or inside a fenced code block.
 */
function isQuoted(text: string, start: number, fences: readonly number[]): boolean {
  let fencesBefore = 0;
  for (const at of fences) {
    if (at >= start) break;
    fencesBefore++;
  }
  if (fencesBefore % 2 === 1) return true;
  // Look back at most 400 characters: a text without line breaks must not cost a full scan per match.
  const windowStart = Math.max(0, start - 400);
  const window = text.slice(windowStart, start);
  const newline = window.lastIndexOf('\n');
  if (newline >= 0 || windowStart === 0) {
    const line = window.slice(newline + 1, newline + 9);
    if (/^\s{0,3}>/.test(line)) return true;
  }
  const paragraph = window.slice(Math.max(window.lastIndexOf('\n\n'), 0));
  if (count(paragraph, '"') % 2 === 1) return true;
  if (count(paragraph, '“') > count(paragraph, '”')) return true;
  if (count(paragraph, '«') > count(paragraph, '»')) return true;
  if (count(paragraph, '「') > count(paragraph, '」')) return true;
  return REPORTED_SPEECH.test(paragraph.slice(-40));
}

/** A gate regex's verdict, computed once per text for all the patterns sharing it. */
function gateOpen(gate: RegExp, text: string, verdicts: Map<RegExp, boolean>): boolean {
  let open = verdicts.get(gate);
  if (open === undefined) {
    open = gate.test(text);
    verdicts.set(gate, open);
  }
  return open;
}

/** The earliest refusal each pattern finds that the answer does not quote. */
function findCandidates(text: string, patterns: readonly RefusalPattern[]): Candidate[] {
  const fences = text.includes('```') ? fencePositions(text) : [];
  const gates = new Map<RegExp, boolean>();
  const candidates: Candidate[] = [];
  for (const pattern of patterns) {
    if (pattern.gate && !gateOpen(pattern.gate, text, gates)) continue;
    pattern.regex.lastIndex = 0;
    for (let seen = 0; seen < MAX_MATCHES_PER_PATTERN; seen++) {
      const match = pattern.regex.exec(text);
      if (!match) break;
      if (!isQuoted(text, match.index, fences)) {
        candidates.push({ start: match.index, end: match.index + match[0].length, pattern });
        break;
      }
    }
  }
  return candidates;
}

/** Whether what follows the refusal is an offer or substantial content (code, a list, a long answer). */
function offersSomethingElse(text: string, end: number): boolean {
  if (ALTERNATIVE.test(text.slice(end, end + ALTERNATIVE_WINDOW))) return true;
  const rest = text.slice(end);
  if (rest.includes('```') || rest.length >= 800) return true;
  const listItems = rest.match(/\n\s{0,3}(?:[-*•]|\d{1,2}[.)])\s/g);
  return listItems !== null && listItems.length >= 3;
}

interface Judged {
  candidate: Candidate;
  score: number;
  partial: boolean;
}

function judge(text: string, candidate: Candidate, openingChars: number, policyInOpening: boolean): Judged {
  const { start, end, pattern } = candidate;
  let score = pattern.score;
  if (APOLOGY.test(text.slice(Math.max(0, start - 60), end))) score += 0.07;
  if (policyInOpening && !pattern.citesPolicy) score += 0.05;
  score = Math.min(score, 0.97);
  if (start >= openingChars) return { candidate, score: score * LATE_WEIGHT, partial: true };
  if (offersSomethingElse(text, end)) return { candidate, score: score * PARTIAL_WEIGHT, partial: true };
  return { candidate, score, partial: false };
}

export const refusalScanner: Scanner<RefusalParams> = {
  id: 'refusal',
  description: 'Detects that a model answer refuses (full or partial), to measure over-refusal.',
  params: refusalParams,
  rails: ['output', 'tool_result'],
  defaults: { threshold: 0.5, action: 'log' },
  create(params) {
    const languages = new Set(params.languages);
    const patterns = PATTERNS.filter((p) => languages.has(p.language));
    return (subject, views) => {
      const view = views.skeleton;
      const text = view.text;
      const candidates = findCandidates(text, patterns);
      if (candidates.length === 0) return [];
      const policyInOpening = candidates.some((c) => c.pattern.citesPolicy && c.start < params.opening_chars);
      let best: Judged | undefined;
      for (const candidate of candidates) {
        const judged = judge(text, candidate, params.opening_chars, policyInOpening);
        const better =
          !best ||
          judged.score > best.score + 1e-9 ||
          (Math.abs(judged.score - best.score) <= 1e-9 && candidate.start < best.candidate.start);
        if (better) best = judged;
      }
      if (!best || (best.partial && !params.partial)) return [];
      const span = view.toRaw(best.candidate.start, best.candidate.end);
      const phrase = subject.text.slice(span[0], span[1]);
      const finding: Finding = {
        category: 'refusal',
        label: best.partial ? 'PARTIAL_REFUSAL' : 'REFUSAL',
        score: Math.round(best.score * 100) / 100,
        span,
        evidence: `${best.candidate.pattern.language}: "${phrase.length > 80 ? `${phrase.slice(0, 80)}…` : phrase}"`,
      };
      return [finding];
    };
  },
};
