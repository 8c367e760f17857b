/**
 * The eval result: everything a report needs, as one JSON document with a versioned schema
 * (`railgate.eval/1`, documented field by field in docs/eval.md). The HTML report, the Markdown summary,
 * the terminal table, the CI gate and a later drift check all read this document and nothing else.
 */
import { RAILS } from '../engine/types.js';
import { type Calibration, calibration, type ScoreHistogram, scoreHistogram } from './calibration.js';
import type { LoadedData, RowProblem } from './dataset.js';
import {
  type ClassMetrics,
  type Costs,
  classMetrics,
  countRow,
  emptyConfusion,
  type LatencySummary,
  latencySummary,
} from './metrics.js';
import { type PolicyRun, type PreparedData, VERDICT_ACTIONS } from './run.js';
import { type Sweep, type SweepOptions, sweep } from './sweep.js';

export const EVAL_SCHEMA = 'railgate.eval/1';

/** A source of rows as the user named it. */
export interface DataSource {
  kind: 'file' | 'suite';
  name: string;
  /** The suite's version; absent for files. */
  version?: string;
  files: Array<{ file: string; rows: number; skipped: number }>;
}

export interface EvalConfig {
  default_rail: string;
  flag_on: { default: string[]; by_category: Record<string, string[]> };
  costs: Costs;
  target_fpr: number;
  target_recall: number;
  curve_points: number;
  examples: number;
}

export interface CategoryCount {
  name: string;
  rows: number;
  attacks: number;
  benign: number;
  /** Rows per rail in this category. */
  rails: Record<string, number>;
}

export interface DataSummary {
  sources: DataSource[];
  rows: number;
  attacks: number;
  benign: number;
  categories: CategoryCount[];
  /** Benign rows whose `pair` names an attack row of the data. */
  pairs: number;
  skipped_rows: number;
  /** The first skipped rows with their file, line and reason. */
  skipped: RowProblem[];
  truncated_rows: number;
  max_chars: number;
  /** Things a reader should know about the data (cut texts, missing classes). */
  notes: string[];
}

export type CategoryResult = ClassMetrics & { latency_us: { p50: number | null; p99: number | null } };

export interface RuleContribution {
  /** Attacks this rule flagged. */
  caught: number;
  /** Attacks only this rule flagged. */
  caught_alone: number;
  /** Benign rows this rule flagged. */
  false_positives: number;
  /** Benign rows only this rule flagged. */
  false_positives_alone: number;
  by_category: Record<string, { caught: number; false_positives: number }>;
}

export interface RuleSweep {
  sweep: Sweep;
  calibration: Calibration;
  histogram: ScoreHistogram;
}

export interface RuleResult {
  key: string;
  rail: string;
  rule: string;
  scanner: string;
  /** The rule's threshold and action in the policy. */
  threshold: number;
  action: string;
  /** Some findings were judged against their own threshold (a classifier's, an entity's), not `threshold`. */
  own_thresholds: boolean;
  /** Rows checked on this rule's rail. */
  rows: number;
  contribution: RuleContribution;
  /** The rule as the policy runs it: rows it flagged, as recall and false-positive rate on its rail. */
  operating_point: { tp: number; fp: number; recall: number | null; fpr: number | null };
  /**
   * The rule alone against every row of its rail (attacks of every category vs all benign rows); null when
   * no row was on its rail. Mixes categories the rule is not meant for: read `by_category` for tuning.
   */
  overall: RuleSweep | null;
  /** Sweeps within each category where the rule scored anything above 0 (attacks vs that category's benign). */
  by_category: Record<string, RuleSweep>;
}

/** Where a rule stands under the policy: the rows it flagged, as recall and false-positive rate. */
export type RuleOperatingPoint = RuleResult['operating_point'];

/**
 * A rule's operating point overall (its own flags over every row of its rail) or within one category (the
 * attacks it caught and benign rows it refused there, from its contribution, over that category's rows on
 * its rail). Null for a category where the rule has no sweep (it scored nothing there).
 */
