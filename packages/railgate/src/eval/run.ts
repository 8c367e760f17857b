/**
 * Runs a policy over labelled rows and keeps, per row, only what the metrics need: flagged or not, the
 * verdict action, each rule's highest score and whether the rule flagged the row, and the check latency.
 * Columns are typed arrays indexed by row, so ten thousand rows cost a few hundred kilobytes and the hot
 * loop allocates nothing of its own. Findings are kept only for misclassified rows (for the worst-error
 * examples).
 */
import { performance } from 'node:perf_hooks';
import type { Guard } from '../engine/guard.js';
import { type Action, RAILS, type Rail, type RuleFinding, type Verdict, type VerdictAction } from '../engine/types.js';
import type { EvalRow } from './dataset.js';

/** Every verdict action, strongest first; `action` columns hold an index into this list. */
export const VERDICT_ACTIONS: readonly VerdictAction[] = ['block', 'mask', 'review', 'warn', 'log', 'allow'];

/** Which verdict actions count as "flagged": one set for every category, and per-category exceptions. */
export interface FlagOn {
  default: ReadonlySet<VerdictAction>;
  byCategory: ReadonlyMap<string, ReadonlySet<VerdictAction>>;
}

/** The rows, with their categories, labels and rails as columns shared by every policy run. */
export interface PreparedData {
  rows: readonly EvalRow[];
  /** Sorted category names; `categoryOf` holds indices into it. */
  categories: string[];
  categoryOf: Uint16Array;
  label: Uint8Array;
  /** Index into RAILS. */
  railOf: Uint8Array;
  /** The flag set of each row's category. */
  flagSets: ReadonlyArray<ReadonlySet<VerdictAction>>;
}

export function prepareData(rows: readonly EvalRow[], defaultRail: Rail, flagOn: FlagOn): PreparedData {
  const categories = [...new Set(rows.map((r) => r.category))].sort();
  if (categories.length > 0xffff) throw new RangeError('more than 65535 categories');
  const index = new Map(categories.map((c, i) => [c, i]));
  const n = rows.length;
  const data: PreparedData = {
    rows,
    categories,
    categoryOf: new Uint16Array(n),
    label: new Uint8Array(n),
    railOf: new Uint8Array(n),
    flagSets: categories.map((c) => flagOn.byCategory.get(c) ?? flagOn.default),
  };
  rows.forEach((row, i) => {
    data.categoryOf[i] = index.get(row.category) ?? 0;
    data.label[i] = row.label;
    data.railOf[i] = RAILS.indexOf(row.rail ?? defaultRail);
  });
  return data;
}

/** A rule of the policy on one rail. `key` is `rail/rule-id`, unique within the policy. */
export interface RuleRef {
  key: string;
  rail: Rail;
  rule: string;
  scanner: string;
  threshold: number;
  action: Action;
}

export interface PolicyRun {
  /** The policy as the user named it (file or preset). */
  source: string;
  policy: { id: string; version: string };
  rules: RuleRef[];
  flagged: Uint8Array;
  /** Index into VERDICT_ACTIONS. */
  action: Uint8Array;
  latencyUs: Float64Array;
  /** 1 when a rule errored, timed out or was skipped on the row. */
  errored: Uint8Array;
  /** Per rule: the rule's highest finding score on each row (0 without findings or off its rail). */
  scores: Float64Array[];
  /** Per rule: 1 when the rule fired with an action that counts as flagged for the row's category. */
  flaggedBy: Uint8Array[];
  /** Per rule: some finding carried its own threshold (a classifier's or an entity's), not the rule's. */
  ownThreshold: boolean[];
  /** Findings of the misclassified rows only, by row index. */
  errorFindings: Map<number, RuleFinding[]>;
  /** Wall time of the measured run (after the warm-up), progress reports included. */
  wallMs: number;
}

export interface RunOptions {
  /** Concurrent checks for policies with asynchronous scanners (sync policies run inline). */
  concurrency: number;
  /** Called now and then with the number of rows done; awaited, so a progress bar can redraw. */
  onProgress?: (done: number) => void | Promise<void>;
}

/** Checks (and time) spent warming up a synchronous policy before the measured run. */
const WARM_UP_CHECKS = 1000;
const WARM_UP_MS = 1000;

/** How many rows a synchronous run checks between progress reports (and event-loop turns). */
const SYNC_CHUNK = 512;

