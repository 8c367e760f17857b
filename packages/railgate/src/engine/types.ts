import type { z } from 'zod';
import type { Views } from '../normalize/views.js';

/** Where text is checked. */
export const RAILS = ['input', 'output', 'retrieval', 'tool_call', 'tool_result'] as const;
export type Rail = (typeof RAILS)[number];

/** What a rule does when it fires. */
export const ACTIONS = ['block', 'mask', 'warn', 'log', 'review'] as const;
export type Action = (typeof ACTIONS)[number];

/** The action a verdict reports: one of the rule actions, or `allow` when nothing fired. */
export type VerdictAction = Action | 'allow';

/** A chat message in OpenAI or Anthropic shape; content is checked by the messages module. */
export interface Message {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}

/** One piece of text on one rail, plus context. */
export interface Subject {
  text: string;
  rail: Rail;
  role?: string;
  tenant?: string;
  history?: Message[];
  meta?: Record<string, unknown>;
}

/**
 * What a scanner reports. `span` is a half-open [start, end) range in UTF-16 code units of the ORIGINAL
 * subject text, whatever view the scanner looked at. `evidence` must be safe to log: scanners that find
 * personal data or secrets put a redacted form there, never the raw value.
 */
export interface Finding {
  category: string;
  score: number;
  span?: [number, number];
  label?: string;
  evidence?: string;
  /** Name of the normalization view the finding was made on (`raw`, `skeleton`, `decoded:base64`, ...). */
  view?: string;
  /** A per-finding action chosen by the scanner's own params (e.g. per PII entity), overriding the rule's. */
  action?: Action;
  /** A per-finding threshold chosen by the scanner's own params, overriding the rule's. */
  threshold?: number;
}

/** A compiled scan function. Returning a promise makes the scanner asynchronous. */
export type ScanFn = (subject: Subject, views: Views, signal: AbortSignal) => Finding[] | Promise<Finding[]>;

/** What a scanner may use at compile time besides its own params. */
export interface CompileContext {
  /** Identifier of the rule being compiled, for error messages. */
  ruleId: string;
  /** Rail the rule belongs to. */
  rail: Rail;
  /** The rule's threshold (the policy's, or the scanner's default), for scanners whose report depends on it. */
  threshold?: number;
}

/**
 * A detector. Params are validated with `params` when the policy loads, never at scan time;
 * `create` compiles them once (automata, regexes, tables) and returns the scan function.
 */
export interface Scanner<P = unknown> {
  /** Stable machine id used in policies: 'pii', 'prompt_injection', ... */
  id: string;
  /** One line for `railgate policy explain` and generated docs. */
  description: string;
  /** Params schema. Must reject unknown keys (use z.strictObject) so typos are policy errors. */
  params: z.ZodType<P>;
  /** Rails where the scanner makes sense; a policy using it elsewhere is an error. */
  rails: readonly Rail[];
  /** Threshold and action a rule gets when the policy does not set them (engine defaults otherwise). */
  defaults?: { threshold?: number; action?: Action };
  /** True when the scan function may return a promise. Sync-only policies get the synchronous fast path. */
  async?: boolean;
  create(params: P, context: CompileContext): ScanFn;
}

/** A finding attributed to the rule that produced it, with the decision the rule made about it. */
export interface RuleFinding extends Finding {
  rule: string;
  scanner: string;
  /** True when the score reached the threshold: the rule's action applies to this finding. */
  fired: boolean;
  action: Action;
}

export interface RuleError {
  rule: string;
  kind: 'error' | 'timeout' | 'skipped';
  message: string;
}

export interface Verdict {
  /** False only when the verdict blocks. */
  allowed: boolean;
  /** The strongest action taken: block > mask > review > warn > log > allow. */
  action: VerdictAction;
  rail: Rail;
  /** The text with masked spans replaced; present only when a mask rule fired. */
  masked_text?: string;
  /** True when a rule asks for human review (action review, or a score in a rule's review band). */
  review: boolean;
  findings: RuleFinding[];
  /** Rule ids that fired, in policy order. */
  fired_rules: string[];
  /** Rules that errored, timed out or were skipped because the rail deadline passed. */
  errors: RuleError[];
  latency_us: { total: number; rules: Record<string, number> };
  policy: { id: string; version: string };
  decision_id: string;
  /** Why the verdict blocks, for people: the rule ids, or `on_error` when a failure closed the rail. */
  reason?: string;
}
