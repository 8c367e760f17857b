import { describe, expect, it } from 'vitest';
import { calibration, scoreHistogram } from './calibration.js';
import { fullCurve, sweep } from './sweep.js';

const all = (n: number) => Array.from({ length: n }, (_, i) => i);
const options = { targetFpr: 0.01, targetRecall: 0.95, maxPoints: 101 };

describe('sweep with ties', () => {
  // Scores [0.9, 0.9, 0.1], labels [attack, benign, benign]: the tied pair enters together.
  const scores = [0.9, 0.9, 0.1];
  const labels = [1, 0, 0];

  it('one point per distinct score, no point between tied rows', () => {
    const s = sweep(scores, labels, all(3), options);
    expect(s.points_total).toBe(2);
    expect(s.curve).toEqual({
      threshold: [0.9, 0.1],
      tp: [1, 1],
      fp: [1, 2],
      tpr: [1, 1],
      fpr: [0.5, 1],
      precision: [0.5, 1 / 3],
    });
  });

  it('ROC AUC counts the tie as half a win: (0.5 + 1) / 2 = 0.75; AP = 1 · 0.5', () => {
    const s = sweep(scores, labels, all(3), options);
    expect(s.roc_auc).toBe(0.75);
    expect(s.average_precision).toBe(0.5);
  });

  it('no threshold keeps FPR ≤ 1%: null, and the report says why', () => {
    const s = sweep(scores, labels, all(3), options);
    expect(s.at_target_fpr).toBeNull();
    expect(s.undefined_because.at_target_fpr).toBe(
      'every threshold that flags anything refuses more than 0.01 of the benign rows',
    );
  });
});

describe('sweep operating points', () => {
  // attacks 0.9 0.8 0.7 0.3; benign 0.85 0.4 0.2 0.1 0.05 (rows deliberately out of order)
  const scores = [0.4, 0.9, 0.05, 0.7, 0.85, 0.3, 0.2, 0.8, 0.1];
  const labels = [0, 1, 0, 1, 0, 1, 0, 1, 0];
  const s = sweep(scores, labels, all(9), { targetFpr: 0.2, targetRecall: 0.95, maxPoints: 101 });

  it('curve in threshold order with cumulative counts', () => {
    expect(s.curve.threshold).toEqual([0.9, 0.85, 0.8, 0.7, 0.4, 0.3, 0.2, 0.1, 0.05]);
    expect(s.curve.tp).toEqual([1, 1, 2, 3, 3, 4, 4, 4, 4]);
    expect(s.curve.fp).toEqual([0, 1, 1, 1, 2, 2, 3, 4, 5]);
  });

  it('ROC AUC equals the share of (attack, benign) pairs ranked right: 16 / 20', () => {
    expect(s.roc_auc).toBeCloseTo(0.8, 12);
  });

  it('average precision: 0.25·1 + 0.25·2/3 + 0.25·3/4 + 0.25·4/6', () => {
    expect(s.average_precision).toBeCloseTo(0.25 + 0.25 * (2 / 3) + 0.25 * 0.75 + 0.25 * (4 / 6), 12);
  });

  it('threshold at target FPR 0.2: the lowest threshold still at one false positive in five', () => {
    expect(s.at_target_fpr).toEqual({
      target: 0.2,
      threshold: 0.7,
      tp: 3,
      fp: 1,
      recall: 0.75,
      fpr: 0.2,
      precision: 0.75,
      f1: 0.75,
    });
  });

  it('threshold at target FPR 0: the highest score, before any benign row', () => {
    const strict = sweep(scores, labels, all(9), { targetFpr: 0, targetRecall: 0.95, maxPoints: 101 });
    expect(strict.at_target_fpr).toMatchObject({ threshold: 0.9, recall: 0.25, fpr: 0 });
  });

  it('threshold at target recall 0.95: the highest threshold that catches all four attacks', () => {
    expect(s.at_target_recall).toMatchObject({ target: 0.95, threshold: 0.3, recall: 1, fpr: 0.4 });
  });

  it('best F1 is at 0.3 (8 / 10)', () => {
    expect(s.best_f1).toMatchObject({ threshold: 0.3, f1: 0.8 });
  });

  it('a subset of rows sweeps only those rows', () => {
    const sub = sweep(scores, labels, [1, 4, 8], options);
    expect(sub.curve.threshold).toEqual([0.9, 0.85, 0.1]);
    expect(sub.roc_auc).toBe(1);
  });

  it('thins long curves to maxPoints, keeping both ends; areas still use every point', () => {
    const thin = sweep(scores, labels, all(9), { ...options, maxPoints: 3 });
    expect(thin.points_total).toBe(9);
    expect(thin.curve.threshold).toEqual([0.9, 0.4, 0.05]);
    expect(thin.roc_auc).toBeCloseTo(0.8, 12);
  });
});

