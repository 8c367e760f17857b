/**
 * `railgate redteam` as a straight line: seeds → target → plan (strategies × seeds, within the budget) →
 * attempts → result document. The CLI adds options, progress, files and exit codes around it; a program
 * can call `redteam` directly.
 *
 * @example
 * ```ts
 * const result = await redteam({ sources: [{ suite: 'builtin' }], target: { kind: 'policy', policy: 'default' }, budget: 500 });
 * for (const s of result.strategies) console.log(s.id, s.success_rate);
 * ```
 */
import { performance } from 'node:perf_hooks';
import type { Rail, VerdictAction } from '../engine/types.js';
import { fail } from '../eval/errors.js';
import { flagOnOf, type SourceSpec } from '../eval/evaluate.js';
import type { FlagOn } from '../eval/run.js';
import type { Seed } from '../eval/transforms/index.js';
import { planAttempts } from './plan.js';
import { buildRedteamResult, type RedteamConfig, type RedteamResult } from './result.js';
import { runAttempts } from './run.js';
import { loadSeeds, type SeedFields } from './seeds.js';
import { STRATEGIES, STRATEGY_IDS, type Strategy, strategyById } from './strategies.js';
import { type AccessParams, accessParamsFor } from './targets/access.js';
import { gatewayTarget } from './targets/gateway.js';
import { type ComplianceJudge, llmComplianceJudge, refusalJudge } from './targets/judge.js';
import { modelTarget } from './targets/model.js';
import { policyTarget } from './targets/policy.js';
import type { Target } from './targets/target.js';

export type JudgeSpec = { kind: 'refusal' } | { kind: 'llm_judge'; baseUrl: string; model: string; keyEnv?: string };

export type TargetSpec =
  | { kind: 'policy'; policy: string }
  | { kind: 'gateway'; url: string; apiKey: string; allowPrivate?: boolean }
  | {
      kind: 'model';
      baseUrl: string;
      model: string;
      apiKey?: string;
      maxTokens?: number;
      allowPrivate?: boolean;
      judge?: JudgeSpec;
    };