export function ruleOperatingPoint(rule: RuleResult, category?: string): RuleOperatingPoint | null {
  if (category === undefined) return rule.operating_point;
  const sweep = rule.by_category[category]?.sweep;
  if (!sweep) return null;
  const n = rule.contribution.by_category[category] ?? { caught: 0, false_positives: 0 };
  return {
    tp: n.caught,
    fp: n.false_positives,
    recall: sweep.attacks > 0 ? n.caught / sweep.attacks : null,
    fpr: sweep.benign > 0 ? n.false_positives / sweep.benign : null,
  };
}

export interface Example {
  id: string;
  category: string;
  rail: string;
  label: 'attack' | 'benign';
  action: string;
  /** The text, cut to EXAMPLE_TEXT_CHARS. */
  text: string;
  text_truncated: boolean;
  /** Rule keys that flagged the row. */
  flagged_by: string[];
  /** The highest score any rule gave the row. */
  max_score: number;
  findings: Array<{
    rule: string;
    label: string | null;
    score: number;
    fired: boolean;
    action: string;
    span: [number, number] | null;
  }>;
}

export interface PairSummary {
  /** Attack/benign-twin pairs in the data. */
  total: number;
  /** The attack flagged and its twin passed. */
  both_right: number;
  attack_missed: number;
  twin_refused: number;
}

export interface PolicyResult {
  /** The policy as named on the command line. */
  source: string;
  policy: { id: string; version: string };
  overall: CategoryResult;
  categories: Record<string, CategoryResult>;
  pairs: PairSummary;
  rules: RuleResult[];
  /** Flagged rows no rule explains (the rail failed closed, or the text was over the size limit). */
  unattributed: { true_positives: number; false_positives: number };
  /** Rows on which a rule errored, timed out or was skipped. */
  errored_rows: number;
  latency_us: LatencySummary;
  run: { wall_ms: number; rows_per_second: number };
  examples: { false_positives: Example[]; false_negatives: Example[] };
}

export interface CategoryDelta {
  recall: number | null;
  fpr: number | null;
  fnr: number | null;
  precision: number | null;
  f1: number | null;
  cost: number;
}

export interface Comparison {
  /** Index (in `policies`) of the policy the others are compared with. */
  base: number;
  /** For each other policy: its metric minus the base's, overall and per category. */
  against: Array<{ policy: number; overall: CategoryDelta; categories: Record<string, CategoryDelta> }>;
}

export interface GateCheckResult {
  policy: string;
  category: string;
  check: 'min_recall' | 'max_fpr' | 'max_ratio' | 'baseline_recall' | 'baseline_fpr';
  limit: number | null;
  actual: number | null;
  status: 'pass' | 'fail' | 'skip';
  note?: string;
}

export interface GateReport {
  file: string;
  baseline: string | null;
  passed: boolean;
  checks: GateCheckResult[];
}

export interface EvalResult {
  schema: typeof EVAL_SCHEMA;
  tool: { name: 'railgate'; version: string };
  created_at: string;
  data: DataSummary;
  config: EvalConfig;
  policies: PolicyResult[];
  comparison: Comparison | null;
  gate: GateReport | null;
}

export const EXAMPLE_TEXT_CHARS = 2000;
const MAX_SKIPPED_LISTED = 50;

export interface BuildInput {
  toolVersion: string;
  sources: DataSource[];
  loaded: Pick<LoadedData, 'skipped' | 'truncated' | 'maxChars'>;
  data: PreparedData;
  runs: PolicyRun[];
  config: EvalConfig;
}

export function buildResult(input: BuildInput): EvalResult {
  const policies = input.runs.map((run) => policyResult(run, input.data, input.config));
  return {
    schema: EVAL_SCHEMA,
    tool: { name: 'railgate', version: input.toolVersion },
    created_at: new Date().toISOString(),
    data: dataSummary(input),
    config: input.config,
    policies,
    comparison: policies.length > 1 ? compare(policies) : null,
    gate: null,
  };
}

