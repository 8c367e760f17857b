/**
 * `railgate eval`: run one or more policies over labelled data (files, folders, shipped suites), print a
 * summary table, write the JSON result and a Markdown summary, and check a CI gate. Exit codes: 0 done (gate
 * passed), 1 gate failed, 2 bad input (data, gate file, baseline, options) or policy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Rail, VerdictAction } from '../engine/types.js';
import { EvalInputError, fail } from '../eval/errors.js';
import { type EvaluateOptions, evaluateRows, loadSources, type SourceSpec } from '../eval/evaluate.js';
import { evaluateGate, readBaseline, readGateFile } from '../eval/gate.js';
import type { EvalResult } from '../eval/result.js';
import { formatGate, formatMarkdown, formatText } from '../eval/summary.js';
import type { CliIO } from './scan.js';

export interface EvalCommandOptions {
  data?: string[];
  suite?: string[];
  policy?: string[];
  compare?: string[];
  rail: Rail;
  flagOn?: string;
  textField?: string;
  labelField?: string;
  categoryField?: string;
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
  json?: string;
  markdown?: string;
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
    const loaded = loadSources(sourcesOf(files, options), evaluateOptions);
    const bar = progressBar(io);
    let result: EvalResult;
    try {
      result = await evaluateRows(loaded, { ...evaluateOptions, policies, ...(bar && { onProgress: bar.update }) });
    } finally {
      bar?.stop();
    }
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

function sourcesOf(files: readonly string[], options: EvalCommandOptions): SourceSpec[] {
  return [
    ...files.map((path) => ({ path })),
    ...(options.data ?? []).map((path) => ({ path })),
    ...(options.suite ?? []).map((suite) => ({ suite })),
  ];
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

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A number option within [min, max]; bad values are usage errors that name the option. */
function numberOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    fail({
      code: 'OPTION_INVALID',
      message: `${name}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${value}'`,
      fix: name.startsWith('--target') ? 'rates are fractions: 0.01 for 1%' : `pass a value between ${min} and ${max}`,
    });
  return n;
}

function evaluateOptionsOf(options: EvalCommandOptions): EvaluateOptions {
  const fields = {
    ...(options.textField !== undefined && { text: options.textField }),
    ...(options.labelField !== undefined && { label: options.labelField }),
    ...(options.categoryField !== undefined && { category: options.categoryField }),
  };
  const out: EvaluateOptions = { sources: [], rail: options.rail, fields, skipBadRows: options.skipBadRows === true };
  const flagOn = list(options.flagOn);
  if (flagOn) out.flagOn = flagOn as VerdictAction[];
  const attack = list(options.attackValues);
  if (attack) out.attackValues = attack;
  const benign = list(options.benignValues);
  if (benign) out.benignValues = benign;
  const maxChars = numberOption('--max-chars', options.maxChars, 1, 10_000_000, true);
  if (maxChars !== undefined) out.maxChars = maxChars;
  out.costs = {
    fp: numberOption('--cost-fp', options.costFp, 0, Number.MAX_SAFE_INTEGER) ?? 1,
    fn: numberOption('--cost-fn', options.costFn, 0, Number.MAX_SAFE_INTEGER) ?? 1,
  };
  const targetFpr = numberOption('--target-fpr', options.targetFpr, 0, 1);
  if (targetFpr !== undefined) out.targetFpr = targetFpr;
  const targetRecall = numberOption('--target-recall', options.targetRecall, 0, 1);
  if (targetRecall !== undefined) out.targetRecall = targetRecall;
  const concurrency = numberOption('--concurrency', options.concurrency, 1, 1024, true);
  if (concurrency !== undefined) out.concurrency = concurrency;
  const examples = numberOption('--examples', options.examples, 0, 10_000, true);
  if (examples !== undefined) out.examples = examples;
  out.toolVersion = packageVersion();
  return out;
}

interface Progress {
  update: (done: number, total: number, policy: string) => Promise<void>;
  stop: () => void;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs stay clean in CI). */
function progressBar(io: CliIO): Progress | undefined {
  if (!io.stderr.isTTY) return undefined;
  const bar = new SingleBar({
    stream: io.stderr as NodeJS.WriteStream,
    format: 'eval [{bar}] {percentage}% | {value}/{total} checks | {policy}',
    hideCursor: true,
  });
  let started = false;
  return {
    update: async (done, total, policy) => {
      if (!started) {
        bar.start(total, 0, { policy });
        started = true;
      }
      bar.update(done, { policy });
      // Give the bar's redraw timer a turn; a synchronous policy would otherwise hold the loop to the end.
      await new Promise((resolve) => setImmediate(resolve));
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
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
}

function writeFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    fail({
      code: 'OPTION_INVALID',
      file: path,
      message: `cannot write: ${(error as Error).message}`,
      fix: 'check that the folder exists and is writable',
    });
  }
}

function packageVersion(): string {
  try {
    // Read at run time so the version recorded in results is the installed package's.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
