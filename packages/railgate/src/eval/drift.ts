/**
 * Calibration drift between two eval results: for every rule and category, how far the rule's score
 * distribution moved (per class: attacks and benign rows), from the 20-bin score histograms each result
 * keeps, and what that did to the rule's recall and over-refusal at the policy's threshold.
 *
 * - PSI (population stability index) = Σᵢ (aᵢ − bᵢ)·ln(aᵢ / bᵢ) over the bins, where bᵢ is the old share
 *   of rows in bin i and aᵢ the new share; a share of 0 is replaced by ε = 0.0001 so an emptied or newly
 *   filled bin counts as a large but finite change. Conventional reading: < 0.1 stable, 0.1–0.25 moderate,
 *   ≥ 0.25 large shift.
 * - KS = maxᵢ |Aᵢ − Bᵢ|, the largest gap between the cumulative shares at the bins' upper edges. Computed
 *   from binned data it is a lower bound on the exact two-sample KS statistic (scores that moved within a
 *   bin are not seen).
 *
 * Drift compares the same rules run twice (a new model, new data, a new release): results whose rules
 * differ are refused unless `commonRules` asks for the rules both have.
 */
import { HISTOGRAM_BINS, type ScoreHistogram } from './calibration.js';
import { fail } from './errors.js';
import { OVERALL } from './gate.js';
import { type EvalResult, type PolicyResult, type RuleResult, ruleOperatingPoint } from './result.js';
import { fixed, signed, type Table, textTable } from './tables.js';

export const DRIFT_SCHEMA = 'railgate.drift/1';

/** The share an empty bin is given, so ln(a/b) stays finite. */
export const PSI_EPSILON = 1e-4;

/** Conventional PSI levels: at or above `moderate` the distribution moved, at or above `large` it moved a lot. */
export const SHIFT_LEVELS = { moderate: 0.1, large: 0.25 } as const;

export type Shift = 'none' | 'moderate' | 'large' | 'unknown';

const SHIFT_ORDER: Record<Shift, number> = { unknown: 0, none: 1, moderate: 2, large: 3 };

function shares(counts: readonly number[]): number[] | null {
  const n = counts.reduce((a, b) => a + b, 0);
  return n > 0 ? counts.map((c) => c / n) : null;
}

/** PSI between two histograms over the same bins; null when either is empty. */
export function psi(before: readonly number[], after: readonly number[], epsilon = PSI_EPSILON): number | null {
  const b = shares(before);
  const a = shares(after);
  if (!a || !b || a.length !== b.length) return null;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = Math.max(a[i] as number, epsilon);
    const bi = Math.max(b[i] as number, epsilon);
    sum += (ai - bi) * Math.log(ai / bi);
  }
  return sum;
}

/** The KS statistic from two histograms' cumulative shares at the bin edges; null when either is empty. */
export function ksBinned(before: readonly number[], after: readonly number[]): number | null {
  const b = shares(before);
  const a = shares(after);
  if (!a || !b || a.length !== b.length) return null;
  let cumA = 0;
  let cumB = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    cumA += a[i] as number;
    cumB += b[i] as number;
    max = Math.max(max, Math.abs(cumA - cumB));
  }
  return max;
}

export function shiftOf(value: number | null): Shift {
  if (value === null) return 'unknown';
  if (value >= SHIFT_LEVELS.large) return 'large';
  if (value >= SHIFT_LEVELS.moderate) return 'moderate';
  return 'none';
}

export interface ClassShift {
  n_old: number;
  n_new: number;
  psi: number | null;
  ks: number | null;
}

export interface RateChange {
  old: number | null;
  new: number | null;
  delta: number | null;
}

export interface DriftRow {
  /** The policy as the new result names it. */
  policy: string;
  rule: string;
  /** A category, or `overall` (every row of the rule's rail). */
  category: string;
  attack: ClassShift;
  benign: ClassShift;
  /** The larger of the two classes' PSI. */
  psi: number | null;
  shift: Shift;
  threshold: { old: number; new: number };
  /** The rule's recall and over-refusal at the policy's threshold, before and after. */
  recall: RateChange;
  fpr: RateChange;
  /** Something a reader should know about this row (a category where a side scored nothing). */
  note?: string;
}

