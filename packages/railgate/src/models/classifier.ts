/**
 * The shipped classifier: pure TypeScript inference, no native code, no network. A text's hashed features
 * (see features.ts) index an int8 embedding table; the embeddings of each window of tokens are averaged,
 * passed through one ReLU layer and scored by one logistic output per head. A head's score for the text is
 * its best window, so an instruction hidden in the middle of a long document is not averaged away, and
 * the window tells where it is. Raw logits are calibrated per head (Platt scaling fitted on the dev split).
 *
 * File format (little endian): "RGMODEL1", u32 header length, JSON header, zero padding to 4 bytes, then
 * int8 embeddings [buckets × dim], f32 row scales [buckets], f32 W1 [hidden × dim], f32 b1 [hidden],
 * f32 W2 [heads × hidden], f32 b2 [heads].
 */
import { readFileSync } from 'node:fs';
import { extractFeatures, FeatureBuffer, type FeatureConfig, type TokenStream } from './features.js';

export const MODEL_MAGIC = 'RGMODEL1';

export interface ModelHeader {
  format: 'railgate-classifier/1';
  name: string;
  /** Content hash of the training data and settings, so two files can be compared without a date. */
  version: string;
  features: FeatureConfig;
  dim: number;
  hidden: number;
  heads: string[];
  window: { size: number; stride: number };
  /** Platt scaling per head: probability = sigmoid(a × logit + b). */
  calibration: Record<string, { a: number; b: number }>;
  /** Thresholds suggested by the dev sweep (low over-refusal), per head. */
  thresholds: Record<string, number>;
  /** Free-form training facts for model cards (data, seeds, metrics). */
  training: Record<string, unknown>;
}

