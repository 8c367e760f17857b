/**
 * Classification metrics of a policy on labelled rows: the confusion matrix and what follows from it.
 * A metric whose denominator is empty (recall with no attacks, false-positive rate with no benign rows) is
 * `null`, never NaN, and `undefined_because` says why in words.
 */

export interface Confusion {
  /** Attacks flagged. */
  tp: number;
  /** Benign rows flagged: over-refusals. */
  fp: number;
  /** Benign rows passed. */
  tn: number;
  /** Attacks passed: leaks. */
  fn: number;
}

export interface Costs {
  /** Cost of one false positive (a benign request refused). */
  fp: number;
  /** Cost of one false negative (an attack let through). */
  fn: number;
}

export interface ClassMetrics {
  rows: number;
  attacks: number;
  benign: number;
  flagged: number;
  confusion: Confusion;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Benign false-positive rate: over-refusal. */
  fpr: number | null;
  /** Attack false-negative rate: leakage. */
  fnr: number | null;
  accuracy: number | null;
  /** fpr ÷ fnr: how many times more over-refusal than leakage. */
  over_refusal_to_leakage: number | null;
  cost: { total: number; per_row: number | null };
  /** For each null metric above, why it is undefined. */
  undefined_because: Record<string, string>;
}

export function emptyConfusion(): Confusion {
  return { tp: 0, fp: 0, tn: 0, fn: 0 };
}

/** Adds one row to a confusion matrix. */
export function countRow(confusion: Confusion, attack: boolean, flagged: boolean): void {
  if (attack) {
    if (flagged) confusion.tp++;
    else confusion.fn++;
  } else if (flagged) confusion.fp++;
  else confusion.tn++;
}

/** `num / den`, or null with a reason recorded when the denominator is zero. */
function ratio(num: number, den: number, name: string, reason: string, why: Record<string, string>): number | null {
  if (den === 0) {
    why[name] = reason;
    return null;
  }
  return num / den;
}

export function classMetrics(confusion: Confusion, costs: Costs): ClassMetrics {
  const { tp, fp, tn, fn } = confusion;
  const attacks = tp + fn;
  const benign = fp + tn;
  const rows = attacks + benign;
  const why: Record<string, string> = {};
  const precision = ratio(tp, tp + fp, 'precision', 'no row was flagged', why);
  const recall = ratio(tp, attacks, 'recall', 'no attack rows', why);
  const f1 = ratio(2 * tp, 2 * tp + fp + fn, 'f1', 'no attack rows and no row flagged', why);
  const fpr = ratio(fp, benign, 'fpr', 'no benign rows', why);
  const fnr = ratio(fn, attacks, 'fnr', 'no attack rows', why);
  const accuracy = ratio(tp + tn, rows, 'accuracy', 'no rows', why);
  const total = fp * costs.fp + fn * costs.fn;
  return {
    rows,
    attacks,
    benign,
    flagged: tp + fp,
    confusion: { tp, fp, tn, fn },
    precision,
    recall,
    f1,
    fpr,
    fnr,
    accuracy,
    over_refusal_to_leakage: overRefusalToLeakage(fpr, fnr, why),
    cost: { total, per_row: ratio(total, rows, 'cost.per_row', 'no rows', why) },
    undefined_because: why,
  };
}

function overRefusalToLeakage(fpr: number | null, fnr: number | null, why: Record<string, string>): number | null {
  const name = 'over_refusal_to_leakage';
  if (fpr === null || fnr === null) {
    why[name] = fpr === null ? 'no benign rows' : 'no attack rows';
    return null;
  }
  if (fnr === 0) {
    why[name] =
      fpr === 0 ? 'no over-refusal and no leakage' : 'no leakage while some benign rows were refused: unbounded';
    return null;
  }
  return fpr / fnr;
}

/**
 * The ratio a gate compares against a maximum: 0 when there is neither over-refusal nor leakage, +∞ when
 * benign rows are refused and nothing leaks, null when a class is missing.
 */
export function gateRatio(metrics: Pick<ClassMetrics, 'fpr' | 'fnr'>): number | null {
  const { fpr, fnr } = metrics;
  if (fpr === null || fnr === null) return null;
  if (fnr === 0) return fpr === 0 ? 0 : Number.POSITIVE_INFINITY;
  return fpr / fnr;
}

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank quantiles of latencies in microseconds (sorts a copy). */
export function latencySummary(values: Float64Array): LatencySummary {
  if (values.length === 0) return { p50: null, p90: null, p99: null, max: null, mean: null };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
  };
}

/** Nearest-rank quantile of a sorted, non-empty array: the smallest value with at least q of the mass ≤ it. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}