export interface DriftSide {
  file: string;
  created_at: string;
  tool_version: string;
  rows: number;
}

export interface DriftReport {
  schema: typeof DRIFT_SCHEMA;
  tool: { name: 'railgate'; version: string };
  created_at: string;
  old: DriftSide;
  new: DriftSide;
  method: { bins: number; epsilon: number; moderate: number; large: number };
  /** Policies compared, as each result names them. */
  policies: Array<{ old: string; new: string }>;
  rows: DriftRow[];
  /** What could not be compared, and why. */
  skipped: Array<{ policy: string; rule?: string; category?: string; reason: string }>;
  /** The largest shift of any row. */
  worst: Shift;
  counts: Record<Shift, number>;
  fail_on: 'moderate' | 'large' | null;
  failed: boolean;
}

export interface DriftOptions {
  oldFile: string;
  newFile: string;
  toolVersion: string;
  /** Compare the rules both results have instead of refusing results whose rules differ. */
  commonRules?: boolean;
  failOn?: 'moderate' | 'large';
}

/** The old policy for a new one: same source, else same policy id, else the only one of each. */
function matchPolicy(policy: PolicyResult, old: EvalResult, fresh: EvalResult): PolicyResult | undefined {
  return (
    old.policies.find((p) => p.source === policy.source) ??
    old.policies.find((p) => p.policy.id === policy.policy.id) ??
    (old.policies.length === 1 && fresh.policies.length === 1 ? old.policies[0] : undefined)
  );
}

function checkSameRules(before: PolicyResult, after: PolicyResult, options: DriftOptions): void {
  const describe = (rule: RuleResult) => `${rule.key} (${rule.scanner})`;
  const oldRules = new Set(before.rules.map(describe));
  const newRules = new Set(after.rules.map(describe));
  const onlyOld = [...oldRules].filter((r) => !newRules.has(r));
  const onlyNew = [...newRules].filter((r) => !oldRules.has(r));
  if (options.commonRules || (onlyOld.length === 0 && onlyNew.length === 0)) return;
  const parts = [
    onlyOld.length > 0 ? `only in ${options.oldFile}: ${onlyOld.join(', ')}` : '',
    onlyNew.length > 0 ? `only in ${options.newFile}: ${onlyNew.join(', ')}` : '',
  ].filter(Boolean);
  fail({
    code: 'DRIFT_MISMATCH',
    message: `policy '${after.source}' has different rules in the two results (${parts.join('; ')})`,
    fix: 'drift compares the same rules run twice; pass --common-rules to compare the rules both have, or `railgate eval --compare` to compare policies',
  });
}

interface Scope {
  histogram: ScoreHistogram;
  recall: number | null;
  fpr: number | null;
  /** The rule scored nothing in this category: its histogram is all in the first bin. */
  silent: boolean;
}

/**
 * A rule's histogram and operating point in a category, or why there is none. A rule has no sweep where it
 * scored 0 on every row; when all the category's rows are on the rule's rail, that is still a distribution
 * (everything in the first bin), and a rule that went silent must show as a shift, not vanish from the report.
 */
function scopeOf(result: EvalResult, rule: RuleResult, category: string): Scope | { missing: string } {
  if (category === OVERALL) {
    if (!rule.overall) return { missing: `no rows on the rule's rail (${rule.rail})` };
    return {
      histogram: rule.overall.histogram,
      recall: rule.operating_point.recall,
      fpr: rule.operating_point.fpr,
      silent: false,
    };
  }
  const entry = rule.by_category[category];
  if (entry) {
    const at = ruleOperatingPoint(rule, category);
    return { histogram: entry.histogram, recall: at?.recall ?? null, fpr: at?.fpr ?? null, silent: false };
  }
  const counts = result.data.categories.find((c) => c.name === category);
  if (!counts || (counts.rails[rule.rail] ?? 0) === 0)
    return { missing: `no rows of this category on the rule's rail` };
  if (counts.rails[rule.rail] !== counts.rows)
    return { missing: "the rule scored nothing here and the category's rows are on several rails (no histogram)" };
  const zeros = (n: number) => [n, ...new Array<number>(HISTOGRAM_BINS - 1).fill(0)];
  return {
    histogram: { bins: HISTOGRAM_BINS, attack: zeros(counts.attacks), benign: zeros(counts.benign) },
    recall: counts.attacks > 0 ? 0 : null,
    fpr: counts.benign > 0 ? 0 : null,
    silent: true,
  };
}