export interface ModelWeights {
  embeddings: Int8Array;
  rowScales: Float32Array;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** One head's best window in a text. */
export interface HeadScore {
  /** Calibrated probability. */
  score: number;
  logit: number;
  /** Offsets in the scored text of the best window's first and last token. */
  start: number;
  end: number;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export function encodeModel(header: ModelHeader, weights: ModelWeights): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = align4(12 + json.length);
  const parts: Buffer[] = [
    Buffer.from(MODEL_MAGIC, 'ascii'),
    Buffer.alloc(4),
    json,
    Buffer.alloc(headerEnd - 12 - json.length),
  ];
  parts[1]?.writeUInt32LE(json.length, 0);
  const embeddings = Buffer.from(
    weights.embeddings.buffer,
    weights.embeddings.byteOffset,
    weights.embeddings.byteLength,
  );
  parts.push(embeddings, Buffer.alloc(align4(embeddings.length) - embeddings.length));
  for (const array of [weights.rowScales, weights.w1, weights.b1, weights.w2, weights.b2]) {
    parts.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  }
  return Buffer.concat(parts);
}

export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

export function decodeModel(bytes: Uint8Array, source = 'model'): { header: ModelHeader; weights: ModelWeights } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('ascii');
  if (magic !== MODEL_MAGIC)
    throw new ModelFormatError(`${source}: not a Railgate model file (magic ${JSON.stringify(magic)})`);
  const jsonLength = view.getUint32(8, true);
  const header = JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + 12, jsonLength).toString('utf8'),
  ) as ModelHeader;
  if (header.format !== 'railgate-classifier/1')
    throw new ModelFormatError(`${source}: unsupported format ${header.format}`);
  const buckets = 2 ** header.features.bucketBits;
  let offset = align4(12 + jsonLength);
  // Copies keep every typed array aligned whatever the Buffer's own offset in Node's pool.
  const take = <T extends Int8Array | Float32Array>(
    make: (buffer: ArrayBuffer) => T,
    bytesPer: number,
    count: number,
  ): T => {
    const length = count * bytesPer;
    if (offset + length > bytes.byteLength) throw new ModelFormatError(`${source}: truncated file`);
    const copy = new Uint8Array(length);
    copy.set(bytes.subarray(offset, offset + length));
    offset = align4(offset + length);
    return make(copy.buffer);
  };
  const weights: ModelWeights = {
    embeddings: take((b) => new Int8Array(b), 1, buckets * header.dim),
    rowScales: take((b) => new Float32Array(b), 4, buckets),
    w1: take((b) => new Float32Array(b), 4, header.hidden * header.dim),
    b1: take((b) => new Float32Array(b), 4, header.hidden),
    w2: take((b) => new Float32Array(b), 4, header.heads.length * header.hidden),
    b2: take((b) => new Float32Array(b), 4, header.heads.length),
  };
  return { header, weights };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class Classifier {
  readonly heads: readonly string[];
  private readonly headIndex: Map<string, number>;
  private readonly buffer = new FeatureBuffer();
  /** Per-block embedding sums (reused across calls) and feature counts. */
  private cum = new Float32Array(0);
  private blockCounts = new Float64Array(0);
  private blocks = 0;
  /** Per-block projection of the block sums through the first layer (W1 · sum), blocks × hidden. */
  private proj = new Float64Array(0);
  private readonly hiddenValues: Float32Array;
  /** Indexes of the main heads, and of each sub-head with its parent's index. */
  private readonly mainHeads: number[];
  private readonly subHeads: [number, number][];
  /** Hidden values of each main head's best window so far (reused across calls). */
  private readonly bestHidden: Float32Array[];

  constructor(
    readonly header: ModelHeader,
    /** The dequantization inputs, read-only: for tests and tools that check inference against a reference. */
    readonly weights: ModelWeights,
  ) {
    this.heads = header.heads;
    this.headIndex = new Map(header.heads.map((h, i) => [h, i]));
    this.hiddenValues = new Float32Array(header.hidden);
    this.mainHeads = [];
    this.subHeads = [];
    this.bestHidden = [];
    header.heads.forEach((head, k) => {
      const parent = head.includes('.') ? this.headIndex.get(head.slice(0, head.indexOf('.'))) : undefined;
      if (parent === undefined) {
        this.mainHeads.push(k);
        this.bestHidden.push(new Float32Array(header.hidden));
      } else this.subHeads.push([k, parent]);
    });
  }

  static fromFile(path: string): Classifier {
    const { header, weights } = decodeModel(readFileSync(path), path);
    return new Classifier(header, weights);
  }

  hasHead(head: string): boolean {
    return this.headIndex.has(head);
  }

  tokens(text: string): TokenStream {
    return extractFeatures(text, this.header.features, this.buffer);
  }

  /**
   * Scores every head on one text: for each head, the best window's calibrated probability and the text
   * offsets the window covers (windows of `size` tokens every `stride`, as in training). Linear in the
   * text length. Main heads (no dot in their name) are scored
   * on every window; a sub-head (`harmful.weapons`) only on its parent's best window, because it answers
   * "what kind of harm is this" about the passage the parent flagged.
   */
  score(text: string): HeadScore[] {
    const stream = this.tokens(text);
    const best: HeadScore[] = this.heads.map(() => ({
      score: 0,
      logit: Number.NEGATIVE_INFINITY,
      start: 0,
      end: 0,
    }));
    const hidden = this.hiddenValues;
    const bestHidden = this.bestHidden;
    if (stream.count === 0) {
      this.windowHidden(0, 0);
      this.mainHeads.forEach((k, m) => {
        (best[k] as HeadScore).logit = this.logit(k);
        bestHidden[m]?.set(hidden);
      });
    } else {
      this.accumulateBlocks(stream);
      const { size, stride } = this.header.window;
      const span = size / stride;
      for (let s = 0, block = 0; ; s += stride, block++) {
        const e = Math.min(s + size, stream.count);
        this.windowHidden(block, Math.min(block + span, this.blocks));
        for (let m = 0; m < this.mainHeads.length; m++) {
          const k = this.mainHeads[m] as number;
          const current = best[k] as HeadScore;
          const logit = this.logit(k);
          if (logit <= current.logit) continue;
          current.logit = logit;
          current.start = stream.starts[s] ?? 0;
          current.end = stream.ends[e - 1] ?? 0;
          bestHidden[m]?.set(hidden);
        }
        if (e >= stream.count) break;
      }
    }
    for (const [k, parent] of this.subHeads) {
      const m = this.mainHeads.indexOf(parent);
      const from = best[parent] as HeadScore;
      hidden.set(bestHidden[m] as Float32Array);
      best[k] = { score: 0, logit: this.logit(k), start: from.start, end: from.end };
    }
    best.forEach((current, k) => {
      current.score = this.calibrate(k, current.logit);
    });
    return best;
  }

  private calibrate(k: number, logit: number): number {
    const c = this.header.calibration[this.heads[k] as string] ?? { a: 1, b: 0 };
    return sigmoid(c.a * logit + c.b);
  }

  /**
   * Sums of the (dequantized) embeddings of the features of each block of `stride` tokens, and their
   * counts. A window is `size / stride` consecutive blocks, so each feature is added once whatever the
   * overlap of the windows.
   */
  private accumulateBlocks(stream: TokenStream): void {
    const dim = this.header.dim;
    const stride = this.header.window.stride;
    this.blocks = Math.ceil(stream.count / stride);
    const need = this.blocks * dim;
    if (this.cum.length < need) this.cum = new Float32Array(Math.max(need, this.cum.length * 2));
    if (this.blockCounts.length < this.blocks)
      this.blockCounts = new Float64Array(Math.max(this.blocks, this.blockCounts.length * 2));
    for (let b = 0; b < this.blocks; b++) {
      const from = stream.featureStart[b * stride] as number;
      const to = stream.featureStart[Math.min((b + 1) * stride, stream.count)] as number;
      this.blockCounts[b] = to - from;
      if (dim === 16) sumRows16(this.weights, stream.features, from, to, this.cum, b * dim);
      else sumRows(this.weights, dim, stream.features, from, to, this.cum, b * dim);
    }
    this.projectBlocks();
  }

  /** this.proj[b] = W1 · (block b's embedding sum), for every block. */
  private projectBlocks(): void {
    const { w1 } = this.weights;
    const dim = this.header.dim;
    const hidden = this.hiddenValues.length;
    const need = this.blocks * hidden;
    if (this.proj.length < need) this.proj = new Float64Array(Math.max(need, this.proj.length * 2));
    for (let b = 0; b < this.blocks; b++) {
      if (dim === 16) {
        project16(w1, this.cum, b * 16, this.proj, b * hidden, hidden);
        continue;
      }
      for (let h = 0; h < hidden; h++) {
        let z = 0;
        for (let d = 0; d < dim; d++) z += (w1[h * dim + d] as number) * (this.cum[b * dim + d] as number);
        this.proj[b * hidden + h] = z;
      }
    }
  }

  /**
   * Hidden layer (ReLU) of the window made of blocks [fromBlock, toBlock) into this.hiddenValues. The first
   * layer is linear, so W1 · mean = (Σ W1 · block sum) / features: each block is projected once (in
   * accumulateBlocks) and a window only adds its blocks' projections. An empty range is the empty text.
   */
  private windowHidden(fromBlock: number, toBlock: number): void {
    const { b1 } = this.weights;
    const hidden = this.hiddenValues.length;
    let features = 0;
    for (let b = fromBlock; b < toBlock; b++) features += this.blockCounts[b] as number;
    const inv = features > 0 ? 1 / features : 0;
    for (let h = 0; h < hidden; h++) {
      let z = 0;
      for (let b = fromBlock; b < toBlock; b++) z += this.proj[b * hidden + h] as number;
      z = z * inv + (b1[h] as number);
      this.hiddenValues[h] = z > 0 ? z : 0;
    }
  }

  /** Logit of head k from the current hidden values. */
  private logit(k: number): number {
    const { w2, b2 } = this.weights;
    const hidden = this.hiddenValues.length;
    let logit = b2[k] as number;
    for (let h = 0; h < hidden; h++) logit += (w2[k * hidden + h] as number) * (this.hiddenValues[h] as number);
    return logit;
  }
}

