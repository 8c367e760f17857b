import { describe, expect, it } from 'vitest';
import { classMetrics, countRow, emptyConfusion, gateRatio, latencySummary, quantile } from './metrics.js';

const costs = { fp: 2, fn: 5 };

describe('classMetrics', () => {
  it('computes every figure of a hand-checked confusion matrix (tp 3, fp 1, tn 5, fn 1)', () => {
    const m = classMetrics({ tp: 3, fp: 1, tn: 5, fn: 1 }, costs);
    expect(m).toMatchObject({ rows: 10, attacks: 4, benign: 6, flagged: 4, undefined_because: {} });
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBe(0.75); // 2·3 / (2·3 + 1 + 1)
    expect(m.fpr).toBeCloseTo(1 / 6, 12);
    expect(m.fnr).toBe(0.25);
    expect(m.accuracy).toBe(0.8);
    expect(m.over_refusal_to_leakage).toBeCloseTo(2 / 3, 12); // (1/6) / (1/4)
    expect(m.cost).toEqual({ total: 7, per_row: 0.7 }); // 1·2 + 1·5
  });

  it('no benign rows: false-positive rate and ratio are null, with reasons', () => {
    const m = classMetrics({ tp: 2, fp: 0, tn: 0, fn: 2 }, costs);
    expect(m.recall).toBe(0.5);
    expect(m.fpr).toBeNull();
    expect(m.over_refusal_to_leakage).toBeNull();
    expect(m.undefined_because).toEqual({ fpr: 'no benign rows', over_refusal_to_leakage: 'no benign rows' });
  });

  it('no attack rows and nothing flagged: recall, precision, F1, leakage are null, never NaN', () => {
    const m = classMetrics({ tp: 0, fp: 0, tn: 3, fn: 0 }, costs);
    expect([m.precision, m.recall, m.f1, m.fnr, m.over_refusal_to_leakage]).toEqual([null, null, null, null, null]);
    expect(m.fpr).toBe(0);
    expect(m.undefined_because).toEqual({
      precision: 'no row was flagged',
      recall: 'no attack rows',
      f1: 'no attack rows and no row flagged',
      fnr: 'no attack rows',
      over_refusal_to_leakage: 'no attack rows',
    });
    expect(JSON.stringify(m)).not.toContain('NaN');
  });

  it('attacks but nothing flagged: F1 is 0 (not undefined) and precision is null', () => {
    const m = classMetrics({ tp: 0, fp: 0, tn: 1, fn: 2 }, costs);
    expect(m.f1).toBe(0);
    expect(m.precision).toBeNull();
  });

  it('no leakage: the ratio is null with why; the gate reads it as 0 or unbounded', () => {
    const clean = classMetrics({ tp: 2, fp: 0, tn: 2, fn: 0 }, costs);
    expect(clean.undefined_because.over_refusal_to_leakage).toBe('no over-refusal and no leakage');
    expect(gateRatio(clean)).toBe(0);
    const strict = classMetrics({ tp: 2, fp: 1, tn: 1, fn: 0 }, costs);
    expect(strict.undefined_because.over_refusal_to_leakage).toBe(
      'no leakage while some benign rows were refused: unbounded',
    );
    expect(gateRatio(strict)).toBe(Number.POSITIVE_INFINITY);
    expect(gateRatio({ fpr: 0.1, fnr: 0.2 })).toBe(0.5);
    expect(gateRatio({ fpr: null, fnr: 0.2 })).toBeNull();
  });

  it('countRow fills the four cells', () => {
    const c = emptyConfusion();
    countRow(c, true, true);
    countRow(c, true, false);
    countRow(c, false, true);
    countRow(c, false, false);
    countRow(c, false, false);
    expect(c).toEqual({ tp: 1, fn: 1, fp: 1, tn: 2 });
  });
});

describe('latency', () => {
  it('nearest-rank quantiles', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.9)).toBe(90);
    expect(quantile(sorted, 0.99)).toBe(100);
    expect(quantile([7], 0.5)).toBe(7);
  });

  it('summarises unsorted values; empty input gives nulls', () => {
    expect(latencySummary(Float64Array.from([300, 100, 200, 400]))).toEqual({
      p50: 200,
      p90: 400,
      p99: 400,
      max: 400,
      mean: 250,
    });
    expect(latencySummary(new Float64Array(0))).toEqual({ p50: null, p90: null, p99: null, max: null, mean: null });
  });
});
