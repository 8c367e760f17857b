/**
 * `railgate eval drift <old.json> <new.json>`: how far each rule's score distribution moved between two
 * saved results (PSI and KS per rule, category and class) and what that did to recall and over-refusal at
 * the policy's threshold. Exit codes: 0 reported (no shift at or above --fail-on), 1 a shift at or above
 * --fail-on, 2 bad input (not a railgate.eval/1 result, policies or rules that differ, a bad option).
 */
import { drift, formatDrift } from '../eval/drift.js';
import { EvalInputError, fail } from '../eval/errors.js';
import { readResultFile } from '../eval/result-file.js';
import { EVAL_EXIT } from './eval.js';
import type { CliIO } from './scan.js';
import { packageVersion } from './version.js';

export interface EvalDriftOptions {
  json?: boolean;
  failOn?: string;
  commonRules?: boolean;
}

const FAIL_ON = ['moderate', 'large'] as const;

function failOnOf(value: string | undefined): (typeof FAIL_ON)[number] | undefined {
  if (value === undefined) return undefined;
  if ((FAIL_ON as readonly string[]).includes(value)) return value as (typeof FAIL_ON)[number];
  fail({
    code: 'OPTION_INVALID',
    message: `--fail-on: expected moderate or large, got '${value}'`,
    fix: '--fail-on large exits 1 on a PSI ≥ 0.25; --fail-on moderate on a PSI ≥ 0.1',
  });
}

export function evalDriftCommand(oldFile: string, newFile: string, options: EvalDriftOptions, io: CliIO): number {
  try {
    const failOn = failOnOf(options.failOn);
    const use = { code: 'RESULT_INVALID' as const, fix: 'pass two results written by `railgate eval --json <file>`' };
    const report = drift(readResultFile(oldFile, use), readResultFile(newFile, use), {
      oldFile,
      newFile,
      toolVersion: packageVersion(),
      commonRules: options.commonRules === true,
      ...(failOn && { failOn }),
    });
    io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDrift(report));
    return report.failed ? EVAL_EXIT.gateFailed : EVAL_EXIT.ok;
  } catch (error) {
    if (error instanceof EvalInputError) {
      io.stderr.write(`railgate eval drift: ${error.message}\n`);
      return EVAL_EXIT.usage;
    }
    throw error;
  }
}