function classShift(before: readonly number[], after: readonly number[]): ClassShift {
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  return { n_old: sum(before), n_new: sum(after), psi: psi(before, after), ks: ksBinned(before, after) };
}

function rateChange(before: number | null, after: number | null): RateChange {
  return { old: before, new: after, delta: before === null || after === null ? null : after - before };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function driftRow(
  policy: string,
  before: RuleResult,
  after: RuleResult,
  category: string,
  scopes: [Scope, Scope],
): DriftRow {
  const [then, now] = scopes;
  const attack = classShift(then.histogram.attack, now.histogram.attack);
  const benign = classShift(then.histogram.benign, now.histogram.benign);
  const worst = maxOrNull(attack.psi, benign.psi);
  const row: DriftRow = {
    policy,
    rule: after.key,
    category,
    attack,
    benign,
    psi: worst,
    shift: shiftOf(worst),
    threshold: { old: before.threshold, new: after.threshold },
    recall: rateChange(then.recall, now.recall),
    fpr: rateChange(then.fpr, now.fpr),
  };
  if (then.silent) row.note = 'the rule scored nothing here in the old result';
  if (now.silent) row.note = 'the rule scores nothing here in the new result';
  return row;
}

function histogramsComparable(a: ScoreHistogram, b: ScoreHistogram): boolean {
  return a.bins === b.bins && a.attack.length === a.bins && b.attack.length === b.bins;
}

function ruleRows(
  old: EvalResult,
  fresh: EvalResult,
  before: RuleResult,
  after: RuleResult,
  policy: string,
  skipped: DriftReport['skipped'],
): DriftRow[] {
  const categories = [
    OVERALL,
    ...new Set([...Object.keys(before.by_category), ...Object.keys(after.by_category)].sort()),
  ];
  const rows: DriftRow[] = [];
  for (const category of categories) {
    const then = scopeOf(old, before, category);
    const now = scopeOf(fresh, after, category);
    if ('missing' in then || 'missing' in now) {
      const reasons = [
        'missing' in then ? `old result: ${then.missing}` : '',
        'missing' in now ? `new result: ${now.missing}` : '',
      ];
      // A rule with no rows on its rail in either run has nothing to compare and nothing worth saying.
      if (category !== OVERALL || !('missing' in then && 'missing' in now))
        skipped.push({ policy, rule: after.key, category, reason: reasons.filter(Boolean).join('; ') });
      continue;
    }
    if (!histogramsComparable(then.histogram, now.histogram)) {
      skipped.push({ policy, rule: after.key, category, reason: 'the histograms have different bins' });
      continue;
    }
    if (then.silent && now.silent) continue;
    rows.push(driftRow(policy, before, after, category, [then, now]));
  }
  return rows;
}

function side(file: string, result: EvalResult): DriftSide {
  return { file, created_at: result.created_at, tool_version: result.tool?.version ?? '?', rows: result.data.rows };
}

export function drift(old: EvalResult, fresh: EvalResult, options: DriftOptions): DriftReport {
  const rows: DriftRow[] = [];
  const skipped: DriftReport['skipped'] = [];
  const policies: DriftReport['policies'] = [];
  for (const after of fresh.policies) {
    const before = matchPolicy(after, old, fresh);
    if (!before) {
      skipped.push({
        policy: after.source,
        reason: `no policy '${after.source}' (id ${after.policy.id}) in the old result`,
      });
      continue;
    }
    checkSameRules(before, after, options);
    policies.push({ old: before.source, new: after.source });
    for (const rule of after.rules) {
      const then = before.rules.find((r) => r.key === rule.key && r.scanner === rule.scanner);
      if (then) rows.push(...ruleRows(old, fresh, then, rule, after.source, skipped));
    }
  }
  if (policies.length === 0)
    fail({
      code: 'DRIFT_MISMATCH',
      message: `no policy of ${options.newFile} is in ${options.oldFile} (by name, then by policy id)`,
      fix: 'compare results of the same policy',
    });
  const counts: Record<Shift, number> = { none: 0, moderate: 0, large: 0, unknown: 0 };
  for (const row of rows) counts[row.shift]++;
  const worst = rows.reduce<Shift>((w, r) => (SHIFT_ORDER[r.shift] > SHIFT_ORDER[w] ? r.shift : w), 'unknown');
  const failOn = options.failOn ?? null;
  return {
    schema: DRIFT_SCHEMA,
    tool: { name: 'railgate', version: options.toolVersion },
    created_at: new Date().toISOString(),
    old: side(options.oldFile, old),
    new: side(options.newFile, fresh),
    method: { bins: HISTOGRAM_BINS, epsilon: PSI_EPSILON, ...SHIFT_LEVELS },
    policies,
    rows,
    skipped,
    worst,
    counts,
    fail_on: failOn,
    failed: failOn !== null && SHIFT_ORDER[worst] >= SHIFT_ORDER[failOn],
  };
}

function arrow(change: RateChange): string {
  return `${fixed(change.old)}→${fixed(change.new)} ${signed(change.delta)}`;
}

function counts(shift: ClassShift): string {
  return shift.n_old === shift.n_new ? String(shift.n_new) : `${shift.n_old}→${shift.n_new}`;
}

const SHIFT_LABEL: Record<Shift, string> = { none: 'none', moderate: 'MODERATE', large: 'LARGE', unknown: '?' };

/** The drift table: one row per policy, rule and category, the largest shifts first. */
export function driftTable(report: DriftReport): Table {
  const rows = [...report.rows]
    .sort((a, b) => SHIFT_ORDER[b.shift] - SHIFT_ORDER[a.shift] || (b.psi ?? -1) - (a.psi ?? -1))
    .map((r) => [
      SHIFT_LABEL[r.shift],
      r.policy,
      r.rule,
      r.category,
      counts(r.attack),
      counts(r.benign),
      fixed(r.attack.psi),
      fixed(r.benign.psi),
      fixed(r.attack.ks),
      fixed(r.benign.ks),
      arrow(r.recall),
      arrow(r.fpr),
      [r.threshold.old === r.threshold.new ? '' : `threshold ${r.threshold.old}→${r.threshold.new}`, r.note ?? '']
        .filter(Boolean)
        .join('; '),
    ]);
  return {
    header: [
      'shift',
      'policy',
      'rule',
      'category',
      'attacks',
      'benign',
      'PSI att',
      'PSI ben',
      'KS att',
      'KS ben',
      'recall',
      'over-refusal',
      'note',
    ],
    rows,
    align: ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  };
}

/** The terminal form of a drift report. */
export function formatDrift(report: DriftReport): string {
  const c = report.counts;
  const out = [
    `railgate eval drift: ${report.old.file} (${report.old.created_at}, ${report.old.rows} rows) → ${report.new.file} (${report.new.created_at}, ${report.new.rows} rows)`,
    `PSI over ${report.method.bins} score bins per class (empty bins at ε = ${report.method.epsilon}): ≥ ${report.method.moderate} moderate, ≥ ${report.method.large} large; KS from the binned distributions`,
    `${report.rows.length} rule/category pairs: ${c.large} large, ${c.moderate} moderate, ${c.none} no shift${c.unknown > 0 ? `, ${c.unknown} undefined (a class with no rows)` : ''}`,
    '',
    textTable(driftTable(report)),
  ];
  if (report.skipped.length > 0)
    out.push(
      '',
      'not compared:',
      ...report.skipped.map((s) => `  ${[s.policy, s.rule, s.category].filter(Boolean).join(' ')}: ${s.reason}`),
    );
  if (report.fail_on)
    out.push(
      '',
      report.failed
        ? `FAILED: a ${report.worst} shift (--fail-on ${report.fail_on})`
        : `passed: no shift at or above ${report.fail_on} (--fail-on ${report.fail_on})`,
    );
  return `${out.join('\n')}\n`;
}
