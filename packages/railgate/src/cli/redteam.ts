/**
 * `railgate redteam`: send obfuscated, framed, planted and multi-turn variants of seed attacks to a target
 * (a policy in process, a running gateway, or an OpenAI-compatible model) within a budget, and report the
 * attack success rate per strategy and per category. Exit codes: 0 done, 1 the success rate is over
 * `--max-success-rate`, 2 bad input (seeds, options, target URL, key variable, policy).
 */
import { PolicyError } from '../engine/errors.js';
import type { VerdictAction } from '../engine/types.js';
import { EvalInputError, fail } from '../eval/errors.js';
import type { SourceSpec } from '../eval/evaluate.js';
import {
  applyMaxSuccessRate,
  formatRedteamMarkdown,
  formatRedteamText,
  type JudgeSpec,
  type RedteamOptions,
  redteam,
  regressionJsonl,
  renderRedteamReport,
  type TargetSpec,
} from '../redteam/index.js';
import type { RedteamResult } from '../redteam/result.js';
import { targetUrlProblem } from '../redteam/targets/access.js';
import {
  listOption,
  numberOption,
  type ResultOutputOptions,
  rateOption,
  type SourceOptions,
  sourceSpecs,
  urlOption,
} from './options.js';
import { writeFile } from './output.js';
import { progressBar, withProgress } from './progress.js';
import type { CliIO } from './scan.js';
import { packageVersion } from './version.js';

export interface RedteamCommandOptions extends SourceOptions, ResultOutputOptions {
  idField?: string;
  policy?: string;
  gateway?: string;
  openaiBaseUrl?: string;
  model?: string;
  keyEnv?: string;
  judgeBaseUrl?: string;
  judgeModel?: string;
  judgeKeyEnv?: string;
  allowPrivate?: boolean;
  strategies?: string;
  budget?: string;
  variants?: string;
  concurrency?: string;
  timeoutMs?: string;
  seed?: string;
  maxTokens?: string;
  flagOn?: string;
  maxSuccessRate?: string;
  saveSuccesses?: string;
  examples?: string;
  html?: string;
}

export const REDTEAM_EXIT = { ok: 0, tooManySuccesses: 1, usage: 2 } as const;

export async function redteamCommand(files: string[], options: RedteamCommandOptions, io: CliIO): Promise<number> {
  try {
    const maxSuccessRate = rateOption('--max-success-rate', options.maxSuccessRate);
    const examples = numberOption('--examples', options.examples, 0, 10_000, true) ?? 10;
    const bar = progressBar(io, 'redteam', 'attempts');
    const result = await withProgress(bar, (progress) => redteam({ ...redteamOptionsOf(files, options), ...progress }));
    if (maxSuccessRate !== undefined) applyMaxSuccessRate(result, maxSuccessRate);
    writeOutputs(result, options, examples, io);
    return result.gate && !result.gate.passed ? REDTEAM_EXIT.tooManySuccesses : REDTEAM_EXIT.ok;
  } catch (error) {
    if (error instanceof EvalInputError || error instanceof PolicyError) {
      io.stderr.write(`railgate redteam: ${error.message}\n`);
      return REDTEAM_EXIT.usage;
    }
    throw error;
  }
}

function redteamOptionsOf(files: readonly string[], options: RedteamCommandOptions): RedteamOptions {
  const out: RedteamOptions = {
    sources: sourcesOf(files, options),
    target: targetOf(options),
    rail: options.rail,
    toolVersion: packageVersion(),
    fields: {
      ...(options.textField !== undefined && { text: options.textField }),
      ...(options.categoryField !== undefined && { category: options.categoryField }),
      ...(options.idField !== undefined && { id: options.idField }),
    },
  };
  const strategies = listOption(options.strategies);
  if (strategies) out.strategies = strategies;
  const budget = numberOption('--budget', options.budget, 1, 10_000_000, true);
  if (budget !== undefined) out.budget = budget;
  const variants = numberOption('--variants', options.variants, 1, 100, true);
  if (variants !== undefined) out.variants = variants;
  const concurrency = numberOption('--concurrency', options.concurrency, 1, 256, true);
  if (concurrency !== undefined) out.concurrency = concurrency;
  const timeoutMs = numberOption('--timeout-ms', options.timeoutMs, 1, 600_000, true);
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (options.seed !== undefined) out.seed = options.seed;
  const flagOn = listOption(options.flagOn);
  if (flagOn) {
    if (out.target.kind === 'model')
      fail({
        code: 'OPTION_INVALID',
        message: '--flag-on is for a policy or gateway target (a model is judged by its answer)',
        fix: 'drop --flag-on, or use --judge-base-url to judge answers with a model',
      });
    out.flagOn = flagOn as VerdictAction[];
  }
  return out;
}

function sourcesOf(files: readonly string[], options: RedteamCommandOptions): SourceSpec[] {
  const sources = sourceSpecs(files, options);
  if (sources.length === 0)
    fail({
      code: 'OPTION_INVALID',
      message: 'no seed attacks: name a JSONL/CSV file ({text, category?}), --data <path> or --suite <name>',
      fix: 'try `railgate redteam --suite builtin --budget 200`',
    });
  return sources;
}

