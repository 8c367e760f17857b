/**
 * How far a rule's scores can be read as probabilities: the reliability curve (rows grouped into ten equal
 * score bins; per bin the mean score against the share of attacks) and the expected calibration error,
 * ECE = Σ (nᵦ / n)·|attack rateᵦ − mean scoreᵦ|. Also the score histograms per class that a later run
 * compares against to see the distribution drift.
 */

export interface ReliabilityBin {
  /** The bin is [lower, upper); the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Null for an empty bin. */
  mean_score: number | null;
  attack_rate: number | null;
}

export interface Calibration {
  bins: ReliabilityBin[];
  /** Null when there are no rows. */
  ece: number | null;
}

export const CALIBRATION_BINS = 10;
export const HISTOGRAM_BINS = 20;

/** The bin of a score among `bins` equal bins of [0, 1]; out-of-range scores go to the end bins. */
export function binOf(score: number, bins: number): number {
  if (!(score > 0)) return 0;
  return Math.min(bins - 1, Math.floor(score * bins));
}

export function calibration(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
  bins = CALIBRATION_BINS,
): Calibration {
  const count = new Array<number>(bins).fill(0);
  const scoreSum = new Array<number>(bins).fill(0);
  const attacks = new Array<number>(bins).fill(0);
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as number;
    const score = scores[row] as number;
    const b = binOf(score, bins);
    count[b] = (count[b] as number) + 1;
    scoreSum[b] = (scoreSum[b] as number) + score;
    if (labels[row] === 1) attacks[b] = (attacks[b] as number) + 1;
  }
  let ece = 0;
  const result: ReliabilityBin[] = count.map((n, b) => {
    const bin: ReliabilityBin = {
      lower: b / bins,
      upper: (b + 1) / bins,
      count: n,
      mean_score: null,
      attack_rate: null,
    };
    if (n === 0) return bin;
    bin.mean_score = (scoreSum[b] as number) / n;
    bin.attack_rate = (attacks[b] as number) / n;
    ece += (n / rows.length) * Math.abs(bin.attack_rate - bin.mean_score);
    return bin;
  });
  return { bins: result, ece: rows.length > 0 ? ece : null };
}

export interface ScoreHistogram {
  bins: number;
  /** Counts per bin of attack rows and of benign rows. */
  attack: number[];
  benign: number[];
}

export function scoreHistogram(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
  bins = HISTOGRAM_BINS,
): ScoreHistogram {
  const attack = new Array<number>(bins).fill(0);
  const benign = new Array<number>(bins).fill(0);
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as number;
    const target = labels[row] === 1 ? attack : benign;
    const b = binOf(scores[row] as number, bins);
    target[b] = (target[b] as number) + 1;
  }
  return { bins, attack, benign };
}
