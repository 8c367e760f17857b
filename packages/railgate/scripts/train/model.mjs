// The trainable twin of src/models/classifier.ts: the same architecture (hashed-feature embedding bag per
// window of tokens → ReLU layer → one logit per head, best window per head) in float32 with per-example
// Adagrad updates. Deterministic: seeded initialisation and feature dropout, fixed iteration order.

/** mulberry32: a small seeded PRNG, so training is reproducible byte for byte. */
export function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export class TrainModel {
  constructor({ bucketBits, dim, hidden, heads, window, seed, lrEmbedding = 0.15, lrDense = 0.03, dropout = 0.1 }) {
    this.dim = dim;
    this.hidden = hidden;
    this.heads = heads;
    this.window = window;
    this.lrEmbedding = lrEmbedding;
    this.lrDense = lrDense;
    this.dropout = dropout;
    this.rng = createRng(seed);
    const buckets = 2 ** bucketBits;
    const uniform = (n, scale) => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = (this.rng() * 2 - 1) * scale;
      return a;
    };
    this.E = uniform(buckets * dim, 0.1);
    this.W1 = uniform(hidden * dim, Math.sqrt(6 / (hidden + dim)));
    this.b1 = new Float32Array(hidden).fill(0.01);
    this.W2 = uniform(heads * hidden, Math.sqrt(6 / (heads + hidden)));
    this.b2 = new Float32Array(heads);
    // Adagrad accumulators start at 0.1, as is common, so early steps are not huge.
    this.GE = new Float32Array(buckets * dim).fill(0.1);
    this.GW1 = new Float32Array(hidden * dim).fill(0.1);
    this.Gb1 = new Float32Array(hidden).fill(0.1);
    this.GW2 = new Float32Array(heads * hidden).fill(0.1);
    this.Gb2 = new Float32Array(heads).fill(0.1);
    this.cum = new Float32Array(0);
    this.cumCount = new Float64Array(0);
    this.keep = new Uint8Array(0);
  }

  /** Windows of a token stream, as [start, end) token ranges (same rule as the classifier). */
  windows(count) {
    const { size, stride } = this.window;
    const out = [];
    if (count === 0) return [[0, 0]];
    for (let s = 0; ; s += stride) {
      const e = Math.min(s + size, count);
      out.push([s, e]);
      if (e >= count) break;
    }
    return out;
  }

  /** Prefix sums of kept features' embeddings; dropout decides per feature which are kept. */
  accumulate(stream, train) {
    const dim = this.dim;
    const count = stream.count;
    if (this.cum.length < (count + 1) * dim) this.cum = new Float32Array((count + 1) * dim * 2);
    if (this.cumCount.length < count + 1) this.cumCount = new Float64Array((count + 1) * 2);
    if (this.keep.length < stream.features.length) this.keep = new Uint8Array(stream.features.length * 2);
    const { cum, cumCount, keep, E } = this;
    cum.fill(0, 0, dim);
    cumCount[0] = 0;
    for (let t = 0; t < count; t++) {
      const from = t * dim;
      const to = from + dim;
      for (let d = 0; d < dim; d++) cum[to + d] = cum[from + d];
      let kept = cumCount[t];
      const fEnd = stream.featureStart[t + 1];
      for (let f = stream.featureStart[t]; f < fEnd; f++) {
        const k = !train || this.dropout === 0 || this.rng() >= this.dropout ? 1 : 0;
        keep[f] = k;
        if (!k) continue;
        kept++;
        const base = stream.features[f] * dim;
        for (let d = 0; d < dim; d++) cum[to + d] += E[base + d];
      }
      cumCount[t + 1] = kept;
    }
  }

  /** Forward pass of one window: fills mean, pre-activation and hidden values, returns logits. */
  forwardWindow(s, e, mean, z1, h, logits) {
    const { dim, hidden, heads, cum, cumCount, W1, b1, W2, b2 } = this;
    const n = cumCount[e] - cumCount[s];
    const inv = n > 0 ? 1 / n : 0;
    for (let d = 0; d < dim; d++) mean[d] = (cum[e * dim + d] - cum[s * dim + d]) * inv;
    for (let j = 0; j < hidden; j++) {
      let z = b1[j];
      for (let d = 0; d < dim; d++) z += W1[j * dim + d] * mean[d];
      z1[j] = z;
      h[j] = z > 0 ? z : 0;
    }
    for (let k = 0; k < heads; k++) {
      let z = b2[k];
      for (let j = 0; j < hidden; j++) z += W2[k * hidden + j] * h[j];
      logits[k] = z;
    }
    return n;
  }

  /** Best-window logits per head (inference path, no dropout). */
  predict(stream) {
    this.accumulate(stream, false);
    const { dim, hidden, heads } = this;
    const mean = new Float32Array(dim);
    const z1 = new Float32Array(hidden);
    const h = new Float32Array(hidden);
    const logits = new Float64Array(heads);
    const best = new Float64Array(heads).fill(Number.NEGATIVE_INFINITY);
    for (const [s, e] of this.windows(stream.count)) {
      this.forwardWindow(s, e, mean, z1, h, logits);
      for (let k = 0; k < heads; k++) if (logits[k] > best[k]) best[k] = logits[k];
    }
    return best;
  }

  /**
   * One Adagrad step on one example. `labels[k]` is 1, 0 or -1 (ignored); `weights[k]` the example's
   * weight for head k. Gradients flow through each head's best window only (multiple-instance learning:
   * an attack needs one window that shows it). Returns the weighted log loss.
   */
  step(stream, labels, weights) {
    this.accumulate(stream, true);
    const { dim, hidden, heads, W1, W2, E } = this;
    const windows = this.windows(stream.count);
    const means = windows.map(() => new Float32Array(dim));
    const z1s = windows.map(() => new Float32Array(hidden));
    const hs = windows.map(() => new Float32Array(hidden));
    const counts = new Float64Array(windows.length);
    const best = new Float64Array(heads).fill(Number.NEGATIVE_INFINITY);
    const bestWindow = new Int32Array(heads);
    const logits = new Float64Array(heads);
    windows.forEach(([s, e], w) => {
      counts[w] = this.forwardWindow(s, e, means[w], z1s[w], hs[w], logits);
      for (let k = 0; k < heads; k++) {
        if (logits[k] > best[k]) {
          best[k] = logits[k];
          bestWindow[k] = w;
        }
      }
    });
    let loss = 0;
    const gradLogit = windows.map(() => new Float64Array(heads));
    let any = false;
    for (let k = 0; k < heads; k++) {
      const y = labels[k];
      if (y < 0 || weights[k] === 0) continue;
      const p = sigmoid(best[k]);
      loss -= weights[k] * (y === 1 ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12)));
      gradLogit[bestWindow[k]][k] = weights[k] * (p - y);
      any = true;
    }
    if (!any) return 0;
    const dh = new Float64Array(hidden);
    const dmean = new Float64Array(dim);
    windows.forEach(([s, e], w) => {
      const g = gradLogit[w];
      let active = false;
      for (let k = 0; k < heads; k++) if (g[k] !== 0) active = true;
      if (!active) return;
      const h = hs[w];
      const mean = means[w];
      dh.fill(0);
      for (let k = 0; k < heads; k++) {
        if (g[k] === 0) continue;
        for (let j = 0; j < hidden; j++) {
          dh[j] += W2[k * hidden + j] * g[k];
          this.adagrad(this.W2, this.GW2, k * hidden + j, g[k] * h[j], this.lrDense);
        }
        this.adagrad(this.b2, this.Gb2, k, g[k], this.lrDense);
      }
      dmean.fill(0);
      for (let j = 0; j < hidden; j++) {
        if (z1s[w][j] <= 0) continue;
        const gj = dh[j];
        for (let d = 0; d < dim; d++) {
          dmean[d] += W1[j * dim + d] * gj;
          this.adagrad(W1, this.GW1, j * dim + d, gj * mean[d], this.lrDense);
        }
        this.adagrad(this.b1, this.Gb1, j, gj, this.lrDense);
      }
      const n = counts[w];
      if (n === 0) return;
      const fStart = stream.featureStart[s];
      const fEnd = stream.featureStart[e];
      for (let f = fStart; f < fEnd; f++) {
        if (!this.keep[f]) continue;
        const base = stream.features[f] * dim;
        for (let d = 0; d < dim; d++) this.adagrad(E, this.GE, base + d, dmean[d] / n, this.lrEmbedding);
      }
    });
    return loss;
  }

  adagrad(param, accum, i, g, lr) {
    accum[i] += g * g;
    param[i] -= (lr * g) / Math.sqrt(accum[i]);
  }

  /** int8 embeddings with one float scale per row (rows never touched stay exactly zero-cost small). */
  quantize() {
    const dim = this.dim;
    const rows = this.E.length / dim;
    const embeddings = new Int8Array(this.E.length);
    const rowScales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(this.E[r * dim + d]));
      const scale = max > 0 ? max / 127 : 0;
      rowScales[r] = scale;
      for (let d = 0; d < dim; d++) embeddings[r * dim + d] = scale > 0 ? Math.round(this.E[r * dim + d] / scale) : 0;
    }
    return { embeddings, rowScales, w1: this.W1, b1: this.b1, w2: this.W2, b2: this.b2 };
  }
}