function dataSummary(input: BuildInput): DataSummary {
  const { data, loaded } = input;
  const categories = data.categories.map((name) => ({
    name,
    rows: 0,
    attacks: 0,
    benign: 0,
    rails: {} as Record<string, number>,
  }));
  let attacks = 0;
  data.rows.forEach((row, i) => {
    const c = categories[data.categoryOf[i] as number] as CategoryCount;
    c.rows++;
    if (row.label === 1) c.attacks++;
    else c.benign++;
    attacks += row.label;
    const rail = row.rail ?? input.config.default_rail;
    c.rails[rail] = (c.rails[rail] ?? 0) + 1;
  });
  const benign = data.rows.length - attacks;
  const notes: string[] = [];
  if (loaded.truncated > 0)
    notes.push(`${loaded.truncated} text(s) longer than ${loaded.maxChars} characters were cut to that length`);
  if (loaded.skipped.length > 0) notes.push(`${loaded.skipped.length} bad row(s) skipped (--skip-bad-rows)`);
  if (attacks === 0) notes.push('no attack rows: recall, leakage and the ROC/PR areas are undefined (null)');
  if (benign === 0)
    notes.push('no benign rows: the false-positive rate (over-refusal) and ROC AUC are undefined (null)');
  return {
    sources: input.sources,
    rows: data.rows.length,
    attacks,
    benign,
    categories,
    pairs: pairIndices(data).length,
    skipped_rows: loaded.skipped.length,
    skipped: loaded.skipped.slice(0, MAX_SKIPPED_LISTED),
    truncated_rows: loaded.truncated,
    max_chars: loaded.maxChars,
    notes,
  };
}

/** [attack row, benign twin row] for every benign row whose `pair` names an attack in the data. */
export function pairIndices(data: PreparedData): Array<[number, number]> {
  const attackById = new Map<string, number>();
  data.rows.forEach((row, i) => {
    if (row.label === 1) attackById.set(row.id, i);
  });
  const pairs: Array<[number, number]> = [];
  data.rows.forEach((row, i) => {
    const attack = row.label === 0 && row.pair !== undefined ? attackById.get(row.pair) : undefined;
    if (attack !== undefined) pairs.push([attack, i]);
  });
  return pairs;
}

function policyResult(run: PolicyRun, data: PreparedData, config: EvalConfig): PolicyResult {
  const all = allRows(data.rows.length);
  const rowsByCategory = groupRows(data.categoryOf, data.categories.length);
  const categories: Record<string, CategoryResult> = {};
  data.categories.forEach((name, c) => {
    categories[name] = categoryResult(run, data, rowsByCategory[c] as Uint32Array, config.costs);
  });
  const total = data.rows.length;
  return {
    source: run.source,
    policy: run.policy,
    overall: categoryResult(run, data, all, config.costs),
    categories,
    pairs: pairSummary(run, data),
    rules: run.rules.map((_, r) => ruleResult(run, data, r, rowsByCategory, config)),
    unattributed: unattributed(run, data),
    errored_rows: count(run.errored),
    latency_us: latencySummary(run.latencyUs),
    run: {
      wall_ms: round(run.wallMs, 1),
      rows_per_second: run.wallMs > 0 ? Math.round((total / run.wallMs) * 1000) : 0,
    },
    examples: examplesOf(run, data, config.examples),
  };
}

function allRows(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Row indices per group, from a column of group indices. */
function groupRows(groupOf: ArrayLike<number>, groups: number): Uint32Array[] {
  const sizes = new Uint32Array(groups);
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i] as number;
    sizes[g] = (sizes[g] as number) + 1;
  }
  const out = Array.from(sizes, (size) => new Uint32Array(size));
  const fill = new Uint32Array(groups);
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i] as number;
    (out[g] as Uint32Array)[fill[g] as number] = i;
    fill[g] = (fill[g] as number) + 1;
  }
  return out;
}

function categoryResult(run: PolicyRun, data: PreparedData, rows: Uint32Array, costs: Costs): CategoryResult {
  const confusion = emptyConfusion();
  const latency = new Float64Array(rows.length);
  rows.forEach((i, k) => {
    countRow(confusion, data.label[i] === 1, run.flagged[i] === 1);
    latency[k] = run.latencyUs[i] as number;
  });
  const summary = latencySummary(latency);
  return { ...classMetrics(confusion, costs), latency_us: { p50: summary.p50, p99: summary.p99 } };
}

