/**
 * A small seeded pseudo-random generator for the red-team transforms. Augmented training data and
 * benchmark variants must be reproducible byte for byte, so no transform ever calls Math.random: each one
 * draws from an Rng built from a seed.
 *
 * The generator is mulberry32 (a 32-bit state, one add and a few multiply-xorshift rounds per draw): fast,
 * tiny, good enough statistically for choosing templates and positions, and not cryptographic.
 */

export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n); `n` must be a positive integer. */
  int(n: number): number;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** True with the given probability (0 never, 1 always). */
  chance(probability: number): boolean;
}

/** A seed: a finite number or any string. `7` and `'7'` are the same seed. */
export type Seed = number | string;

/**
 * A generator for `seed`. The seed is hashed (FNV-1a, then a 32-bit finaliser), so neighbouring seeds
 * such as 1 and 2 start from unrelated states.
 */
export function createRng(seed: Seed): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`createRng: the seed must be a finite number or a string, got ${seed}`);
  }
  let state = hashSeed(String(seed));
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('Rng.pick: the list is empty');
      return items[int(items.length)] as T;
    },
    chance(probability: number): boolean {
      return next() < probability;
    },
  };
}

/** FNV-1a over the UTF-16 code units, then the murmur3 finaliser to spread the low bits. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
