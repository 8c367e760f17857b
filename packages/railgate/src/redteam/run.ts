/**
 * Runs the planned attempts against a target with a bounded number in flight. Outcomes are stored by the
 * attempt's position in the plan, so the result is the same whatever order the answers arrive in.
 */
import type { Seed } from '../eval/transforms/index.js';
import { type Attempt, variantOf } from './plan.js';
import type { Variant } from './strategies.js';
import type { Outcome, Target } from './targets/target.js';

export interface AttemptRecord {
  attempt: Attempt;
  variant: Variant;
  outcome: Outcome;
}

export interface RunOptions {
  seed: Seed;
  /** Attempts in flight at once (network targets); a synchronous policy answers one at a time anyway. */
  concurrency: number;
  /** Bound on one check of an in-process policy (network targets bound each HTTP call themselves). */
  timeoutMs: number;
  /** Called with the attempts done so far; awaited, so a progress bar can redraw. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** How often (in attempts) progress is reported: often enough for a bar, rarely enough to cost nothing. */
const PROGRESS_EVERY = 16;

export async function runAttempts(
  attempts: readonly Attempt[],
  target: Target,
  options: RunOptions,
): Promise<AttemptRecord[]> {
  const records: AttemptRecord[] = new Array(attempts.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < attempts.length) {
      const attempt = attempts[next++] as Attempt;
      const variant = variantOf(attempt, options.seed);
      const outcome = await attemptSafely(target, variant, attempt, options.timeoutMs);
      records[attempt.index] = { attempt, variant, outcome };
      done++;
      if (done % PROGRESS_EVERY === 0 || done === attempts.length) await options.onProgress?.(done, attempts.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, attempts.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return records;
}

/**
 * One attempt within its deadline. A target that throws (a bug, an engine error) counts the attempt as an
 * error and the run goes on; an error after the deadline says so, whichever layer noticed it first.
 */
async function attemptSafely(target: Target, variant: Variant, attempt: Attempt, timeoutMs: number): Promise<Outcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  let outcome: Outcome;
  try {
    outcome = await target.attempt(variant, { category: attempt.seed.category, signal });
  } catch (error) {
    outcome = { kind: 'error', detail: error instanceof Error ? error.message : String(error) };
  }
  return outcome.kind === 'error' && signal.aborted
    ? { kind: 'error', detail: `no answer within ${timeoutMs} ms` }
    : outcome;
}
