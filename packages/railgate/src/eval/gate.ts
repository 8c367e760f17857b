/**
 * The CI gate: a YAML file of limits per category (and `overall`) — minimum recall, maximum false-positive
 * rate, maximum over-refusal-to-leakage ratio — and, with a baseline result, the largest recall drop and
 * false-positive-rate rise allowed (`tolerance`). A gate requirement that cannot be checked (the category
 * is not in the data, the metric is undefined) fails: a gate must never pass by not looking.
 *
 * @example
 * ```yaml
 * tolerance: { recall: 0.02, fpr: 0.01 }
 * categories:
 *   overall: { min_recall: 0.9, max_fpr: 0.02 }
 *   prompt_injection: { min_recall: 0.95, max_ratio: 2 }
 * ```
 */
import { readFileSync } from 'node:fs';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { didYouMean } from '../engine/errors.js';
import { EvalInputError, type EvalIssue, fail } from './errors.js';
import { type ClassMetrics, gateRatio } from './metrics.js';
import type { EvalResult, GateCheckResult, GateReport, PolicyResult } from './result.js';
import { readResultFile } from './result-file.js';

/** The category name that means "all rows". */
export const OVERALL = 'overall';

export interface CategoryLimits {
  min_recall?: number;
  max_fpr?: number;
  max_ratio?: number;
}

export interface GateSpec {
  file: string;
  tolerance: { recall: number; fpr: number };
  /** In file order. */
  categories: Array<{ name: string; limits: CategoryLimits }>;
}

const ROOT_KEYS = ['version', 'tolerance', 'categories'] as const;
const LIMIT_KEYS = ['min_recall', 'max_fpr', 'max_ratio'] as const;
const TOLERANCE_KEYS = ['recall', 'fpr'] as const;

/** Numbers compared against a limit may differ from it in the last bits (0.1 + 0.2); this much is equal. */
const EPSILON = 1e-9;

export function readGateFile(file: string): GateSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    fail({
      code: 'GATE_NOT_FOUND',
      file,
      message: 'cannot read the gate file: no such file',
      fix: 'check the path given to --gate',
    });
  }
  return parseGate(text, file);
}

/** Parses and validates a gate document; every problem is reported with its path, line and fix. */
export function parseGate(text: string, file: string): GateSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const parseError = doc.errors[0];
  if (parseError) {
    const pos = lines.linePos(parseError.pos[0]);
    fail({
      code: 'GATE_PARSE',
      file,
      line: pos.line,
      column: pos.col,
      message: `not valid YAML: ${parseError.message.split('\n')[0]}`,
      fix: 'check indentation, colons and quotes around that line',
    });
  }
  const checker = new GateChecker(file, doc, lines);
  const spec = checker.spec(doc.toJS() as unknown);
  if (checker.issues.length > 0) throw new EvalInputError(checker.issues);
  return spec;
}

/** Walks the parsed gate document, collecting located issues. */
class GateChecker {
  readonly issues: EvalIssue[] = [];

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  spec(data: unknown): GateSpec {
    const spec: GateSpec = { file: this.file, tolerance: { recall: 0, fpr: 0 }, categories: [] };
    if (!isRecord(data)) {
      this.issue([], 'the gate file must be a mapping with `categories:`', 'start from the example in docs/eval.md');
      return spec;
    }
    this.unknownKeys(data, [], ROOT_KEYS);
    if ('version' in data && data.version !== 1)
      this.issue(
        ['version'],
        `unknown gate file version ${JSON.stringify(data.version)}`,
        'use `version: 1` or leave it out',
      );
    spec.tolerance = this.tolerance(data.tolerance);
    spec.categories = this.categories(data.categories);
    return spec;
  }

  private tolerance(value: unknown): GateSpec['tolerance'] {
    if (value === undefined) return { recall: 0, fpr: 0 };
    if (typeof value === 'number' || typeof value === 'string') {
      const t = this.fraction(value, ['tolerance']);
      return { recall: t, fpr: t };
    }
    if (!isRecord(value)) {
      this.issue(
        ['tolerance'],
        'tolerance must be a number or { recall, fpr }',
        'e.g. `tolerance: 0.02` or `tolerance: { recall: 0.02, fpr: 0.01 }`',
      );
      return { recall: 0, fpr: 0 };
    }
    this.unknownKeys(value, ['tolerance'], TOLERANCE_KEYS);
    return {
      recall: value.recall === undefined ? 0 : this.fraction(value.recall, ['tolerance', 'recall']),
      fpr: value.fpr === undefined ? 0 : this.fraction(value.fpr, ['tolerance', 'fpr']),
    };
  }

