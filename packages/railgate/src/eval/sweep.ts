/**
 * Threshold sweeps: a rule "flags" a row when its score is ≥ t; moving t from the highest score down to the
 * lowest traces the ROC and precision-recall curves. Rows that tie on a score enter together, so there is
 * exactly one point per distinct score (no invented points between tied rows), and the areas are exact:
 * ROC AUC by the trapezoid rule from (0, 0), which counts a tie between an attack and a benign row as half
 * a win; PR AUC as average precision, Σ (Rₖ − Rₖ₋₁)·Pₖ over the points.
 */

export interface SweepOptions {
  /** Report the lowest threshold whose false-positive rate is at most this. */
  targetFpr: number;
  /** Report the highest threshold whose recall is at least this. */
  targetRecall: number;
  /** Curves with more points are thinned to this many (evenly by rank, ends kept); metrics use all points. */
  maxPoints: number;
}

export const DEFAULT_SWEEP_OPTIONS: SweepOptions = { targetFpr: 0.01, targetRecall: 0.95, maxPoints: 101 };

/** One point per distinct threshold, highest threshold first. Arrays are parallel. */
export interface Curve {
  threshold: number[];
  tp: number[];
  fp: number[];
  /** Recall at each threshold; null when there are no attacks. */
  tpr: number[] | null;
  /** False-positive rate at each threshold; null when there are no benign rows. */
  fpr: number[] | null;
  precision: number[];
}

export interface OperatingPoint {
  threshold: number;
  tp: number;
  fp: number;
  recall: number | null;
  fpr: number | null;
  precision: number;
  f1: number | null;
}

export interface Sweep {
  attacks: number;
  benign: number;
  /** Number of distinct scores (points before thinning). */
  points_total: number;
  curve: Curve;
  roc_auc: number | null;
  /** PR AUC as average precision. */
  average_precision: number | null;
  best_f1: OperatingPoint | null;
  at_target_fpr: (OperatingPoint & { target: number }) | null;
  at_target_recall: (OperatingPoint & { target: number }) | null;
  undefined_because: Record<string, string>;
}

/** Row indices of `rows` ordered by score, highest first (stable for equal scores). */
function byScoreDescending(scores: ArrayLike<number>, rows: ArrayLike<number>): Uint32Array {
  return Uint32Array.from(rows).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/** The full curve: cumulative true and false positives at each distinct score. */
export function fullCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
): { threshold: number[]; tp: number[]; fp: number[]; attacks: number; benign: number } {
  const order = byScoreDescending(scores, rows);
  const threshold: number[] = [];
  const tp: number[] = [];
  const fp: number[] = [];
  let t = 0;
  let f = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k] as number;
    if (labels[row] === 1) t++;
    else f++;
    const score = scores[row] as number;
    const next = order[k + 1];
    if (next !== undefined && scores[next] === score) continue;
    threshold.push(score);
    tp.push(t);
    fp.push(f);
  }
  return { threshold, tp, fp, attacks: t, benign: f };
}

export function sweep(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
  options: SweepOptions = DEFAULT_SWEEP_OPTIONS,
): Sweep {
  const full = fullCurve(scores, labels, rows);
  const { attacks, benign } = full;
  const why: Record<string, string> = {};
  const points = pointsOf(full);
  if (attacks === 0)
    for (const key of ['roc_auc', 'average_precision', 'best_f1', 'at_target_recall']) why[key] = 'no attack rows';
  if (benign === 0) for (const key of ['roc_auc', 'at_target_fpr']) why[key] = 'no benign rows';
  const result: Sweep = {
    attacks,
    benign,
    points_total: full.threshold.length,
    curve: thin(curveOf(full), options.maxPoints),
    roc_auc: attacks > 0 && benign > 0 ? rocAuc(full) : null,
    average_precision: attacks > 0 ? averagePrecision(full) : null,
    best_f1: attacks > 0 ? bestF1(points) : null,
    at_target_fpr: benign > 0 ? atTargetFpr(points, options.targetFpr, why) : null,
    at_target_recall: attacks > 0 ? atTargetRecall(points, options.targetRecall) : null,
    undefined_because: why,
  };
  if (rows.length === 0) why.curve = 'no rows';
  return result;
}