function pairSummary(run: PolicyRun, data: PreparedData): PairSummary {
  const summary: PairSummary = { total: 0, both_right: 0, attack_missed: 0, twin_refused: 0 };
  for (const [attack, twin] of pairIndices(data)) {
    summary.total++;
    const caught = run.flagged[attack] === 1;
    const refused = run.flagged[twin] === 1;
    if (caught && !refused) summary.both_right++;
    if (!caught) summary.attack_missed++;
    if (refused) summary.twin_refused++;
  }
  return summary;
}

function ruleResult(
  run: PolicyRun,
  data: PreparedData,
  r: number,
  rowsByCategory: readonly Uint32Array[],
  config: EvalConfig,
): RuleResult {
  const ref = run.rules[r];
  if (!ref) throw new RangeError(`no rule ${r}`);
  const scores = run.scores[r] as Float64Array;
  const railIndex = RAIL_INDEX.get(ref.rail) ?? -1;
  const onRail = (rows: Uint32Array) => rows.filter((i) => data.railOf[i] === railIndex);
  const railRows = onRail(allRows(data.rows.length));
  const options: SweepOptions = {
    targetFpr: config.target_fpr,
    targetRecall: config.target_recall,
    maxPoints: config.curve_points,
  };
  const byCategory: Record<string, RuleSweep> = {};
  data.categories.forEach((name, c) => {
    const rows = onRail(rowsByCategory[c] as Uint32Array);
    if (!rows.some((i) => (scores[i] as number) > 0)) return;
    byCategory[name] = ruleSweep(scores, data.label, rows, options);
  });
  return {
    key: ref.key,
    rail: ref.rail,
    rule: ref.rule,
    scanner: ref.scanner,
    threshold: ref.threshold,
    action: ref.action,
    own_thresholds: run.ownThreshold[r] === true,
    rows: railRows.length,
    contribution: contribution(run, data, r),
    operating_point: operatingPoint(run.flaggedBy[r] as Uint8Array, data.label, railRows),
    overall: railRows.length === 0 ? null : ruleSweep(scores, data.label, railRows, options),
    by_category: byCategory,
  };
}

function ruleSweep(scores: Float64Array, labels: Uint8Array, rows: Uint32Array, options: SweepOptions): RuleSweep {
  return {
    sweep: sweep(scores, labels, rows, options),
    calibration: calibration(scores, labels, rows),
    histogram: scoreHistogram(scores, labels, rows),
  };
}

const RAIL_INDEX = new Map<string, number>(RAILS.map((rail, i) => [rail, i]));

function operatingPoint(flaggedBy: Uint8Array, labels: Uint8Array, rows: Uint32Array): RuleResult['operating_point'] {
  const confusion = emptyConfusion();
  for (const i of rows) countRow(confusion, labels[i] === 1, flaggedBy[i] === 1);
  const attacks = confusion.tp + confusion.fn;
  const benign = confusion.fp + confusion.tn;
  return {
    tp: confusion.tp,
    fp: confusion.fp,
    recall: attacks > 0 ? confusion.tp / attacks : null,
    fpr: benign > 0 ? confusion.fp / benign : null,
  };
}

/** How many other rules flagged row i. */
function otherFlaggers(run: PolicyRun, r: number, i: number): number {
  let n = 0;
  for (let other = 0; other < run.flaggedBy.length; other++) if (other !== r && run.flaggedBy[other]?.[i] === 1) n++;
  return n;
}

function contribution(run: PolicyRun, data: PreparedData, r: number): RuleContribution {
  const flaggedBy = run.flaggedBy[r] as Uint8Array;
  const out: RuleContribution = {
    caught: 0,
    caught_alone: 0,
    false_positives: 0,
    false_positives_alone: 0,
    by_category: {},
  };
  for (let i = 0; i < flaggedBy.length; i++) {
    // A rule that fired on a row the verdict did not flag (aggregation `all`, say) neither caught nor refused it.
    if (flaggedBy[i] !== 1 || run.flagged[i] !== 1) continue;
    const alone = otherFlaggers(run, r, i) === 0;
    const category = data.categories[data.categoryOf[i] as number] as string;
    const entry = out.by_category[category] ?? { caught: 0, false_positives: 0 };
    out.by_category[category] = entry;
    if (data.label[i] === 1) {
      out.caught++;
      entry.caught++;
      if (alone) out.caught_alone++;
    } else {
      out.false_positives++;
      entry.false_positives++;
      if (alone) out.false_positives_alone++;
    }
  }
  return out;
}

