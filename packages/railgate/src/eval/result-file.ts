/**
 * Reads a result written earlier by `railgate eval --json` (for --baseline, `eval report` and `eval drift`).
 * The file may come from another version of railgate or have been edited by hand, so it is checked for the
 * schema version and for the shape the readers rely on, and every problem is an EvalInputError naming the
 * file, the path inside it and what to do — never a TypeError halfway through a report.
 */
import { readFileSync } from 'node:fs';
import { type EvalErrorCode, fail } from './errors.js';
import { EVAL_SCHEMA, type EvalResult } from './result.js';

export interface ResultFileUse {
  /** The error code for problems with this file. */
  code: EvalErrorCode;
  /** What to pass instead, in the fix line of every problem. */
  fix: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first place where the document does not have the shape of a result; undefined when it does. */
function shapeProblem(data: Record<string, unknown>): { path: string; message: string } | undefined {
  if (!isRecord(data.data)) return { path: 'data', message: 'missing the data summary' };
  if (!Array.isArray(data.data.categories)) return { path: 'data.categories', message: 'must be a list' };
  if (!isRecord(data.config)) return { path: 'config', message: 'missing the run configuration' };
  if (!Array.isArray(data.policies) || data.policies.length === 0)
    return { path: 'policies', message: 'must be a non-empty list of policy results' };
  for (const [k, policy] of data.policies.entries()) {
    const at = `policies[${k}]`;
    if (!isRecord(policy)) return { path: at, message: 'must be an object' };
    for (const key of ['overall', 'categories', 'examples', 'policy', 'pairs', 'latency_us', 'run'])
      if (!isRecord(policy[key])) return { path: `${at}.${key}`, message: 'missing' };
    if (!Array.isArray(policy.rules)) return { path: `${at}.rules`, message: 'must be a list' };
    for (const [r, rule] of policy.rules.entries())
      if (
        !isRecord(rule) ||
        typeof rule.key !== 'string' ||
        !isRecord(rule.by_category) ||
        !isRecord(rule.contribution)
      )
        return { path: `${at}.rules[${r}]`, message: 'not a rule result (key, contribution, by_category)' };
  }
  return undefined;
}

export function readResultFile(file: string, use: ResultFileUse): EvalResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    fail({
      code: use.code,
      file,
      message: missing ? 'no such file' : `not JSON: ${(error as Error).message}`,
      fix: use.fix,
    });
  }
  const schema = isRecord(data) ? data.schema : undefined;
  if (!isRecord(data) || schema !== EVAL_SCHEMA) {
    const otherVersion = typeof schema === 'string' && schema.startsWith('railgate.eval/');
    fail({
      code: use.code,
      file,
      path: 'schema',
      message: otherVersion
        ? `not a ${EVAL_SCHEMA} result (schema: ${JSON.stringify(schema)}): written by a railgate with another result format`
        : `not a ${EVAL_SCHEMA} result (schema: ${JSON.stringify(schema)})`,
      fix: otherVersion ? `re-run the evaluation with this railgate, or use the railgate that wrote it` : use.fix,
    });
  }
  const problem = shapeProblem(data);
  if (problem)
    fail({
      code: use.code,
      file,
      path: problem.path,
      message: `not a complete ${EVAL_SCHEMA} result: ${problem.path} ${problem.message}`,
      fix: use.fix,
    });
  return data as unknown as EvalResult;
}
