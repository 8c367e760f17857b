// Calibration and evaluation helpers for the training script.

const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Log loss of sigmoid(a·z + b) against smoothed targets, computed without overflow. */
function plattLoss(logits, targets, a, b) {
  let loss = 0;
  for (let i = 0; i < logits.length; i++) {
    const x = a * logits[i] + b;
    // log(1 + e^x) − t·x, stable for large |x|.
    const softplus = x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    loss += softplus - targets[i] * x;
  }
  return loss / logits.length;
}

/**
 * Platt scaling: the (a, b) minimising log loss of sigmoid(a·logit + b) against 0/1 labels, by Newton's
 * method on the two parameters (with the usual target smoothing against overconfidence). Each step is
 * halved until the loss goes down: a plain Newton step diverges when a head separates its data almost
 * perfectly, which is common for the small sub-category heads.
 */
export function fitPlatt(logits, labels) {
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return { a: 1, b: 0 };
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const t = labels.map((y) => (y === 1 ? hi : lo));
  let a = 1;
  let b = 0;
  let loss = plattLoss(logits, t, a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    for (let i = 0; i < logits.length; i++) {
      const p = sigmoid(a * logits[i] + b);
      const d = p - t[i];
      const w = p * (1 - p);
      ga += d * logits[i];
      gb += d;
      haa += w * logits[i] * logits[i];
      hab += w * logits[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = plattLoss(logits, t, a - da, b - db);
    while (!(next < loss) && step > 1e-6) {
      step /= 2;
      next = plattLoss(logits, t, a - step * da, b - step * db);
    }
    if (!(next < loss)) break;
    a -= step * da;
    b -= step * db;
    const improvement = loss - next;
    loss = next;
    if (improvement < 1e-10) break;
  }
  return { a: Math.round(a * 1e6) / 1e6, b: Math.round(b * 1e6) / 1e6 };
}

/** Area under the ROC curve (ties counted half). */
export function auc(scores, labels) {
  const pairs = scores.map((s, i) => [s, labels[i]]).sort((x, y) => x[0] - y[0]);
  let rankSum = 0;
  let positives = 0;
  let i = 0;
  while (i < pairs.length) {
    let j = i;
    while (j < pairs.length && pairs[j][0] === pairs[i][0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++)
      if (pairs[k][1] === 1) {
        rankSum += rank;
        positives++;
      }
    i = j;
  }
  const negatives = pairs.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Smallest threshold (rounded up to 0.01) whose false-positive rate on `negatives` is at most `maxFpr`. */
export function thresholdAtFpr(negativeScores, maxFpr) {
  if (negativeScores.length === 0) return 0.5;
  const sorted = [...negativeScores].sort((a, b) => b - a);
  const allowed = Math.floor(maxFpr * sorted.length);
  const boundary = sorted[allowed] ?? 0;
  return Math.min(0.99, Math.ceil((boundary + 1e-9) * 100) / 100);
}

export function rates(scores, labels, threshold) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  scores.forEach((s, i) => {
    const hit = s >= threshold;
    if (labels[i] === 1) hit ? tp++ : fn++;
    else hit ? fp++ : tn++;
  });
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return {
    tp,
    fp,
    fn,
    tn,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall || 1),
    fpr: fp / (fp + tn || 1),
  };
}

export { sigmoid };
