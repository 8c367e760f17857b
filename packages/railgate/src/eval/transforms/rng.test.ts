import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

const draws = (seed: number | string, n = 5): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('replays the same sequence for the same seed', () => {
    expect(draws(7)).toEqual(draws(7));
    expect(draws('augment/train/42')).toEqual(draws('augment/train/42'));
  });

  it('gives neighbouring seeds unrelated sequences', () => {
    const first = draws(1);
    const second = draws(2);
    expect(first.every((value, i) => value !== second[i])).toBe(true);
  });

  it('treats a number and its decimal string as the same seed', () => {
    expect(draws(7)).toEqual(draws('7'));
  });

  it('draws floats in [0, 1) with a plausible mean', () => {
    const values = draws(123, 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });

  it('int(n) covers 0..n-1 and nothing else', () => {
    const rng = createRng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('pick, chance(0) and chance(1) behave at their edges', () => {
    const rng = createRng(9);
    expect(rng.pick(['only'])).toBe('only');
    expect(Array.from({ length: 50 }, () => rng.chance(0)).includes(true)).toBe(false);
    expect(Array.from({ length: 50 }, () => rng.chance(1)).includes(false)).toBe(false);
  });

  it('rejects a non-finite seed, an empty pick and a bad int bound with a clear message', () => {
    expect(() => createRng(Number.NaN)).toThrow('createRng: the seed must be a finite number or a string, got NaN');
    expect(() => createRng(1).pick([])).toThrow('Rng.pick: the list is empty');
    expect(() => createRng(1).int(0)).toThrow('Rng.int: n must be a positive integer, got 0');
    expect(() => createRng(1).int(2.5)).toThrow('Rng.int: n must be a positive integer, got 2.5');
  });
});
