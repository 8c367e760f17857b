import { describe, expect, it } from 'vitest';
import { planAttempts, seedOrder, variantOf } from './plan.js';
import type { SeedAttack } from './seeds.js';
import { STRATEGIES, strategyById } from './strategies.js';

const seed = (id: string, category: string): SeedAttack => ({ id, text: `attack ${id}`, category, rail: 'input' });

// Three categories of different sizes.
const seeds: SeedAttack[] = [
  seed('a1', 'alpha'),
  seed('a2', 'alpha'),
  seed('a3', 'alpha'),
  seed('b1', 'beta'),
  seed('c1', 'gamma'),
  seed('c2', 'gamma'),
];
const strategies = STRATEGIES; // 19: plain + 18

describe('planAttempts', () => {
  it('makes exactly the budget when the plan is larger, and every candidate when it is not', () => {
    expect(planAttempts(seeds, strategies, { seed: 1, budget: 40, variants: 1 })).toMatchObject({
      candidates: 6 * 19,
    });
    expect(planAttempts(seeds, strategies, { seed: 1, budget: 40, variants: 1 }).attempts).toHaveLength(40);
    expect(planAttempts(seeds, strategies, { seed: 1, budget: 1, variants: 1 }).attempts).toHaveLength(1);
    expect(planAttempts(seeds, strategies, { seed: 1, budget: 10_000, variants: 1 }).attempts).toHaveLength(114);
  });

  it('gives the baseline one attempt per seed and every other strategy `variants`', () => {
    const plan = planAttempts(seeds, strategies, { seed: 1, budget: 10_000, variants: 3 });
    expect(plan.candidates).toBe(6 * (1 + 18 * 3));
    expect(plan.attempts).toHaveLength(plan.candidates);
    expect(plan.attempts.filter((a) => a.strategy.id === 'plain')).toHaveLength(6);
    expect(plan.attempts.filter((a) => a.strategy.id === 'base64').map((a) => a.round)).toEqual([
      0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2,
    ]);
  });

  it('tries every strategy on a seed before the next seed, baseline first', () => {
    const { attempts } = planAttempts(seeds, strategies, { seed: 1, budget: 10_000, variants: 1 });
    const first = attempts.slice(0, 19);
    expect(new Set(first.map((a) => a.seed.id)).size).toBe(1);
    expect(first.map((a) => a.strategy.id)).toEqual(strategies.map((s) => s.id));
    expect(attempts.map((a) => a.index)).toEqual(attempts.map((_, i) => i));
  });

  it('orders seeds category by category in turn, so a small budget covers every category', () => {
    const order = seedOrder(seeds, 1);
    expect(order.slice(0, 3).map((s) => s.category)).toEqual(['alpha', 'beta', 'gamma']);
    expect(order.slice(3, 5).map((s) => s.category)).toEqual(['alpha', 'gamma']);
    expect(order.map((s) => s.id).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'c2']);
  });

  it('is the same for the same seed; another seed shuffles within the categories', () => {
    const ids = (runSeed: number | string) => seedOrder(seeds, runSeed).map((s) => s.id);
    expect(ids(1)).toEqual(ids('1'));
    const orders = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => ids(s).join(',')));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('draws a variant from the run seed, the seed row, the strategy and the round — not the budget', () => {
    const big = planAttempts(seeds, strategies, { seed: 9, budget: 10_000, variants: 2 }).attempts;
    const small = planAttempts(seeds, strategies, { seed: 9, budget: 25, variants: 2 }).attempts;
    const pick = (list: typeof big) => list.find((a) => a.strategy.id === 'roleplay' && a.round === 1);
    const inSmall = pick(small);
    if (!inSmall) throw new Error('the small plan should hold roleplay round 1 of its first seed');
    expect(variantOf(inSmall, 9)).toEqual(variantOf(pick(big) ?? inSmall, 9));
    const roleplay = strategyById('roleplay');
    if (!roleplay) throw new Error('roleplay strategy missing');
    expect(variantOf(inSmall, 9)).toEqual(
      roleplay.variant(inSmall.seed.text, 'input', `9:${inSmall.seed.id}:roleplay:1`),
    );
    expect(variantOf({ ...inSmall, round: 0 }, 9)).not.toEqual(variantOf(inSmall, 9));
  });
});
