/**
 * Evaluation as a straight line: sources → rows → (per policy) verdict columns → result document. The CLI
 * adds files, progress and exit codes around it; a program can call `evaluate` directly.
 *
 * @example
 * ```ts
 * const result = await evaluate({ sources: [{ suite: 'builtin' }], policies: ['default', 'strict'] });
 * console.log(result.policies[0].overall.recall);
 * ```
 */
import { relative } from 'node:path';
import { Guard } from '../engine/guard.js';
import { ACTIONS, type Rail, type VerdictAction } from '../engine/types.js';
import {
  type EvalRow,
  type FieldMap,
  type LoadedData,
  loadData,
  type RowProblem,
  resolveDataPaths,
} from './dataset.js';
import { fail } from './errors.js';
import { type LabelVocabulary, labelVocabulary } from './labels.js';
import type { Costs } from './metrics.js';
import { buildResult, type DataSource, type EvalConfig, type EvalResult } from './result.js';
import { type FlagOn, type PolicyRun, prepareData, runPolicy } from './run.js';
import { builtinSuite, expandSuiteRows, isSuiteDir, type Suite, suiteAt } from './suites.js';
import { DEFAULT_SWEEP_OPTIONS } from './sweep.js';

/** A place rows come from: a file or folder path, or a shipped suite by name. */
export type SourceSpec = { path: string } | { suite: string };

export interface EvaluateOptions {
  sources: readonly SourceSpec[];
  /** Policy files or preset names; the first is the base of the comparison. Default `['default']`. */
  policies?: readonly string[];
  rail?: Rail;
  /** Verdict actions that count as flagged for every category (overrides the suites' own choices). */
  flagOn?: readonly VerdictAction[];
  fields?: Partial<FieldMap>;
  attackValues?: readonly string[];
  benignValues?: readonly string[];
  skipBadRows?: boolean;
  maxChars?: number;
  costs?: Partial<Costs>;
  targetFpr?: number;
  targetRecall?: number;
  curvePoints?: number;
  examples?: number;
  concurrency?: number;
  toolVersion?: string;
  /** Progress over all checks of all policies: (done, total, policy). */
  onProgress?: (done: number, total: number, policy: string) => void | Promise<void>;
}

export interface LoadedSources {
  rows: EvalRow[];
  sources: DataSource[];
  skipped: RowProblem[];
  truncated: number;
  maxChars: number;
  /** Per-category flag sets the suites ask for. */
  suiteFlagOn: Map<string, VerdictAction[]>;
}

export const DEFAULT_FLAG_ON: readonly VerdictAction[] = ['block'];

/** Reads every source; suites get their credential placeholders expanded. */
export function loadSources(
  specs: readonly SourceSpec[],
  options: Pick<EvaluateOptions, 'fields' | 'attackValues' | 'benignValues' | 'skipBadRows' | 'maxChars'> = {},
): LoadedSources {
  if (specs.length === 0)
    fail({
      code: 'OPTION_INVALID',
      message: 'no data: name files, --data <path> or --suite <name>',
      fix: 'try `railgate eval --suite builtin`',
    });
  const vocabulary: LabelVocabulary = labelVocabulary(options.attackValues, options.benignValues);
  const out: LoadedSources = { rows: [], sources: [], skipped: [], truncated: 0, maxChars: 0, suiteFlagOn: new Map() };
  for (const spec of specs) {
    const suite = 'suite' in spec ? builtinSuite(spec.suite) : isSuiteDir(spec.path) ? suiteAt(spec.path) : undefined;
    // A suite has its own fixed shape: the field mapping and label lists are for the user's files.
    const loaded: LoadedData = suite
      ? loadData(suite.files, { skipBadRows: options.skipBadRows ?? false, ...maxCharsOf(options) })
      : loadData(resolveDataPaths([(spec as { path: string }).path]), {
          ...options,
          vocabulary,
          fields: options.fields ?? {},
        });
    if (suite) {
      if (suite.manifest.synthetic_credentials) expandSuiteRows(loaded.rows);
      for (const [category, actions] of Object.entries(suite.manifest.flag_on)) out.suiteFlagOn.set(category, actions);
    }
    // Appended in loops: spreading a million rows into push() would overflow the call stack.
    for (const row of loaded.rows) out.rows.push(row);
    out.sources.push(sourceOf(spec, suite, loaded));
    for (const problem of loaded.skipped) out.skipped.push(problem);
    out.truncated += loaded.truncated;
    out.maxChars = loaded.maxChars;
  }
  return out;
}