/** Exactly one target; none given means the default policy, as for `railgate eval`. */
function targetOf(options: RedteamCommandOptions): TargetSpec {
  const given = [
    options.policy !== undefined && '--policy',
    options.gateway !== undefined && '--gateway',
    options.openaiBaseUrl !== undefined && '--openai-base-url',
  ].filter((name): name is string => name !== false);
  if (given.length > 1)
    fail({
      code: 'OPTION_INVALID',
      message: `one target at a time: got ${given.join(' and ')}`,
      fix: 'run the command once per target',
    });
  if (options.judgeBaseUrl !== undefined && options.openaiBaseUrl === undefined)
    fail({
      code: 'OPTION_INVALID',
      message: '--judge-base-url judges model answers: it needs --openai-base-url',
      fix: 'a policy or a gateway target is judged by its verdict',
    });
  if (options.gateway !== undefined) return gatewayOf(options.gateway, options);
  if (options.openaiBaseUrl !== undefined) return modelOf(options.openaiBaseUrl, options);
  return { kind: 'policy', policy: options.policy ?? 'default' };
}

function gatewayOf(url: string, options: RedteamCommandOptions): TargetSpec {
  checkedUrl('--gateway', url, options);
  if (options.keyEnv === undefined)
    fail({
      code: 'OPTION_INVALID',
      message: '--gateway needs a tenant API key: --key-env <VARIABLE> names the environment variable holding it',
      fix: 'e.g. `RAILGATE_KEY=rg_… railgate redteam --gateway http://127.0.0.1:8787 --key-env RAILGATE_KEY`',
    });
  return {
    kind: 'gateway',
    url,
    apiKey: envValue('--key-env', options.keyEnv),
    allowPrivate: options.allowPrivate === true,
  };
}

function modelOf(baseUrl: string, options: RedteamCommandOptions): TargetSpec {
  const target = checkedUrl('--openai-base-url', baseUrl, options);
  if (options.model === undefined)
    fail({
      code: 'OPTION_INVALID',
      message: '--openai-base-url needs --model <name>',
      fix: 'e.g. --model gpt-4o-mini',
    });
  const maxTokens = numberOption('--max-tokens', options.maxTokens, 16, 32_768, true);
  return {
    kind: 'model',
    baseUrl,
    model: options.model,
    ...(options.keyEnv !== undefined && { apiKey: envValue('--key-env', options.keyEnv) }),
    ...(maxTokens !== undefined && { maxTokens }),
    allowPrivate: options.allowPrivate === true,
    judge: judgeOf(target, options),
  };
}

function judgeOf(target: URL, options: RedteamCommandOptions): JudgeSpec {
  if (options.judgeBaseUrl === undefined) {
    if (options.judgeModel !== undefined)
      fail({ code: 'OPTION_INVALID', message: '--judge-model needs --judge-base-url', fix: 'name the judge endpoint' });
    return { kind: 'refusal' };
  }
  const judge = checkedUrl('--judge-base-url', options.judgeBaseUrl, options);
  if (options.judgeModel === undefined)
    fail({
      code: 'OPTION_INVALID',
      message: '--judge-base-url needs --judge-model <name>',
      fix: 'e.g. --judge-model gpt-4o-mini',
    });
  // The target's key goes to the judge only on the same origin: never hand a key to another server unasked.
  const keyEnv = options.judgeKeyEnv ?? (judge.origin === target.origin ? options.keyEnv : undefined);
  if (keyEnv !== undefined) envValue('--judge-key-env', keyEnv);
  return {
    kind: 'llm_judge',
    baseUrl: options.judgeBaseUrl,
    model: options.judgeModel,
    ...(keyEnv !== undefined && { keyEnv }),
  };
}

function checkedUrl(name: string, value: string, options: RedteamCommandOptions): URL {
  const url = urlOption(name, value);
  const problem = targetUrlProblem(url, options.allowPrivate === true);
  if (problem)
    fail({
      code: 'OPTION_INVALID',
      message: `${name}: ${problem}`,
      fix: 'loopback addresses typed in the URL are allowed; private networks need --allow-private',
    });
  return url;
}

/** The value of the variable an option names; an unset or empty variable is a usage error. */
function envValue(option: string, name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
    fail({
      code: 'OPTION_INVALID',
      message: `${option}: '${name}' is not a variable name`,
      fix: 'pass the name of the variable, not the key',
    });
  const value = process.env[name];
  if (value === undefined || value === '')
    fail({
      code: 'OPTION_INVALID',
      message: `${option}: the environment variable ${name} is not set or is empty`,
      fix: `export ${name}=…`,
    });
  return value;
}

function writeOutputs(result: RedteamResult, options: RedteamCommandOptions, examples: number, io: CliIO): void {
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (options.json === '-') io.stdout.write(json);
  else {
    if (options.json !== undefined) writeFile(options.json, json);
    io.stdout.write(formatRedteamText(result, { examples }));
  }
  if (options.markdown !== undefined) writeFile(options.markdown, formatRedteamMarkdown(result, { examples }));
  // Built from the result document alone, like the eval report: the saved JSON renders the same page.
  if (options.html !== undefined) writeFile(options.html, renderRedteamReport(result));
  if (options.saveSuccesses !== undefined) {
    writeFile(options.saveSuccesses, regressionJsonl(result));
    io.stderr.write(
      result.successes.length > 0
        ? `railgate redteam: ${result.successes.length} successful variant(s) written to ${options.saveSuccesses}; check them with \`railgate eval ${options.saveSuccesses} --gate <gate.yaml>\`\n`
        : `railgate redteam: nothing got through; ${options.saveSuccesses} is empty\n`,
    );
  }
}
