/** Option values from the command line, checked once: a bad value is a usage error that names the option. */
import type { Rail } from '../engine/types.js';
import { fail } from '../eval/errors.js';
import type { SourceSpec } from '../eval/evaluate.js';

/** Where `eval` and `redteam` read their rows: files and folders, shipped suites, and how to read the rows. */
export interface SourceOptions {
  data?: string[];
  suite?: string[];
  textField?: string;
  categoryField?: string;
  /** Rail of rows without a rail field. */
  rail: Rail;
}

/** The result files of `eval` and `redteam`: JSON (`-` for stdout) and a Markdown summary. */
export interface ResultOutputOptions {
  json?: string;
  markdown?: string;
}

/** The sources in the order given: positional files, then `--data` paths, then `--suite` names. */
export function sourceSpecs(files: readonly string[], options: Pick<SourceOptions, 'data' | 'suite'>): SourceSpec[] {
  return [
    ...files.map((path) => ({ path })),
    ...(options.data ?? []).map((path) => ({ path })),
    ...(options.suite ?? []).map((suite) => ({ suite })),
  ];
}

/** A number option within [min, max]; undefined when not given. */
export function numberOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  return checkedNumber(name, value, { min, max, integer }, `pass a value between ${min} and ${max}`);
}

/**
 * A rate option: a fraction from 0 to 1; undefined when not given. `example` is the fraction the fix line
 * shows, one that makes sense for this option (a target FPR is small, a tolerated success rate less so).
 */
export function rateOption(name: string, value: string | undefined, example = '0.05 for 5%'): number | undefined {
  return checkedNumber(name, value, { min: 0, max: 1, integer: false }, `rates are fractions: ${example}`);
}

function checkedNumber(
  name: string,
  value: string | undefined,
  range: { min: number; max: number; integer: boolean },
  fix: string,
): number | undefined {
  if (value === undefined) return undefined;
  const { min, max, integer } = range;
  const n = Number(value);
  // Number('') and Number(' ') are 0: a blank value is refused, not read as zero.
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    fail({
      code: 'OPTION_INVALID',
      message: `${name}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${value}'`,
      fix,
    });
  return n;
}

/** A comma-separated list, trimmed, empty items dropped; undefined when not given. */
export function listOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** An absolute http(s) URL option. */
export function urlOption(name: string, value: string): URL {
  if (!URL.canParse(value))
    fail({
      code: 'OPTION_INVALID',
      message: `${name}: '${value}' is not an absolute URL`,
      fix: 'e.g. http://127.0.0.1:8787',
    });
  return new URL(value);
}
