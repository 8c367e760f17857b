import { describe, expect, it } from 'vitest';
import { planWindows, windowCount } from './windows.js';

describe('planWindows', () => {
  it('no tokens, no window; a short text is one window of its own length', () => {
    expect(planWindows(0, 10, 2, 'window')).toEqual([]);
    expect(planWindows(7, 10, 2, 'window')).toEqual([[0, 7]]);
    expect(planWindows(10, 10, 2, 'window')).toEqual([[0, 10]]);
  });

  it('overlapping windows of equal size, the last one aligned to the end', () => {
    // Stride 10 - 4 = 6: windows at 0, 6, 12, then the end-aligned one.
    expect(planWindows(25, 10, 4, 'window')).toEqual([
      [0, 10],
      [6, 16],
      [12, 22],
      [15, 25],
    ]);
    expect(planWindows(22, 10, 4, 'window')).toEqual([
      [0, 10],
      [6, 16],
      [12, 22],
    ]);
  });

  it('head truncation keeps only the first window', () => {
    expect(planWindows(25, 10, 4, 'head')).toEqual([[0, 10]]);
    expect(planWindows(3, 10, 4, 'head')).toEqual([[0, 3]]);
  });

  it('every token is inside a window, and windowCount agrees with planWindows', () => {
    for (const size of [8, 10, 17]) {
      for (const overlap of [0, 1, 3]) {
        for (let tokens = 0; tokens <= 60; tokens++) {
          const windows = planWindows(tokens, size, overlap, 'window');
          expect(windowCount(tokens, size, overlap, 'window')).toBe(windows.length);
          let covered = 0;
          for (const [from, to] of windows) {
            expect(from).toBeLessThanOrEqual(covered);
            expect(to - from).toBe(Math.min(size, tokens));
            covered = Math.max(covered, to);
          }
          expect(covered).toBe(tokens);
        }
      }
    }
  });
});