export interface RedteamOptions {
  sources: readonly SourceSpec[];
  target: TargetSpec;
  /** Field names of the seed files (default text, category, id). */
  fields?: SeedFields;
  /** Rail of seeds that name none (default input). */
  rail?: Rail;
  /** Strategy ids to run (default: all, in registry order); `plain` is always run as the baseline. */
  strategies?: readonly string[];
  /** Most attempts (default 1000). */
  budget?: number;
  /** Variants per seed and strategy (default 1). */
  variants?: number;
  /** Attempts in flight (default 4). */
  concurrency?: number;
  /** Bound on one attempt (default 30,000 ms). */
  timeoutMs?: number;
  /** Same seed, same plan and variants (default 1). */
  seed?: Seed;
  /** Verdict actions that count as stopped (policy and gateway targets); default block plus the suites' sets. */
  flagOn?: readonly VerdictAction[];
  toolVersion?: string;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

interface Settings {
  budget: number;
  variants: number;
  concurrency: number;
  timeoutMs: number;
  seed: Seed;
}

export const REDTEAM_DEFAULTS: Readonly<Settings> = {
  budget: 1000,
  variants: 1,
  concurrency: 4,
  timeoutMs: 30_000,
  seed: 1,
};

export async function redteam(options: RedteamOptions): Promise<RedteamResult> {
  const strategies = strategiesOf(options.strategies);
  const loaded = loadSeeds(options.sources, options.fields, options.rail ?? 'input');
  const categories = [...new Set(loaded.seeds.map((s) => s.category))];
  const flagOn = flagOnOf(options.flagOn, loaded.suiteFlagOn, categories);
  const settings = settingsOf(options);
  const target = buildTarget(options.target, flagOn, settings.timeoutMs);
  if (loaded.seeds.length === 0)
    fail({
      code: 'DATA_NO_ROWS',
      message: `no seed attacks: the data holds only benign rows (${loaded.benignSkipped})`,
      fix: 'seed rows are {text, category?}; rows labelled benign are not attacks',
    });
  const sendable = loaded.seeds.filter((s) => target.acceptsRail(s.rail));
  if (sendable.length === 0)
    fail({
      code: 'DATA_NO_ROWS',
      message: `no seed attack can be sent to this target (${loaded.seeds.length} seed(s), all on the output rail)`,
      fix: 'give prompts (rail input) as seeds',
    });
  const plan = planAttempts(sendable, strategies, settings);
  const started = performance.now();
  const records = await runAttempts(plan.attempts, target, {
    ...settings,
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  return buildRedteamResult({
    toolVersion: options.toolVersion ?? '0.0.0',
    target: target.info,
    config: configOf(settings, strategies, options.target.kind === 'model' ? null : flagOn),
    sources: loaded.sources,
    seeds: sendable,
    benignSkipped: loaded.benignSkipped,
    notSendable: loaded.seeds.length - sendable.length,
    strategies,
    candidates: plan.candidates,
    records,
    wallMs: performance.now() - started,
  });
}

/** The strategies to run, baseline first; an unknown id is a usage error that lists the known ones. */
export function strategiesOf(ids: readonly string[] | undefined): Strategy[] {
  if (ids === undefined || ids.length === 0) return [...STRATEGIES];
  const unknown = ids.filter((id) => !strategyById(id));
  if (unknown.length > 0)
    fail({
      code: 'OPTION_INVALID',
      message: `--strategies: unknown strateg${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((id) => `'${id}'`).join(', ')}`,
      fix: `use some of: ${STRATEGY_IDS.join(', ')}`,
    });
  const wanted = new Set(['plain', ...ids]);
  return STRATEGIES.filter((s) => wanted.has(s.id));
}

function settingsOf(options: RedteamOptions): Settings {
  return {
    budget: options.budget ?? REDTEAM_DEFAULTS.budget,
    variants: options.variants ?? REDTEAM_DEFAULTS.variants,
    concurrency: options.concurrency ?? REDTEAM_DEFAULTS.concurrency,
    timeoutMs: options.timeoutMs ?? REDTEAM_DEFAULTS.timeoutMs,
    seed: options.seed ?? REDTEAM_DEFAULTS.seed,
  };
}

function buildTarget(spec: TargetSpec, flagOn: FlagOn, timeoutMs: number): Target {
  switch (spec.kind) {
    case 'policy':
      return policyTarget(spec.policy, flagOn);
    case 'gateway':
      return gatewayTarget({
        url: spec.url,
        apiKey: spec.apiKey,
        timeoutMs,
        allowPrivate: spec.allowPrivate ?? false,
        flagOn,
      });
    case 'model':
      return modelTarget({
        baseUrl: spec.baseUrl,
        model: spec.model,
        ...(spec.apiKey !== undefined && { apiKey: spec.apiKey }),
        timeoutMs,
        maxTokens: spec.maxTokens ?? 512,
        allowPrivate: spec.allowPrivate ?? false,
        judge: judgeOf(spec.judge ?? { kind: 'refusal' }, timeoutMs, spec.allowPrivate ?? false),
      });
  }
}

function judgeOf(spec: JudgeSpec, timeoutMs: number, allowPrivate: boolean): ComplianceJudge {
  if (spec.kind === 'refusal') return refusalJudge();
  const access: AccessParams = accessParamsFor(new URL(spec.baseUrl), allowPrivate);
  return llmComplianceJudge({
    baseUrl: spec.baseUrl,
    model: spec.model,
    ...(spec.keyEnv !== undefined && { keyEnv: spec.keyEnv }),
    timeoutMs,
    access,
  });
}

function configOf(settings: Settings, strategies: readonly Strategy[], flagOn: FlagOn | null): RedteamConfig {
  return {
    seed: String(settings.seed),
    budget: settings.budget,
    variants: settings.variants,
    concurrency: settings.concurrency,
    timeout_ms: settings.timeoutMs,
    strategies: strategies.map((s) => s.id),
    flag_on: flagOn && {
      default: [...flagOn.default],
      by_category: Object.fromEntries([...flagOn.byCategory].map(([c, set]) => [c, [...set]])),
    },
  };
}

/** Checks the overall success rate against a limit; a rate that cannot be computed fails the check. */
export function applyMaxSuccessRate(result: RedteamResult, limit: number): void {
  const actual = result.overall.success_rate;
  result.gate = { max_success_rate: limit, actual, passed: actual !== null && actual <= limit };
}

export { renderRedteamReport } from './html.js';
export { regressionJsonl, regressionRows } from './regression.js';
export { formatRedteamMarkdown, formatRedteamText } from './report.js';
export { REDTEAM_SCHEMA, type RedteamResult } from './result.js';
export { STRATEGIES, STRATEGY_IDS } from './strategies.js';