describe('sweep with an empty class', () => {
  it('only attacks: ROC AUC, FPR curve and the FPR target are null, with reasons; AP is defined', () => {
    const s = sweep([0.9, 0.2], [1, 1], all(2), options);
    expect(s.roc_auc).toBeNull();
    expect(s.curve.fpr).toBeNull();
    expect(s.at_target_fpr).toBeNull();
    expect(s.average_precision).toBe(1);
    expect(s.undefined_because).toMatchObject({ roc_auc: 'no benign rows', at_target_fpr: 'no benign rows' });
  });

  it('only benign rows: recall-based results are null; the FPR target is still found', () => {
    const s = sweep([0.9, 0.2], [0, 0], all(2), { ...options, targetFpr: 0.5 });
    expect([s.roc_auc, s.average_precision, s.best_f1, s.at_target_recall, s.curve.tpr]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(s.at_target_fpr).toMatchObject({ threshold: 0.9, fpr: 0.5, recall: null });
    expect(s.undefined_because.average_precision).toBe('no attack rows');
  });

  it('no rows at all: an empty curve', () => {
    expect(fullCurve([], [], [])).toEqual({ threshold: [], tp: [], fp: [], attacks: 0, benign: 0 });
    expect(sweep([], [], [], options).undefined_because.curve).toBe('no rows');
  });
});

describe('calibration', () => {
  it('reliability bins and ECE of a hand-made example', () => {
    // bin 0: 0.05 benign; bin 1: 0.15 benign, 0.15 attack; bin 9: 0.95 attack ×2, 1.0 counted in the last bin
    const scores = [0.05, 0.15, 0.15, 0.95, 0.95, 1];
    const labels = [0, 0, 1, 1, 1, 1];
    const c = calibration(scores, labels, all(6));
    expect(c.bins.map((b) => b.count)).toEqual([1, 1 + 1, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(c.bins[1]).toMatchObject({ lower: 0.1, upper: 0.2, count: 2, mean_score: 0.15, attack_rate: 0.5 });
    expect(c.bins[2]).toMatchObject({ count: 0, mean_score: null, attack_rate: null });
    expect(c.bins[9]?.mean_score).toBeCloseTo(2.9 / 3, 12);
    // ECE = 1/6·0.05 + 2/6·0.35 + 3/6·(1 − 2.9/3)
    expect(c.ece).toBeCloseTo((1 / 6) * 0.05 + (2 / 6) * 0.35 + (3 / 6) * (1 - 2.9 / 3), 12);
  });

  it('perfectly calibrated scores have ECE 0; no rows gives null', () => {
    expect(calibration([0, 0, 1, 1], [0, 0, 1, 1], all(4)).ece).toBe(0);
    expect(calibration([], [], []).ece).toBeNull();
  });

  it('score histograms per class, 20 bins', () => {
    const h = scoreHistogram([0, 0.5, 0.99, 0.02], [1, 0, 1, 0], all(4));
    expect(h.bins).toBe(20);
    expect(h.attack[0]).toBe(1);
    expect(h.attack[19]).toBe(1);
    expect(h.benign[10]).toBe(1);
    expect(h.benign[0]).toBe(1);
    expect(h.attack.reduce((a, b) => a + b, 0) + h.benign.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
