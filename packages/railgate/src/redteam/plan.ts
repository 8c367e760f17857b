/**
 * Which attempts a run makes, in which order, within the budget. Seeds are ordered category by category in
 * turn (each category shuffled by the run's seed), and every seed gets every strategy before the next seed
 * starts. So a budget smaller than the whole plan still covers the categories evenly, and every strategy is
 * measured on the same seeds as the baseline — their rates can be compared.
 */
import { createRng, type Seed } from '../eval/transforms/index.js';
import type { SeedAttack } from './seeds.js';
import type { Strategy, Variant } from './strategies.js';

export interface Attempt {
  /** Position in the plan; results are reported in this order whatever order they finish in. */
  index: number;
  seed: SeedAttack;
  strategy: Strategy;
  /** Which variant of this seed and strategy (0 … variants-1); `plain` has only variant 0. */
  round: number;
}

export interface PlanOptions {
  /** The run's seed: the same seed gives the same plan and the same variants. */
  seed: Seed;
  /** Most attempts to make. */
  budget: number;
  /** Variants per seed and strategy (different draws of the same transform). */
  variants: number;
}

export interface Plan {
  attempts: Attempt[];
  /** Attempts the seeds and strategies allow before the budget cut. */
  candidates: number;
}

export function planAttempts(
  seeds: readonly SeedAttack[],
  strategies: readonly Strategy[],
  options: PlanOptions,
): Plan {
  const perSeed = strategies.reduce((n, s) => n + roundsOf(s, options.variants), 0);
  const candidates = seeds.length * perSeed;
  const attempts: Attempt[] = [];
  for (const seed of seedOrder(seeds, options.seed)) {
    for (const strategy of strategies) {
      for (let round = 0; round < roundsOf(strategy, options.variants); round++) {
        if (attempts.length >= options.budget) return { attempts, candidates };
        attempts.push({ index: attempts.length, seed, strategy, round });
      }
    }
  }
  return { attempts, candidates };
}

/** The baseline is the seed itself: one "variant" only. */
function roundsOf(strategy: Strategy, variants: number): number {
  return strategy.family === 'baseline' ? 1 : variants;
}

/**
 * Seeds category by category in turn (categories by name), each category in an order shuffled by the
 * run's seed: the first k seeds cover the categories as evenly as their sizes allow.
 */
export function seedOrder(seeds: readonly SeedAttack[], runSeed: Seed): SeedAttack[] {
  const byCategory = new Map<string, SeedAttack[]>();
  for (const seed of seeds) {
    const list = byCategory.get(seed.category);
    if (list) list.push(seed);
    else byCategory.set(seed.category, [seed]);
  }
  const queues = [...byCategory.keys()]
    .sort()
    .map((category) => shuffled(byCategory.get(category) ?? [], `${runSeed}:order:${category}`));
  const ordered: SeedAttack[] = [];
  for (let k = 0; ordered.length < seeds.length; k++) {
    for (const queue of queues) {
      const next = queue[k];
      if (next) ordered.push(next);
    }
  }
  return ordered;
}

function shuffled<T>(items: readonly T[], seed: Seed): T[] {
  const out = [...items];
  const rng = createRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * The variant an attempt sends. Its generator is seeded by the run's seed, the seed row, the strategy and
 * the round — not by the attempt's position — so a seed gets the same variant whatever the budget.
 */
export function variantOf(attempt: Attempt, runSeed: Seed): Variant {
  const { seed, strategy, round } = attempt;
  return strategy.variant(seed.text, seed.rail, `${runSeed}:${seed.id}:${strategy.id}:${round}`);
}