function maxCharsOf(options: { maxChars?: number }): { maxChars?: number } {
  return options.maxChars !== undefined ? { maxChars: options.maxChars } : {};
}

function sourceOf(spec: SourceSpec, suite: Suite | undefined, loaded: LoadedData): DataSource {
  if (suite) {
    // Paths inside the suite folder, so results do not depend on where the package is installed.
    const files = loaded.files.map((f) => ({ ...f, file: relative(suite.dir, f.file) }));
    return { kind: 'suite', name: suite.manifest.id, version: suite.manifest.version, files };
  }
  return { kind: 'file', name: (spec as { path: string }).path, files: loaded.files };
}

/** The flag sets in force: the user's for everything, else `block` plus the suites' per-category sets. */
export function flagOnOf(
  userFlagOn: readonly VerdictAction[] | undefined,
  suites: Map<string, VerdictAction[]>,
  categories: readonly string[],
): FlagOn {
  for (const action of userFlagOn ?? [])
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]))
      fail({
        code: 'OPTION_INVALID',
        message: `--flag-on: unknown action '${action}'`,
        fix: `use some of: ${ACTIONS.join(', ')}`,
      });
  if (userFlagOn && userFlagOn.length > 0) return { default: new Set(userFlagOn), byCategory: new Map() };
  const present = new Set(categories);
  const byCategory = new Map<string, ReadonlySet<VerdictAction>>();
  for (const [category, actions] of suites) if (present.has(category)) byCategory.set(category, new Set(actions));
  return { default: new Set(DEFAULT_FLAG_ON), byCategory };
}

function configOf(options: EvaluateOptions, flagOn: FlagOn): EvalConfig {
  return {
    default_rail: options.rail ?? 'input',
    flag_on: {
      default: [...flagOn.default],
      by_category: Object.fromEntries([...flagOn.byCategory].map(([c, set]) => [c, [...set]])),
    },
    costs: { fp: options.costs?.fp ?? 1, fn: options.costs?.fn ?? 1 },
    target_fpr: options.targetFpr ?? DEFAULT_SWEEP_OPTIONS.targetFpr,
    target_recall: options.targetRecall ?? DEFAULT_SWEEP_OPTIONS.targetRecall,
    curve_points: options.curvePoints ?? DEFAULT_SWEEP_OPTIONS.maxPoints,
    examples: options.examples ?? 20,
  };
}

/** Loads the data, runs every policy over it and builds the result document. */
export async function evaluate(options: EvaluateOptions): Promise<EvalResult> {
  const loaded = loadSources(options.sources, options);
  return evaluateRows(loaded, options);
}

/** Runs every policy over rows already loaded. */
export async function evaluateRows(loaded: LoadedSources, options: EvaluateOptions): Promise<EvalResult> {
  const categories = [...new Set(loaded.rows.map((r) => r.category))];
  const flagOn = flagOnOf(options.flagOn, loaded.suiteFlagOn, categories);
  const config = configOf(options, flagOn);
  const data = prepareData(loaded.rows, config.default_rail as Rail, flagOn);
  const policies = options.policies && options.policies.length > 0 ? options.policies : ['default'];
  // Compile every policy before checking anything: a broken second policy should fail in a second, not after the first run.
  const guards = policies.map((policy) => new Guard({ policy }));
  const total = data.rows.length * policies.length;
  const runs: PolicyRun[] = [];
  for (const [k, guard] of guards.entries()) {
    const source = policies[k] as string;
    const offset = k * data.rows.length;
    runs.push(
      await runPolicy(guard, source, data, {
        concurrency: options.concurrency ?? 8,
        ...(options.onProgress && { onProgress: (done: number) => options.onProgress?.(offset + done, total, source) }),
      }),
    );
  }
  return buildResult({
    toolVersion: options.toolVersion ?? '0.0.0',
    sources: loaded.sources,
    loaded: { skipped: loaded.skipped, truncated: loaded.truncated, maxChars: loaded.maxChars },
    data,
    runs,
    config,
  });
}
