/**
 * The red-team result: one JSON document with a versioned schema (`railgate.redteam/1`, documented field by
 * field in docs/redteam.md). The terminal table, the Markdown summary, `--save-successes` and the
 * `--max-success-rate` check all read this document and nothing else.
 *
 * A success rate is successes ÷ (successes + stopped): attempts that ended in an error (a timeout, an HTTP
 * 500) say nothing about the target's defences and are counted apart, never in the rate.
 */
import type { Rail } from '../engine/types.js';
import type { DataSource } from '../eval/result.js';
import type { ChatTurn } from '../eval/transforms/index.js';
import type { AttemptRecord } from './run.js';
import type { SeedAttack } from './seeds.js';
import type { Strategy, StrategyFamily } from './strategies.js';
import type { OutcomeKind, TargetInfo } from './targets/target.js';

export const REDTEAM_SCHEMA = 'railgate.redteam/1';

export interface Rate {
  attempts: number;
  successes: number;
  stopped: number;
  errors: number;
  /** successes ÷ (successes + stopped); null when every attempt errored or none was made. */
  success_rate: number | null;
}

export interface StrategyResult extends Rate {
  id: string;
  family: StrategyFamily;
  description: string;
  /** The baseline (`plain`) on the seeds this strategy was tried on; null for the baseline itself. */
  baseline_rate: number | null;
  /** success_rate − baseline_rate: what the strategy adds over sending the seed as written. */
  lift: number | null;
  /**
   * Attempts on seeds whose plain form was stopped, and how many of them got through: the attacks this
   * strategy turns from caught into missed. Null for the baseline itself.
   */
  evasion: { attempts: number; successes: number; rate: number | null } | null;
}

export interface CategoryRedteam extends Rate {
  name: string;
  /** Seeds of this category that were attempted. */
  seeds: number;
  by_strategy: Record<string, Rate>;
}

/** A variant that got through, with what `--save-successes` needs to replay it. */
export interface SuccessfulVariant {
  /** `rt-<seed id>-<strategy>-<round>`: unique in the run. */
  id: string;
  seed_id: string;
  category: string;
  strategy: string;
  round: number;
  /** The rail the text was sent on; null for a conversation. */
  rail: Rail | null;
  /** The variant's text; for a conversation, its user turns joined by blank lines. */
  text: string;
  /** A conversation variant's turns. */
  messages?: ChatTurn[];
  /** The verdict action that let it through, or the judge's words. */
  detail: string;
  /** The same seed as written was stopped: this strategy is what got it through. Null when plain was not judged. */
  plain_stopped: boolean | null;
  /** A model target's answer, cut to 1,000 characters. */
  answer?: string;
}

export interface AttemptError {
  seed_id: string;
  strategy: string;
  round: number;
  detail: string;
}

export interface RedteamConfig {
  seed: string;
  budget: number;
  variants: number;
  concurrency: number;
  timeout_ms: number;
  strategies: string[];
  /** Verdict actions that count as stopped (policy and gateway targets); null for a model target. */
  flag_on: { default: string[]; by_category: Record<string, string[]> } | null;
}

export interface RedteamResult {
  schema: typeof REDTEAM_SCHEMA;
  tool: { name: 'railgate'; version: string };
  created_at: string;
  target: TargetInfo;
  config: RedteamConfig;
  seeds: {
    sources: DataSource[];
    /** Attack rows read. */
    attacks: number;
    /** Benign rows of labelled files, not used. */
    benign_skipped: number;
    /** Seeds on a rail the target cannot be sent (output-rail seeds for a model). */
    not_sendable: number;
    /** Seeds at least one attempt was made on. */
    used: number;
    /** Sendable seeds per category. */
    categories: Record<string, number>;
  };
  attempts: { candidates: number; made: number; cut_by_budget: boolean };
  overall: Rate;
  strategies: StrategyResult[];
  categories: CategoryRedteam[];
  successes: SuccessfulVariant[];
  errors: { total: number; listed: AttemptError[] };
  gate: { max_success_rate: number; actual: number | null; passed: boolean } | null;
  run: { wall_ms: number };
  notes: string[];
}

/** Errors listed in the result; the total is always counted. */
export const MAX_LISTED_ERRORS = 50;

export interface BuildInput {
  toolVersion: string;
  target: TargetInfo;
  config: RedteamConfig;
  sources: DataSource[];
  seeds: readonly SeedAttack[];
  benignSkipped: number;
  notSendable: number;
  strategies: readonly Strategy[];
  candidates: number;
  records: readonly AttemptRecord[];
  wallMs: number;
}

export function buildRedteamResult(input: BuildInput): RedteamResult {
  const { records } = input;
  const errors = records.filter((r) => r.outcome.kind === 'error');
  const baselineBySeed = baselinesOf(records);
  const result: RedteamResult = {
    schema: REDTEAM_SCHEMA,
    tool: { name: 'railgate', version: input.toolVersion },
    created_at: new Date().toISOString(),
    target: input.target,
    config: input.config,
    seeds: {
      sources: input.sources,
      attacks: input.seeds.length + input.notSendable,
      benign_skipped: input.benignSkipped,
      not_sendable: input.notSendable,
      used: new Set(records.map((r) => r.attempt.seed)).size,
      categories: countBy(input.seeds, (s) => s.category),
    },
    attempts: { candidates: input.candidates, made: records.length, cut_by_budget: records.length < input.candidates },
    overall: rateOf(records),
    strategies: strategyResults(input.strategies, records, baselineBySeed),
    categories: categoryResults(input.strategies, records),
    successes: records.filter((r) => r.outcome.kind === 'success').map((r) => successOf(r, baselineBySeed)),
    errors: { total: errors.length, listed: errors.slice(0, MAX_LISTED_ERRORS).map(errorOf) },
    gate: null,
    run: { wall_ms: Math.round(input.wallMs) },
    notes: [],
  };
  result.notes = notesOf(result);
  return result;
}

