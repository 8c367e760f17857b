/**
 * `railgate eval`: run one or more policies over labelled data (files, folders, shipped suites), print a
 * summary table, write the JSON result, a Markdown summary and the HTML report, and check a CI gate. Exit
 * codes: 0 done (gate passed), 1 gate failed, 2 bad input (data, gate file, baseline, options) or policy.
 */
import type { VerdictAction } from '../engine/types.js';
import { EvalInputError, fail } from '../eval/errors.js';
import { type EvaluateOptions, evaluateRows, loadSources } from '../eval/evaluate.js';
import { evaluateGate, readBaseline, readGateFile } from '../eval/gate.js';
import { renderReport } from '../eval/report/index.js';
import type { EvalResult } from '../eval/result.js';
import { formatGate, formatMarkdown, formatText } from '../eval/summary.js';
import {
  listOption,
  numberOption,
  type ResultOutputOptions,
  rateOption,
  type SourceOptions,
  sourceSpecs,
} from './options.js';
import { writeFile } from './output.js';
import { progressBar, withProgress } from './progress.js';
import type { CliIO } from './scan.js';
import { packageVersion } from './version.js';

export interface EvalCommandOptions extends SourceOptions, ResultOutputOptions {
  policy?: string[];
  compare?: string[];
  flagOn?: string;
  labelField?: string;
  attackValues?: string;
  benignValues?: string;
  skipBadRows?: boolean;
  maxChars?: string;
  costFp?: string;
  costFn?: string;
  targetFpr?: string;
  targetRecall?: string;
  concurrency?: string;
  examples?: string;
  html?: string;
  gate?: string;
  baseline?: string;
}

export const EVAL_EXIT = { ok: 0, gateFailed: 1, usage: 2 } as const;

export async function evalCommand(files: string[], options: EvalCommandOptions, io: CliIO): Promise<number> {
  try {
    const evaluateOptions = evaluateOptionsOf(options);
    const policies = policiesOf(options);
    // Read the gate and the baseline first: a typo in either should not cost a whole run.
    const gate = options.gate !== undefined ? readGateFile(options.gate) : undefined;
    const baseline =
      options.baseline !== undefined ? { file: options.baseline, result: readBaseline(options.baseline) } : undefined;
    const loaded = loadSources(sourceSpecs(files, options), evaluateOptions);
    const bar = progressBar(io, 'eval', 'checks', { withDetail: true });
    const result = await withProgress(bar, (progress) =>
      evaluateRows(loaded, { ...evaluateOptions, policies, ...progress }),
    );
    if (gate || baseline)
      result.gate = evaluateGate(
        gate ?? { file: '(baseline only)', tolerance: { recall: 0, fpr: 0 }, categories: [] },
        result,
        baseline,
      );
    writeOutputs(result, options, io);
    return result.gate && !result.gate.passed ? EVAL_EXIT.gateFailed : EVAL_EXIT.ok;
  } catch (error) {
    if (error instanceof EvalInputError) {
      io.stderr.write(`railgate eval: ${error.message}\n`);
      return EVAL_EXIT.usage;
    }
    throw error;
  }
}

function policiesOf(options: EvalCommandOptions): string[] {
  if (options.compare && options.policy && options.policy.length > 0)
    fail({
      code: 'OPTION_INVALID',
      message: 'give policies with --policy or with --compare, not both',
      fix: 'e.g. `--compare a.yaml b.yaml`',
    });
  if (options.compare) {
    if (options.compare.length < 2)
      fail({
        code: 'OPTION_INVALID',
        message: '--compare needs two policies (or more)',
        fix: 'e.g. `--compare default strict`',
      });
    return options.compare;
  }
  return options.policy && options.policy.length > 0 ? options.policy : ['default'];
}

function evaluateOptionsOf(options: EvalCommandOptions): EvaluateOptions {
  const fields = {
    ...(options.textField !== undefined && { text: options.textField }),
    ...(options.labelField !== undefined && { label: options.labelField }),
    ...(options.categoryField !== undefined && { category: options.categoryField }),
  };
  const out: EvaluateOptions = { sources: [], rail: options.rail, fields, skipBadRows: options.skipBadRows === true };
  const flagOn = listOption(options.flagOn);
  if (flagOn) out.flagOn = flagOn as VerdictAction[];
  const attack = listOption(options.attackValues);
  if (attack) out.attackValues = attack;
  const benign = listOption(options.benignValues);
  if (benign) out.benignValues = benign;
  const maxChars = numberOption('--max-chars', options.maxChars, 1, 10_000_000, true);
  if (maxChars !== undefined) out.maxChars = maxChars;
  out.costs = {
    fp: numberOption('--cost-fp', options.costFp, 0, Number.MAX_SAFE_INTEGER) ?? 1,
    fn: numberOption('--cost-fn', options.costFn, 0, Number.MAX_SAFE_INTEGER) ?? 1,
  };
  // The fix line's example fraction is the default target FPR.
  const targetFpr = rateOption('--target-fpr', options.targetFpr, '0.01 for 1%');
  if (targetFpr !== undefined) out.targetFpr = targetFpr;
  const targetRecall = rateOption('--target-recall', options.targetRecall, '0.01 for 1%');
  if (targetRecall !== undefined) out.targetRecall = targetRecall;
  const concurrency = numberOption('--concurrency', options.concurrency, 1, 1024, true);
  if (concurrency !== undefined) out.concurrency = concurrency;
  const examples = numberOption('--examples', options.examples, 0, 10_000, true);
  if (examples !== undefined) out.examples = examples;
  out.toolVersion = packageVersion();
  return out;
}

function writeOutputs(result: EvalResult, options: EvalCommandOptions, io: CliIO): void {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (options.json === '-') {
    io.stdout.write(json);
    if (result.gate) io.stderr.write(formatGate(result.gate));
  } else {
    if (options.json !== undefined) writeFile(options.json, json);
    io.stdout.write(formatText(result));
  }
  if (options.markdown !== undefined) writeFile(options.markdown, formatMarkdown(result));
  if (options.html !== undefined) writeFile(options.html, renderReport(result));
}