export function rulesOf(guard: Guard): RuleRef[] {
  const rules: RuleRef[] = [];
  for (const rail of RAILS) {
    for (const rule of guard.policy.rails[rail]?.rules ?? []) {
      rules.push({
        key: `${rail}/${rule.id}`,
        rail,
        rule: rule.id,
        scanner: rule.scanner,
        threshold: rule.threshold,
        action: rule.action,
      });
    }
  }
  return rules;
}

export async function runPolicy(
  guard: Guard,
  source: string,
  data: PreparedData,
  options: RunOptions,
): Promise<PolicyRun> {
  const run = emptyRun(guard, source, data.rows.length);
  const recorder = verdictRecorder(run, data);
  const checkRow = (i: number) => {
    const row = data.rows[i] as EvalRow;
    return { text: row.text, rail: RAILS[data.railOf[i] as number] as Rail };
  };
  if (guard.isSync) warmUp(guard, data, checkRow);
  const started = performance.now();
  if (guard.isSync) {
    for (let from = 0; from < data.rows.length; from += SYNC_CHUNK) {
      const to = Math.min(data.rows.length, from + SYNC_CHUNK);
      for (let i = from; i < to; i++) recorder(i, guard.checkSync(checkRow(i)));
      await options.onProgress?.(to);
    }
  } else {
    const check = async (i: number) => recorder(i, await guard.check(checkRow(i)));
    await runPool(data.rows.length, Math.max(1, options.concurrency), check, options.onProgress);
  }
  run.wallMs = performance.now() - started;
  return run;
}

/**
 * Checks rows (cycling through them) before the measured run, results discarded: a fresh process runs cold
 * code for its first thousand or so checks, at two to five times the steady latency, which would otherwise
 * set the reported p50 and p99. Bounded in checks and in time; synchronous policies only (warming up an
 * adapter would be paid calls).
 */
function warmUp(guard: Guard, data: PreparedData, checkRow: (i: number) => { text: string; rail: Rail }): void {
  const n = data.rows.length;
  if (n === 0) return;
  const deadline = performance.now() + WARM_UP_MS;
  for (let k = 0; k < WARM_UP_CHECKS; k++) {
    guard.checkSync(checkRow(k % n));
    if (k % 64 === 63 && performance.now() > deadline) return;
  }
}

function emptyRun(guard: Guard, source: string, n: number): PolicyRun {
  const rules = rulesOf(guard);
  return {
    source,
    policy: { id: guard.policy.id, version: guard.policy.version },
    rules,
    flagged: new Uint8Array(n),
    action: new Uint8Array(n),
    latencyUs: new Float64Array(n),
    errored: new Uint8Array(n),
    scores: rules.map(() => new Float64Array(n)),
    flaggedBy: rules.map(() => new Uint8Array(n)),
    ownThreshold: rules.map(() => false),
    errorFindings: new Map(),
    wallMs: 0,
  };
}

/** A function that writes one verdict into the run's columns. */
function verdictRecorder(run: PolicyRun, data: PreparedData): (i: number, verdict: Verdict) => void {
  // Rule ids repeat across rails (`secrets` on input and output): look them up per rail.
  const byRail = RAILS.map((rail) => {
    const map = new Map<string, number>();
    run.rules.forEach((r, index) => {
      if (r.rail === rail) map.set(r.rule, index);
    });
    return map;
  });
  return (i, verdict) => {
    const flagSet = data.flagSets[data.categoryOf[i] as number] as ReadonlySet<VerdictAction>;
    const ruleIndex = byRail[data.railOf[i] as number] as Map<string, number>;
    const flagged = flagSet.has(verdict.action);
    run.flagged[i] = flagged ? 1 : 0;
    run.action[i] = VERDICT_ACTIONS.indexOf(verdict.action);
    run.latencyUs[i] = verdict.latency_us.total;
    run.errored[i] = verdict.errors.length > 0 ? 1 : 0;
    for (const finding of verdict.findings) {
      const r = ruleIndex.get(finding.rule);
      if (r === undefined) continue;
      const scores = run.scores[r] as Float64Array;
      if (finding.score > (scores[i] as number)) scores[i] = finding.score;
      if (finding.fired && flagSet.has(finding.action)) (run.flaggedBy[r] as Uint8Array)[i] = 1;
      if (finding.threshold !== undefined) run.ownThreshold[r] = true;
    }
    if (flagged !== (data.label[i] === 1)) run.errorFindings.set(i, verdict.findings);
  };
}

/** Runs `task(0..n-1)` with at most `limit` in flight, reporting progress every few completions. */
async function runPool(
  n: number,
  limit: number,
  task: (i: number) => Promise<void>,
  onProgress?: (done: number) => void | Promise<void>,
): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
      done++;
      if (done % 64 === 0 || done === n) await onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}