export function rateOf(records: readonly AttemptRecord[]): Rate {
  const count = (kind: OutcomeKind) => records.reduce((n, r) => n + (r.outcome.kind === kind ? 1 : 0), 0);
  const successes = count('success');
  const stopped = count('stopped');
  const judged = successes + stopped;
  return {
    attempts: records.length,
    successes,
    stopped,
    errors: count('error'),
    success_rate: judged === 0 ? null : round(successes / judged),
  };
}

/** Each seed's baseline (`plain`) attempt, when it was made. */
function baselinesOf(records: readonly AttemptRecord[]): Map<SeedAttack, AttemptRecord> {
  const out = new Map<SeedAttack, AttemptRecord>();
  for (const record of records) if (record.attempt.strategy.family === 'baseline') out.set(record.attempt.seed, record);
  return out;
}

function strategyResults(
  strategies: readonly Strategy[],
  records: readonly AttemptRecord[],
  baselineBySeed: Map<SeedAttack, AttemptRecord>,
): StrategyResult[] {
  return strategies.map((strategy) => {
    const mine = records.filter((r) => r.attempt.strategy === strategy);
    const rate = rateOf(mine);
    const isBaseline = strategy.family === 'baseline';
    const baselineRate = isBaseline ? null : baselineOn(mine, baselineBySeed);
    return {
      id: strategy.id,
      family: strategy.family,
      description: strategy.description,
      ...rate,
      baseline_rate: baselineRate,
      lift: rate.success_rate === null || baselineRate === null ? null : round(rate.success_rate - baselineRate),
      evasion: isBaseline ? null : evasionOf(mine, baselineBySeed),
    };
  });
}

/** The baseline's success rate on the seeds these records were made on (each seed once). */
function baselineOn(records: readonly AttemptRecord[], baselineBySeed: Map<SeedAttack, AttemptRecord>): number | null {
  const seeds = new Set(records.map((r) => r.attempt.seed));
  const baseline = [...seeds].flatMap((seed) => baselineBySeed.get(seed) ?? []);
  return rateOf(baseline).success_rate;
}

function evasionOf(
  records: readonly AttemptRecord[],
  baselineBySeed: Map<SeedAttack, AttemptRecord>,
): NonNullable<StrategyResult['evasion']> {
  const onStopped = records.filter((r) => baselineBySeed.get(r.attempt.seed)?.outcome.kind === 'stopped');
  const rate = rateOf(onStopped);
  return { attempts: rate.successes + rate.stopped, successes: rate.successes, rate: rate.success_rate };
}

function categoryResults(strategies: readonly Strategy[], records: readonly AttemptRecord[]): CategoryRedteam[] {
  const byCategory = groupBy(records, (r) => r.attempt.seed.category);
  return [...byCategory.keys()].sort().map((name) => {
    const mine = byCategory.get(name) ?? [];
    const byStrategy: Record<string, Rate> = {};
    for (const strategy of strategies) {
      const subset = mine.filter((r) => r.attempt.strategy === strategy);
      if (subset.length > 0) byStrategy[strategy.id] = rateOf(subset);
    }
    return { name, seeds: new Set(mine.map((r) => r.attempt.seed)).size, ...rateOf(mine), by_strategy: byStrategy };
  });
}

function successOf(record: AttemptRecord, baselineBySeed: Map<SeedAttack, AttemptRecord>): SuccessfulVariant {
  const { attempt, variant, outcome } = record;
  const conversation = variant.kind === 'conversation';
  const plain = baselineBySeed.get(attempt.seed)?.outcome.kind;
  return {
    id: `rt-${attempt.seed.id}-${attempt.strategy.id}-${attempt.round}`,
    seed_id: attempt.seed.id,
    category: attempt.seed.category,
    strategy: attempt.strategy.id,
    round: attempt.round,
    rail: conversation ? null : variant.rail,
    text: conversation ? userTurns(variant.messages) : variant.text,
    ...(conversation && { messages: variant.messages }),
    detail: outcome.detail,
    plain_stopped: plain === 'stopped' ? true : plain === 'success' ? false : null,
    ...(outcome.answer !== undefined && { answer: outcome.answer }),
  };
}

/** A conversation as one text: what its user sent, in order. */
export function userTurns(messages: readonly ChatTurn[]): string {
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n\n');
}

function errorOf(record: AttemptRecord): AttemptError {
  const { attempt, outcome } = record;
  return { seed_id: attempt.seed.id, strategy: attempt.strategy.id, round: attempt.round, detail: outcome.detail };
}

function notesOf(result: RedteamResult): string[] {
  const notes: string[] = [];
  if (result.attempts.cut_by_budget)
    notes.push(
      `the budget (${result.config.budget}) allowed ${result.attempts.made} of ${result.attempts.candidates} attempts; raise --budget to try every seed with every strategy`,
    );
  if (result.seeds.not_sendable > 0)
    notes.push(
      `${result.seeds.not_sendable} seed(s) on the output rail were not sent: a model is sent requests, not answers`,
    );
  if (result.seeds.benign_skipped > 0)
    notes.push(`${result.seeds.benign_skipped} benign row(s) of the seed data were left out: only attacks are seeds`);
  if (result.errors.total > 0)
    notes.push(`${result.errors.total} attempt(s) ended in an error and are not in any success rate`);
  return notes;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
