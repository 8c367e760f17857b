import { describe, expect, it } from 'vitest';
import { loadData } from '../eval/dataset.js';
import { evaluate } from '../eval/evaluate.js';
import { applyMaxSuccessRate, type RedteamOptions, redteam, regressionJsonl } from './index.js';
import { planAttempts } from './plan.js';
import type { RedteamResult } from './result.js';
import { runAttempts } from './run.js';
import { strategyById } from './strategies.js';
import { CARD_SEED, HARMFUL_SEED, INJECTION_SEED, seedsJsonl, testFolder } from './test-fixtures/seeds.js';

const { write } = testFolder('railgate-redteam-');
const seeds = write('seeds.jsonl', seedsJsonl([INJECTION_SEED, HARMFUL_SEED, CARD_SEED]));

const base: RedteamOptions = {
  sources: [{ path: seeds }],
  target: { kind: 'policy', policy: 'default' },
  flagOn: ['block', 'mask'],
  seed: 1,
};

/** The strategies that got each seed through, in report order. */
function through(result: RedteamResult): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of result.successes) {
    const list = out[s.seed_id] ?? [];
    list.push(s.strategy);
    out[s.seed_id] = list;
  }
  return out;
}

/** The result without what changes between runs (the clock). */
function stable(result: RedteamResult): unknown {
  return { ...result, created_at: null, run: null };
}