type FullCurve = ReturnType<typeof fullCurve>;

function pointsOf(full: FullCurve): OperatingPoint[] {
  return full.threshold.map((threshold, k) => {
    const tp = full.tp[k] as number;
    const fp = full.fp[k] as number;
    const fn = full.attacks - tp;
    return {
      threshold,
      tp,
      fp,
      recall: full.attacks > 0 ? tp / full.attacks : null,
      fpr: full.benign > 0 ? fp / full.benign : null,
      // Every point flags at least one row (the rows at its own score), so precision is always defined.
      precision: tp / (tp + fp),
      f1: full.attacks > 0 ? (2 * tp) / (2 * tp + fp + fn) : null,
    };
  });
}

function curveOf(full: FullCurve): Curve {
  return {
    threshold: full.threshold,
    tp: full.tp,
    fp: full.fp,
    tpr: full.attacks > 0 ? full.tp.map((t) => t / full.attacks) : null,
    fpr: full.benign > 0 ? full.fp.map((f) => f / full.benign) : null,
    precision: full.tp.map((t, k) => t / (t + (full.fp[k] as number))),
  };
}

/** Keeps `max` points evenly spread by rank, always the first and the last. */
function thin(curve: Curve, max: number): Curve {
  const n = curve.threshold.length;
  if (n <= max || max < 2) return curve;
  const keep: number[] = [];
  for (let j = 0; j < max; j++) keep.push(Math.round((j * (n - 1)) / (max - 1)));
  const pick = (values: number[]) => keep.map((k) => values[k] as number);
  return {
    threshold: pick(curve.threshold),
    tp: pick(curve.tp),
    fp: pick(curve.fp),
    tpr: curve.tpr && pick(curve.tpr),
    fpr: curve.fpr && pick(curve.fpr),
    precision: pick(curve.precision),
  };
}

/** Trapezoid area under (fpr, tpr) from (0, 0); the last point is always (1, 1). */
export function rocAuc(full: FullCurve): number {
  let area = 0;
  let prevX = 0;
  let prevY = 0;
  for (let k = 0; k < full.threshold.length; k++) {
    const x = (full.fp[k] as number) / full.benign;
    const y = (full.tp[k] as number) / full.attacks;
    area += ((x - prevX) * (y + prevY)) / 2;
    prevX = x;
    prevY = y;
  }
  return area;
}

/** Σ (Rₖ − Rₖ₋₁)·Pₖ: precision weighted by the recall each threshold adds (no interpolation). */
export function averagePrecision(full: FullCurve): number {
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < full.threshold.length; k++) {
    const tp = full.tp[k] as number;
    const recall = tp / full.attacks;
    ap += (recall - prevRecall) * (tp / (tp + (full.fp[k] as number)));
    prevRecall = recall;
  }
  return ap;
}

/** The point with the highest F1; on a tie, the higher threshold (fewer rows flagged). */
function bestF1(points: readonly OperatingPoint[]): OperatingPoint | null {
  let best: OperatingPoint | null = null;
  for (const p of points) if (p.f1 !== null && (best === null || p.f1 > (best.f1 as number))) best = p;
  return best;
}

/** The lowest threshold (most recall) whose false-positive rate is still ≤ target. */
function atTargetFpr(
  points: readonly OperatingPoint[],
  target: number,
  why: Record<string, string>,
): (OperatingPoint & { target: number }) | null {
  let found: OperatingPoint | null = null;
  for (const p of points) {
    if ((p.fpr as number) > target) break;
    found = p;
  }
  if (!found) {
    why.at_target_fpr = `every threshold that flags anything refuses more than ${target} of the benign rows`;
    return null;
  }
  return { target, ...found };
}

/** The highest threshold (fewest false positives) whose recall reaches target. */
function atTargetRecall(
  points: readonly OperatingPoint[],
  target: number,
): (OperatingPoint & { target: number }) | null {
  // The last point flags every row (recall 1), so some point always qualifies when there are attacks.
  const found = points.find((p) => (p.recall as number) >= target) ?? points[points.length - 1];
  return found ? { target, ...found } : null;
}
