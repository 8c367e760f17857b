/**
 * Small real scanners for engine tests: they go through the same registration, params validation and
 * runner as the built-in ones, so the engine is tested without stand-ins.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ACTIONS, type Finding, RAILS, type Scanner } from '../types.js';

/** Reports every occurrence of `word` in the skeleton view with a fixed score. */
export const keywordScanner: Scanner<{
  word: string;
  score: number;
  category: string;
  label?: string;
  action?: (typeof ACTIONS)[number];
  threshold?: number;
}> = {
  id: 'keyword',
  description: 'test scanner: fixed-score word finder',
  params: z.strictObject({
    word: z.string().min(1),
    score: z.number().min(0).max(1).default(0.9),
    category: z.string().default('test'),
    label: z.string().optional(),
    action: z.enum(ACTIONS).optional(),
    threshold: z.number().min(0).max(1).optional(),
  }),
  rails: RAILS,
  create(params) {
    const word = params.word.toLowerCase();
    return (_subject, views) => {
      const findings: Finding[] = [];
      const view = views.skeleton;
      for (let at = view.text.indexOf(word); at >= 0; at = view.text.indexOf(word, at + 1)) {
        findings.push({
          category: params.category,
          score: params.score,
          span: view.toRaw(at, at + word.length),
          ...(params.label !== undefined && { label: params.label }),
          ...(params.action !== undefined && { action: params.action }),
          ...(params.threshold !== undefined && { threshold: params.threshold }),
        });
      }
      return findings;
    };
  },
};

/** Waits `ms` (honouring the abort signal) and then reports one finding with `score`. */
export const sleepyScanner: Scanner<{ ms: number; score: number }> = {
  id: 'sleepy',
  description: 'test scanner: asynchronous and slow',
  params: z.strictObject({ ms: z.number().int().min(0), score: z.number().min(0).max(1).default(1) }),
  rails: RAILS,
  async: true,
  create(params) {
    return async (_subject, _views, signal) => {
      await sleep(params.ms, undefined, { signal });
      return [{ category: 'slow', score: params.score }];
    };
  },
};

/** Always throws, to exercise on_error. */
export const brokenScanner: Scanner<Record<string, never>> = {
  id: 'broken',
  description: 'test scanner: throws',
  params: z.strictObject({}),
  rails: RAILS,
  create() {
    return () => {
      throw new Error('scanner exploded');
    };
  },
};

export const TEST_SCANNERS = [keywordScanner, sleepyScanner, brokenScanner];