/** Sum of the dequantized embedding rows of features[from..to) into out[at..at + dim). */
function sumRows(
  weights: ModelWeights,
  dim: number,
  features: Uint32Array,
  from: number,
  to: number,
  out: Float32Array,
  at: number,
): void {
  const { embeddings, rowScales } = weights;
  out.fill(0, at, at + dim);
  for (let f = from; f < to; f++) {
    const row = features[f] as number;
    const scale = rowScales[row] as number;
    if (scale === 0) continue;
    const offset = row * dim;
    for (let d = 0; d < dim; d++) out[at + d] = (out[at + d] as number) + (embeddings[offset + d] as number) * scale;
  }
}

/**
 * sumRows for the shipped width (16), unrolled into locals: V8 keeps the sixteen sums in registers, which
 * makes this loop — the bulk of a prompt's scoring time — about twice as fast as the generic one.
 */
function sumRows16(
  weights: ModelWeights,
  features: Uint32Array,
  from: number,
  to: number,
  out: Float32Array,
  at: number,
): void {
  const e = weights.embeddings;
  const scales = weights.rowScales;
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0,
    a4 = 0,
    a5 = 0,
    a6 = 0,
    a7 = 0;
  let a8 = 0,
    a9 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a14 = 0,
    a15 = 0;
  for (let f = from; f < to; f++) {
    const row = features[f] as number;
    const c = scales[row] as number;
    const o = row << 4;
    a0 += (e[o] as number) * c;
    a1 += (e[o + 1] as number) * c;
    a2 += (e[o + 2] as number) * c;
    a3 += (e[o + 3] as number) * c;
    a4 += (e[o + 4] as number) * c;
    a5 += (e[o + 5] as number) * c;
    a6 += (e[o + 6] as number) * c;
    a7 += (e[o + 7] as number) * c;
    a8 += (e[o + 8] as number) * c;
    a9 += (e[o + 9] as number) * c;
    a10 += (e[o + 10] as number) * c;
    a11 += (e[o + 11] as number) * c;
    a12 += (e[o + 12] as number) * c;
    a13 += (e[o + 13] as number) * c;
    a14 += (e[o + 14] as number) * c;
    a15 += (e[o + 15] as number) * c;
  }
  out[at] = a0;
  out[at + 1] = a1;
  out[at + 2] = a2;
  out[at + 3] = a3;
  out[at + 4] = a4;
  out[at + 5] = a5;
  out[at + 6] = a6;
  out[at + 7] = a7;
  out[at + 8] = a8;
  out[at + 9] = a9;
  out[at + 10] = a10;
  out[at + 11] = a11;
  out[at + 12] = a12;
  out[at + 13] = a13;
  out[at + 14] = a14;
  out[at + 15] = a15;
}

