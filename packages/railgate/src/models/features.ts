/**
 * Feature extraction for the shipped classifier, shared by inference and by the training script so both
 * see exactly the same features. A text (a normalized view: lowercase skeleton) becomes a stream of tokens
 * — words, digit runs, short punctuation runs, single CJK characters — and each token contributes hashed
 * features: the token itself, the bigram with the token before it, and a prefix of long words (a cheap
 * stem: "instructions" and "instruct" share "instr"). Hashes index a fixed number of buckets, so unseen
 * words still land somewhere and the model never needs a vocabulary file.
 */
import { isLetterOrMarkCode } from '../normalize/codepoints.js';

export interface FeatureConfig {
  /** log2 of the number of hash buckets. */
  bucketBits: number;
  /** Length of the word prefix feature; words longer than this + 1 get one. 0 disables it. */
  prefixLength: number;
}

/** Tokens of a text with their features, laid out flat so a scan allocates a handful of typed arrays. */
export interface TokenStream {
  /** Number of tokens. */
  count: number;
  /** Start and end offsets of each token in the text it came from. */
  starts: Uint32Array;
  ends: Uint32Array;
  /** Feature bucket ids of all tokens, token after token. */
  features: Uint32Array;
  /** Token t owns features[featureStart[t] .. featureStart[t + 1]). Length count + 1. */
  featureStart: Uint32Array;
}

/** Most features a token can have (unigram, bigram, prefix). */
const MAX_FEATURES_PER_TOKEN = 3;
/** Longest punctuation token; longer runs are split ("#####" → "###", "##"). */
const MAX_SYMBOL_RUN = 3;

// Kept as int32 (same bits as 0x811c9dc5): V8 then keeps the running hash in an integer register.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const SEED_UNIGRAM = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_PREFIX = 0xc2b2ae35;

function mix(hash: number, seed: number, bits: number): number {
  // Fold the 32-bit FNV hash through a multiplicative step so the top `bits` bits are well spread.
  return Math.imul((hash ^ seed) >>> 0, 0x2c1b3c6d) >>> (32 - bits);
}

enum Kind {
  Space = 0,
  Word = 1,
  Digit = 2,
  Symbol = 3,
  Cjk = 4,
}

/** ASCII character classes for the tokenizer. */
const ASCII_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) ASCII_KIND[c] = Kind.Word;
  else if (c >= 0x30 && c <= 0x39) ASCII_KIND[c] = Kind.Digit;
  else if (c <= 0x20 || c === 0x7f) ASCII_KIND[c] = Kind.Space;
  else ASCII_KIND[c] = Kind.Symbol;
}

/** Scripts written without spaces: each character is a token (and bigrams give their words). */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x3400 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x2fa1f) ||
    (cp >= 0x0e00 && cp <= 0x0e7f)
  );
}

function kindOf(cp: number): Kind {
  if (cp < 128) return ASCII_KIND[cp] as Kind;
  if (isCjk(cp)) return Kind.Cjk;
  if (isLetterOrMarkCode(cp)) return Kind.Word;
  if (cp === 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x3000 || cp === 0x2028 || cp === 0x2029)
    return Kind.Space;
  return Kind.Symbol;
}

/** Reusable buffers: a scan of a long text grows them once, later scans reuse them. */
export class FeatureBuffer {
  starts = new Uint32Array(256);
  ends = new Uint32Array(256);
  features = new Uint32Array(256 * MAX_FEATURES_PER_TOKEN);
  featureStart = new Uint32Array(257);

  ensure(tokens: number): void {
    if (tokens <= this.starts.length) return;
    let size = this.starts.length;
    while (size < tokens) size *= 2;
    this.starts = new Uint32Array(size);
    this.ends = new Uint32Array(size);
    this.features = new Uint32Array(size * MAX_FEATURES_PER_TOKEN);
    this.featureStart = new Uint32Array(size + 1);
  }
}

/**
 * Tokenizes `text` and hashes its features. Returns views into `buffer` (valid until its next use).
 * Digits are hashed as '0' so numbers of one length share a feature.
 */
export function extractFeatures(
  text: string,
  config: FeatureConfig,
  buffer: FeatureBuffer = new FeatureBuffer(),
): TokenStream {
  // A token is at least one code unit, so the text length bounds the token count.
  buffer.ensure(text.length + 1);
  const { starts, ends, features, featureStart } = buffer;
  const bits = config.bucketBits;
  const prefixLength = config.prefixLength;
  let count = 0;
  let f = 0;
  let previous = 0;
  let hasPrevious = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    // ASCII is read through a table; other code units go through the cached Unicode classes.
    const cp = c0 < 0xd800 || c0 > 0xdbff ? c0 : (text.codePointAt(i) ?? c0);
    const width = cp > 0xffff ? 2 : 1;
    const kind = c0 < 128 ? (ASCII_KIND[c0] as Kind) : kindOf(cp);
    if (kind === Kind.Space) {
      i += width;
      continue;
    }
    const start = i;
    let hash = FNV_OFFSET;
    let prefixHash = 0;
    let length = 0;
    if (kind === Kind.Cjk) {
      hash = Math.imul(hash ^ cp, FNV_PRIME);
      length = 1;
      i += width;
    } else if (kind === Kind.Symbol) {
      while (i < n && length < MAX_SYMBOL_RUN) {
        const c = text.charCodeAt(i);
        const k = c < 128 ? (ASCII_KIND[c] as Kind) : kindOf(text.codePointAt(i) ?? c);
        if (k !== Kind.Symbol) break;
        const unit = c < 0xd800 || c > 0xdbff ? c : (text.codePointAt(i) ?? c);
        hash = Math.imul(hash ^ unit, FNV_PRIME);
        length++;
        i += unit > 0xffff ? 2 : 1;
      }
    } else {
      // Letters and digits form one word (so "gpt4", "h264" stay whole).
      while (i < n) {
        const c = text.charCodeAt(i);
        let unit: number;
        if (c < 128) {
          // ASCII fast path: one table read, one code unit.
          const k = ASCII_KIND[c] as Kind;
          if (k === Kind.Word) unit = c;
          else if (k === Kind.Digit) unit = 0x30;
          else break;
          i++;
        } else {
          const wide = c < 0xd800 || c > 0xdbff ? c : (text.codePointAt(i) ?? c);
          if (kindOf(wide) !== Kind.Word) break;
          unit = wide;
          i += wide > 0xffff ? 2 : 1;
        }
        hash = Math.imul(hash ^ unit, FNV_PRIME);
        if (++length === prefixLength) prefixHash = hash;
      }
    }
    starts[count] = start;
    ends[count] = i;
    featureStart[count] = f;
    features[f++] = mix(hash, SEED_UNIGRAM, bits);
    if (hasPrevious) features[f++] = mix(Math.imul(previous ^ hash, FNV_PRIME), SEED_BIGRAM, bits);
    if (prefixLength > 0 && length > prefixLength + 1) features[f++] = mix(prefixHash, SEED_PREFIX, bits);
    previous = hash;
    hasPrevious = true;
    count++;
  }
  featureStart[count] = f;
  return {
    count,
    starts: starts.subarray(0, count),
    ends: ends.subarray(0, count),
    features: features.subarray(0, f),
    featureStart: featureStart.subarray(0, count + 1),
  };
}