function unattributed(run: PolicyRun, data: PreparedData): PolicyResult['unattributed'] {
  const out = { true_positives: 0, false_positives: 0 };
  for (let i = 0; i < run.flagged.length; i++) {
    if (run.flagged[i] !== 1 || run.flaggedBy.some((column) => column[i] === 1)) continue;
    if (data.label[i] === 1) out.true_positives++;
    else out.false_positives++;
  }
  return out;
}

/** The worst errors: benign rows flagged with the highest scores, attacks passed with the lowest. */
function examplesOf(run: PolicyRun, data: PreparedData, limit: number): PolicyResult['examples'] {
  const falsePositives: Array<[number, number]> = [];
  const falseNegatives: Array<[number, number]> = [];
  for (const i of run.errorFindings.keys()) {
    if (data.label[i] === 1) falseNegatives.push([i, maxScore(run, i)]);
    else falsePositives.push([i, maxScore(run, i)]);
  }
  falsePositives.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  falseNegatives.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return {
    false_positives: falsePositives.slice(0, limit).map(([i]) => example(run, data, i)),
    false_negatives: falseNegatives.slice(0, limit).map(([i]) => example(run, data, i)),
  };
}

function maxScore(run: PolicyRun, i: number): number {
  let max = 0;
  for (const column of run.scores) if ((column[i] as number) > max) max = column[i] as number;
  return max;
}

function example(run: PolicyRun, data: PreparedData, i: number): Example {
  const row = data.rows[i];
  if (!row) throw new RangeError(`no row ${i}`);
  const rail = RAILS[data.railOf[i] as number] as string;
  const findings = (run.errorFindings.get(i) ?? [])
    .filter((f) => f.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 10)
    .map((f) => ({
      rule: `${rail}/${f.rule}`,
      label: f.label ?? null,
      score: f.score,
      fired: f.fired,
      action: f.action,
      span: f.span ? ([f.span[0], f.span[1]] as [number, number]) : null,
    }));
  return {
    id: row.id,
    category: row.category,
    rail,
    label: row.label === 1 ? 'attack' : 'benign',
    action: VERDICT_ACTIONS[run.action[i] as number] as string,
    text: row.text.slice(0, EXAMPLE_TEXT_CHARS),
    text_truncated: row.text.length > EXAMPLE_TEXT_CHARS,
    flagged_by: run.rules.filter((_, r) => run.flaggedBy[r]?.[i] === 1).map((ref) => ref.key),
    max_score: maxScore(run, i),
    findings,
  };
}

function compare(policies: readonly PolicyResult[]): Comparison {
  const base = policies[0] as PolicyResult;
  return {
    base: 0,
    against: policies.slice(1).map((other, k) => ({
      policy: k + 1,
      overall: delta(base.overall, other.overall),
      categories: Object.fromEntries(
        Object.entries(other.categories).map(([name, metrics]) => [name, delta(base.categories[name], metrics)]),
      ),
    })),
  };
}

function minus(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : a - b;
}

/** other − base for each headline metric. */
export function delta(base: CategoryResult | undefined, other: CategoryResult): CategoryDelta {
  return {
    recall: minus(other.recall, base?.recall),
    fpr: minus(other.fpr, base?.fpr),
    fnr: minus(other.fnr, base?.fnr),
    precision: minus(other.precision, base?.precision),
    f1: minus(other.f1, base?.f1),
    cost: other.cost.total - (base?.cost.total ?? 0),
  };
}

function count(column: Uint8Array): number {
  let n = 0;
  for (const v of column) n += v;
  return n;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