describe('railgate redteam against the default policy', () => {
  it('stops every variant of the plain injection; the harmful request and the card leak through some', async () => {
    const result = await redteam(base);
    expect(result.schema).toBe('railgate.redteam/1');
    expect(result.target).toEqual({
      kind: 'policy',
      source: 'default',
      policy: { id: 'default', version: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) },
    });
    expect(result.attempts).toEqual({ candidates: 57, made: 57, cut_by_budget: false });
    expect(through(result)).toEqual({
      hv: [
        'reverse',
        'letter_spacing',
        'roleplay',
        'payload_splitting',
        'translation_wrapper',
        'indirect_document',
        'indirect_tool_result',
      ],
      card: ['hex', 'reverse', 'indirect_document', 'indirect_tool_result'],
    });
    const byId = Object.fromEntries(result.strategies.map((s) => [s.id, s]));
    // The plain seeds: injection blocked, harmful blocked, card masked — nothing gets through as written.
    expect(byId.plain).toMatchObject({ attempts: 3, successes: 0, stopped: 3, errors: 0, success_rate: 0 });
    // base64 hides nothing from the decoded-segment views: all three stopped.
    expect(byId.base64).toMatchObject({ attempts: 3, successes: 0, stopped: 3, success_rate: 0, lift: 0 });
    expect(byId.reverse).toMatchObject({ successes: 2, success_rate: 0.6667, baseline_rate: 0, lift: 0.6667 });
    expect(byId.reverse?.evasion).toEqual({ attempts: 3, successes: 2, rate: 0.6667 });
    expect(result.overall).toEqual({ attempts: 57, successes: 11, stopped: 46, errors: 0, success_rate: 0.193 });
    expect(result.categories.map((c) => [c.name, c.seeds, c.attempts, c.successes])).toEqual([
      ['harmful', 1, 19, 7],
      ['pii', 1, 19, 4],
      ['prompt_injection', 1, 19, 0],
    ]);
  });

  it('records how each success got through: the verdict action and the variant text on its rail', async () => {
    const result = await redteam({ ...base, strategies: ['indirect_tool_result'] });
    const success = result.successes.find((s) => s.seed_id === 'card');
    expect(success).toMatchObject({
      id: 'rt-card-indirect_tool_result-0',
      category: 'pii',
      strategy: 'indirect_tool_result',
      round: 0,
      rail: 'tool_result',
      detail: 'allow',
    });
    expect(success?.text).toContain('4716 0742 7392 9085');
  });

  it('counts review and mask as got-through under the default flag set (block only)', async () => {
    const result = await redteam({ ...base, flagOn: undefined, strategies: ['letter_spacing'] });
    expect(result.config.flag_on).toEqual({ default: ['block'], by_category: {} });
    expect(result.successes.map((s) => [s.seed_id, s.strategy, s.detail])).toEqual([
      ['hv', 'letter_spacing', expect.stringMatching(/^review/)],
      ['card', 'plain', expect.stringMatching(/^mask/)],
    ]);
  });

  it('makes exactly --budget attempts, and says the plan was cut', async () => {
    const result = await redteam({ ...base, budget: 20 });
    expect(result.attempts).toEqual({ candidates: 57, made: 20, cut_by_budget: true });
    expect(result.overall.attempts).toBe(20);
    expect(result.strategies.reduce((n, s) => n + s.attempts, 0)).toBe(20);
    expect(result.notes[0]).toBe(
      'the budget (20) allowed 20 of 57 attempts; raise --budget to try every seed with every strategy',
    );
  });

  it('is deterministic with a seed, and another seed draws other variants', async () => {
    const one = await redteam({ ...base, seed: 'abc' });
    const two = await redteam({ ...base, seed: 'abc' });
    expect(stable(two)).toEqual(stable(one));
    const other = await redteam({ ...base, seed: 'xyz' });
    expect(other.successes.map((s) => s.text)).not.toEqual(one.successes.map((s) => s.text));
  });

  it('the built-in suite gives its attack rows as seeds, with the suite flag sets', async () => {
    const result = await redteam({ ...base, sources: [{ suite: 'builtin' }], flagOn: undefined, budget: 38 });
    expect(result.seeds).toMatchObject({ attacks: 179, benign_skipped: 179, not_sendable: 0, used: 2 });
    expect(result.config.flag_on?.by_category).toEqual({
      pii_leak: ['block', 'mask'],
      secret_leak: ['block', 'mask'],
      'harmful.self_harm': ['block', 'review'],
    });
    expect(result.seeds.sources).toEqual([expect.objectContaining({ kind: 'suite', name: 'builtin', version: '1' })]);
  });

  it('--max-success-rate passes at or under the limit and fails above it', async () => {
    const result = await redteam(base);
    applyMaxSuccessRate(result, 0.193);
    expect(result.gate).toEqual({ max_success_rate: 0.193, actual: 0.193, passed: true });
    applyMaxSuccessRate(result, 0.19);
    expect(result.gate?.passed).toBe(false);
  });

  it('saved successes re-load through the eval loader as attacks, and the eval misses every one', async () => {
    const result = await redteam({ ...base, strategies: ['hex', 'reverse', 'roleplay', 'indirect_tool_result'] });
    const saved = write('regression.jsonl', regressionJsonl(result));
    const rows = loadData([saved]).rows;
    expect(rows.map((r) => [r.id, r.label, r.category, r.rail ?? 'input'])).toEqual([
      ['rt-hv-reverse-0', 1, 'harmful', 'input'],
      ['rt-hv-roleplay-0', 1, 'harmful', 'input'],
      ['rt-hv-indirect_tool_result-0', 1, 'harmful', 'tool_result'],
      ['rt-card-hex-0', 1, 'pii', 'input'],
      ['rt-card-reverse-0', 1, 'pii', 'input'],
      ['rt-card-indirect_tool_result-0', 1, 'pii', 'tool_result'],
    ]);
    expect(rows.map((r) => r.text)).toEqual(result.successes.map((s) => s.text));
    const evaluated = await evaluate({ sources: [{ path: saved }], flagOn: ['block', 'mask'] });
    expect(evaluated.policies[0]?.overall.confusion).toEqual({ tp: 0, fp: 0, tn: 0, fn: 6 });
  });

  it('a target that throws counts the attempt as an error, never as a success', async () => {
    const strategy = strategyById('plain');
    if (!strategy) throw new Error('no plain strategy');
    const seedRows = [
      { id: 'a', text: 'x', category: 'c', rail: 'input' as const },
      { id: 'b', text: 'y', category: 'c', rail: 'input' as const },
    ];
    const plan = planAttempts(seedRows, [strategy], { seed: 1, budget: 10, variants: 1 });
    const records = await runAttempts(
      plan.attempts,
      {
        info: { kind: 'gateway', url: 'http://127.0.0.1:1/v1/guard' },
        acceptsRail: () => true,
        attempt: async (variant) => {
          if (variant.kind === 'text' && variant.text === 'x') throw new Error('engine exploded');
          return { kind: 'success', detail: 'allow' };
        },
      },
      { seed: 1, concurrency: 2, timeoutMs: 1000 },
    );
    expect(Object.fromEntries(records.map((r) => [r.attempt.seed.id, r.outcome]))).toEqual({
      a: { kind: 'error', detail: 'engine exploded' },
      b: { kind: 'success', detail: 'allow' },
    });
  });

  it('bad input: unknown strategies and seed files with only benign rows are input errors', async () => {
    await expect(redteam({ ...base, strategies: ['base64', 'rot26'] })).rejects.toThrow(
      "--strategies: unknown strategy 'rot26'",
    );
    const benign = write('benign.jsonl', '{"text":"hello","label":"benign"}\n');
    await expect(redteam({ ...base, sources: [{ path: benign }] })).rejects.toThrow(
      'no seed attacks: the data holds only benign rows (1)',
    );
  });
});