/** W1 · v for width 16 with v held in locals (see sumRows16): out[at + h] for h < hidden. */
function project16(
  w1: Float32Array,
  v: Float32Array,
  from: number,
  out: Float64Array,
  at: number,
  hidden: number,
): void {
  const m0 = v[from] as number,
    m1 = v[from + 1] as number,
    m2 = v[from + 2] as number,
    m3 = v[from + 3] as number;
  const m4 = v[from + 4] as number,
    m5 = v[from + 5] as number,
    m6 = v[from + 6] as number,
    m7 = v[from + 7] as number;
  const m8 = v[from + 8] as number,
    m9 = v[from + 9] as number,
    m10 = v[from + 10] as number;
  const m11 = v[from + 11] as number,
    m12 = v[from + 12] as number,
    m13 = v[from + 13] as number;
  const m14 = v[from + 14] as number,
    m15 = v[from + 15] as number;
  for (let h = 0; h < hidden; h++) {
    const o = h << 4;
    out[at + h] =
      (w1[o] as number) * m0 +
      (w1[o + 1] as number) * m1 +
      (w1[o + 2] as number) * m2 +
      (w1[o + 3] as number) * m3 +
      (w1[o + 4] as number) * m4 +
      (w1[o + 5] as number) * m5 +
      (w1[o + 6] as number) * m6 +
      (w1[o + 7] as number) * m7 +
      (w1[o + 8] as number) * m8 +
      (w1[o + 9] as number) * m9 +
      (w1[o + 10] as number) * m10 +
      (w1[o + 11] as number) * m11 +
      (w1[o + 12] as number) * m12 +
      (w1[o + 13] as number) * m13 +
      (w1[o + 14] as number) * m14 +
      (w1[o + 15] as number) * m15;
  }
}