  private categories(value: unknown): GateSpec['categories'] {
    if (!isRecord(value) || Object.keys(value).length === 0) {
      this.issue(
        ['categories'],
        value === undefined
          ? 'no `categories:` section'
          : '`categories` must be a non-empty mapping of category → limits',
        'add e.g. `categories: { overall: { min_recall: 0.9, max_fpr: 0.02 } }`',
      );
      return [];
    }
    return Object.entries(value).map(([name, limits]) => ({ name, limits: this.limits(limits, ['categories', name]) }));
  }

  private limits(value: unknown, path: string[]): CategoryLimits {
    if (!isRecord(value) || Object.keys(value).length === 0) {
      this.issue(
        path,
        'each category needs at least one of min_recall, max_fpr, max_ratio',
        `e.g. \`${path[1]}: { min_recall: 0.9 }\``,
      );
      return {};
    }
    this.unknownKeys(value, path, LIMIT_KEYS);
    const limits: CategoryLimits = {};
    if (value.min_recall !== undefined) limits.min_recall = this.fraction(value.min_recall, [...path, 'min_recall']);
    if (value.max_fpr !== undefined) limits.max_fpr = this.fraction(value.max_fpr, [...path, 'max_fpr']);
    if (value.max_ratio !== undefined) {
      const ratio = value.max_ratio;
      if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0)
        this.issue(
          [...path, 'max_ratio'],
          `max_ratio must be a number ≥ 0, found ${JSON.stringify(ratio)}`,
          'e.g. `max_ratio: 2` (over-refusal at most twice the leakage)',
        );
      else limits.max_ratio = ratio;
    }
    return limits;
  }

  private fraction(value: unknown, path: string[]): number {
    if (typeof value === 'number' && value >= 0 && value <= 1) return value;
    const percent = typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value.trim());
    this.issue(
      path,
      `expected a number from 0 to 1, found ${JSON.stringify(value)}`,
      percent ? `write ${value} as ${Number.parseFloat(value as string) / 100}` : 'rates are fractions: 0.95, not 95',
    );
    return 0;
  }

  private unknownKeys(value: Record<string, unknown>, path: string[], known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const suggestion = didYouMean(key, known);
      this.issue(
        [...path, key],
        `unknown key '${key}'`,
        suggestion ? `did you mean '${suggestion}'?` : `use one of: ${known.join(', ')}`,
      );
    }
  }

  private issue(path: string[], message: string, fix: string): void {
    this.issues.push({
      code: 'GATE_INVALID',
      file: this.file,
      path: path.join('.'),
      ...this.locate(path),
      message,
      fix,
    });
  }

  private locate(path: string[]): { line?: number; column?: number } {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      const range = node && typeof node === 'object' ? node.range : undefined;
      if (range) {
        const pos = this.lines.linePos(range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an earlier result for --baseline; it must be a railgate.eval/1 document. */
export function readBaseline(file: string): EvalResult {
  return readResultFile(file, {
    code: 'BASELINE_INVALID',
    fix: 'pass a result written by `railgate eval --json <file>` of this major version',
  });
}

/** Checks every policy of the result against the gate (and the baseline, when given). */
export function evaluateGate(
  spec: GateSpec,
  result: EvalResult,
  baseline?: { file: string; result: EvalResult },
): GateReport {
  const checks: GateCheckResult[] = [];
  for (const policy of result.policies) {
    for (const { name, limits } of spec.categories) checks.push(...limitChecks(policy, name, limits));
    if (baseline) checks.push(...baselineChecks(policy, baseline.result, spec.tolerance));
  }
  return {
    file: spec.file,
    baseline: baseline?.file ?? null,
    passed: checks.every((c) => c.status !== 'fail'),
    checks,
  };
}

function metricsOf(policy: PolicyResult, category: string): ClassMetrics | undefined {
  return category === OVERALL ? policy.overall : policy.categories[category];
}

function limitChecks(policy: PolicyResult, category: string, limits: CategoryLimits): GateCheckResult[] {
  const metrics = metricsOf(policy, category);
  const base = { policy: policy.source, category };
  const checks: GateCheckResult[] = [];
  const missing = (check: GateCheckResult['check'], limit: number, note: string): GateCheckResult => ({
    ...base,
    check,
    limit,
    actual: null,
    status: 'fail',
    note,
  });
  if (!metrics) {
    for (const key of LIMIT_KEYS) {
      const limit = limits[key];
      if (limit !== undefined) checks.push(missing(key, limit, 'no rows of this category in the data'));
    }
    return checks;
  }
  if (limits.min_recall !== undefined) {
    const recall = metrics.recall;
    checks.push(
      recall === null
        ? missing('min_recall', limits.min_recall, `recall undefined: ${metrics.undefined_because.recall}`)
        : {
            ...base,
            check: 'min_recall',
            limit: limits.min_recall,
            actual: recall,
            status: recall >= limits.min_recall - EPSILON ? 'pass' : 'fail',
          },
    );
  }
  if (limits.max_fpr !== undefined) {
    const fpr = metrics.fpr;
    checks.push(
      fpr === null
        ? missing('max_fpr', limits.max_fpr, `false-positive rate undefined: ${metrics.undefined_because.fpr}`)
        : {
            ...base,
            check: 'max_fpr',
            limit: limits.max_fpr,
            actual: fpr,
            status: fpr <= limits.max_fpr + EPSILON ? 'pass' : 'fail',
          },
    );
  }
  if (limits.max_ratio !== undefined) checks.push(ratioCheck(base, metrics, limits.max_ratio));
  return checks;
}

function ratioCheck(base: { policy: string; category: string }, metrics: ClassMetrics, limit: number): GateCheckResult {
  const ratio = gateRatio(metrics);
  const check = { ...base, check: 'max_ratio' as const, limit };
  if (ratio === null || ratio === Number.POSITIVE_INFINITY) {
    const note =
      ratio === null
        ? `ratio undefined: ${metrics.undefined_because.over_refusal_to_leakage}`
        : 'unbounded: benign rows refused while nothing leaks';
    return { ...check, actual: null, status: 'fail', note };
  }
  return { ...check, actual: ratio, status: ratio <= limit + EPSILON ? 'pass' : 'fail' };
}

/** The baseline's result for this policy: same source, else same policy id, else its only policy. */
function baselinePolicy(policy: PolicyResult, baseline: EvalResult): PolicyResult | undefined {
  return (
    baseline.policies.find((p) => p.source === policy.source) ??
    baseline.policies.find((p) => p.policy?.id === policy.policy.id) ??
    (baseline.policies.length === 1 ? baseline.policies[0] : undefined)
  );
}

function baselineChecks(
  policy: PolicyResult,
  baseline: EvalResult,
  tolerance: GateSpec['tolerance'],
): GateCheckResult[] {
  const before = baselinePolicy(policy, baseline);
  if (!before)
    return [
      {
        policy: policy.source,
        category: OVERALL,
        check: 'baseline_recall',
        limit: null,
        actual: null,
        status: 'skip',
        note: 'no policy of that id in the baseline',
      },
    ];
  const checks: GateCheckResult[] = [];
  for (const category of [OVERALL, ...Object.keys(policy.categories)]) {
    const now = metricsOf(policy, category) as ClassMetrics;
    const then = metricsOf(before, category);
    const base = { policy: policy.source, category };
    if (!then) {
      checks.push({
        ...base,
        check: 'baseline_recall',
        limit: null,
        actual: now.recall,
        status: 'skip',
        note: 'category not in the baseline',
      });
      continue;
    }
    checks.push(regression(base, 'baseline_recall', then.recall, now.recall, -tolerance.recall));
    checks.push(regression(base, 'baseline_fpr', then.fpr, now.fpr, tolerance.fpr));
  }
  return checks;
}

/** Recall may fall by at most the tolerance (`allowance` < 0); the false-positive rate may rise by at most it. */
function regression(
  base: { policy: string; category: string },
  check: 'baseline_recall' | 'baseline_fpr',
  then: number | null,
  now: number | null,
  allowance: number,
): GateCheckResult {
  if (then === null || now === null)
    return {
      ...base,
      check,
      limit: null,
      actual: now,
      status: 'skip',
      note: 'undefined in the baseline or in this run',
    };
  const limit = then + allowance;
  const ok = check === 'baseline_recall' ? now >= limit - EPSILON : now <= limit + EPSILON;
  return { ...base, check, limit, actual: now, status: ok ? 'pass' : 'fail', note: `baseline ${then.toFixed(3)}` };
}
