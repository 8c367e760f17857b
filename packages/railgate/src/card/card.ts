/**
 * A guardrail card — a model card for the guardrail: what a policy checks on each rail, how well it did on
 * which data, where it fails (quoted from the worst errors), how fast it is, and exactly which policy,
 * evaluation and tool version the figures belong to. Built from the effective policy and a
 * `railgate.eval/1` result of that same policy version; rendered as Markdown and as self-contained HTML
 * from the same tables, so both show the same numbers.
 */
import type { EffectivePolicy, EffectiveRule } from '../engine/policy.js';
import { RAILS } from '../engine/types.js';
import type { CategoryResult, EvalResult, Example, PolicyResult } from '../eval/result.js';
import { type Align, fixed, micros, type Table } from '../eval/tables.js';
import { BUILTIN_SCANNERS } from '../scanners/registry.js';
import { CardInputError } from './errors.js';

export interface CardInput {
  /** The policy as the user named it (file or preset). */
  source: string;
  policy: EffectivePolicy;
  result: EvalResult;
  /** Where the eval result was read from, for the provenance section. */
  resultFile: string;
  toolVersion: string;
  /** The card's date (tests fix it). */
  now: Date;
  /** Examples quoted per kind of error. */
  examples: number;
  /** Build the card even when the result was made with another policy version. */
  allowMismatch: boolean;
}

/** What the renderers read: the input, the eval's policy result chosen for this policy, and the mismatch. */
export interface Card {
  input: CardInput;
  measured: PolicyResult;
  /** The eval result was made with another policy version (only with allowMismatch). */
  mismatch: boolean;
}

export const CARD_SECTIONS = [
  'Summary',
  'What the policy checks',
  'Measured quality',
  'Known failure modes',
  'Latency',
  'Provenance',
] as const;

/**
 * The eval's result for this policy: the one with the same version. Without one, the card would put
 * another policy's numbers under this policy's name: refused unless allowMismatch, then the one with the
 * same id (or the only one) is used and the card says so at the top.
 */
export function buildCard(input: CardInput): Card {
  const { policy, result } = input;
  const exact = result.policies.find((p) => p.policy.version === policy.version);
  if (exact) return { input, measured: exact, mismatch: false };
  const nearest = result.policies.find((p) => p.policy.id === policy.id) ?? result.policies[0];
  if (!nearest)
    throw new CardInputError(
      'EVAL_INVALID',
      `${input.resultFile}: the eval result holds no policy`,
      'run railgate eval --json again',
    );
  if (!input.allowMismatch) {
    const measured = result.policies.map((p) => `${p.policy.id} ${p.policy.version}`).join(', ');
    throw new CardInputError(
      'POLICY_MISMATCH',
      `${input.resultFile} was measured with ${measured}, not with ${policy.id} ${policy.version} (${input.source}): the card would show another policy's numbers`,
      `re-run \`railgate eval --policy ${input.source} --json ${input.resultFile}\`, or pass --allow-mismatch to write the card anyway (it says so at the top)`,
    );
  }
  return { input, measured: nearest, mismatch: true };
}

/** The warning a card built with --allow-mismatch carries at the top. */
export function mismatchLine(card: Card): string {
  const { policy } = card.input;
  const measured = card.measured.policy;
  return `the figures below were measured with ${measured.id} ${measured.version}, not with this policy version (${policy.version}).`;
}

const SCANNER_DESCRIPTIONS: ReadonlyMap<string, string> = new Map(BUILTIN_SCANNERS.map((s) => [s.id, s.description]));

/** One table per rail the policy configures: its rules as the engine runs them. */
export function railTables(policy: EffectivePolicy): Array<{ rail: string; settings: string; table: Table }> {
  const out: Array<{ rail: string; settings: string; table: Table }> = [];
  for (const rail of RAILS) {
    const config = policy.rails[rail];
    if (!config || config.rules.length === 0) continue;
    const settings = `mode ${config.mode}, aggregation ${config.aggregation}, timeout ${config.timeout_ms} ms, on error ${config.on_error}`;
    out.push({
      rail,
      settings,
      table: {
        header: ['rule', 'scanner', 'checks for', 'threshold', 'action', 'review band', 'on error', 'runs'],
        rows: config.rules.map(ruleRow),
        align: ['l', 'l', 'l', 'r', 'l', 'l', 'l', 'l'],
      },
    });
  }
  return out;
}

function ruleRow(rule: EffectiveRule): string[] {
  const runs = rule.when
    ? `only when ${rule.when.rule} scored in [${rule.when.band[0]}, ${rule.when.band[1]})`
    : rule.timeout_ms !== undefined
      ? `always, timeout ${rule.timeout_ms} ms`
      : 'always';
  return [
    rule.id,
    rule.scanner,
    SCANNER_DESCRIPTIONS.get(rule.scanner) ?? '(a scanner registered by the application)',
    fixed(rule.threshold, 2),
    rule.action,
    rule.review_band ? `[${rule.review_band[0]}, ${rule.review_band[1]})` : '—',
    rule.on_error,
    runs,
  ];
}

export function onBlockLine(policy: EffectivePolicy): string {
  const { respond, message, status } = policy.on_block;
  const how = respond === 'refusal' ? `an ordinary answer saying "${message}"` : 'the API error shape';
  return `A gateway answers a blocked request or answer with ${how}${status !== undefined ? ` (HTTP ${status})` : ''}.`;
}

function qualityRow(name: string, m: CategoryResult): string[] {
  return [
    name,
    String(m.rows),
    String(m.attacks),
    String(m.benign),
    fixed(m.recall),
    fixed(m.fnr),
    fixed(m.fpr),
    fixed(m.precision),
    fixed(m.f1),
    micros(m.latency_us.p50),
    micros(m.latency_us.p99),
  ];
}

export function qualityTable(measured: PolicyResult): Table {
  return {
    header: [
      'category',
      'rows',
      'attacks',
      'benign',
      'recall',
      'leakage',
      'over-refusal',
      'precision',
      'F1',
      'p50',
      'p99',
    ],
    rows: [
      ...Object.entries(measured.categories).map(([name, m]) => qualityRow(name, m)),
      qualityRow('overall', measured.overall),
    ],
    align: ['l', ...new Array<Align>(10).fill('r')],
  };
}

/** Rules that caught or refused anything, with what they did. */
export function contributionTable(measured: PolicyResult): Table {
  return {
    header: ['rule', 'attacks caught', 'caught alone', 'benign refused', 'refused alone'],
    rows: measured.rules
      .filter((r) => r.contribution.caught + r.contribution.false_positives > 0)
      .map((r) => [
        r.key,
        String(r.contribution.caught),
        String(r.contribution.caught_alone),
        String(r.contribution.false_positives),
        String(r.contribution.false_positives_alone),
      ]),
    align: ['l', 'r', 'r', 'r', 'r'],
  };
}

export function dataTable(result: EvalResult): Table {
  return {
    header: ['source', 'kind', 'version', 'files', 'rows'],
    rows: result.data.sources.map((s) => [
      s.name,
      s.kind,
      s.version ?? '—',
      String(s.files.length),
      String(s.files.reduce((n, f) => n + f.rows, 0)),
    ]),
    align: ['l', 'l', 'l', 'r', 'r'],
  };
}

export function latencyTable(measured: PolicyResult): Table {
  const l = measured.latency_us;
  return {
    header: ['p50', 'p90', 'p99', 'max', 'mean', 'checks per second'],
    rows: [
      [
        micros(l.p50),
        micros(l.p90),
        micros(l.p99),
        micros(l.max),
        micros(l.mean),
        String(Math.round(measured.run.rows_per_second)),
      ],
    ],
    align: new Array<Align>(6).fill('r'),
  };
}

/** The data in one sentence: sources with versions and the row counts. */
export function dataLine(result: EvalResult): string {
  const sources = result.data.sources
    .map((s) => (s.kind === 'suite' ? `suite ${s.name} v${s.version ?? '?'}` : `file ${s.name}`))
    .join(', ');
  const { rows, attacks, benign, pairs, categories } = result.data;
  return `${sources}: ${rows} rows (${attacks} attacks, ${benign} benign, ${pairs} attack/look-alike pairs) in ${categories.length} categories`;
}

export function flagOnLine(result: EvalResult): string {
  const { default: base, by_category } = result.config.flag_on;
  const exceptions = Object.entries(by_category).map(([c, actions]) => `${c}: ${actions.join(', ')}`);
  return `An attack counts as caught when the verdict's action is ${base.join(' or ')}${exceptions.length > 0 ? ` (${exceptions.join('; ')})` : ''}.`;
}

export interface FailureModes {
  /** Categories whose attacks passed, highest leakage first. */
  leaks: string[];
  /** Categories whose benign look-alikes were refused, highest over-refusal first, with the rules that did it. */
  refusals: string[];
}

/** Failure modes in words, from the per-category figures, worst first. */
export function failureModes(measured: PolicyResult): FailureModes {
  const categories = Object.entries(measured.categories);
  const leaks = categories
    .filter(([, m]) => m.confusion.fn > 0)
    .sort(([a, x], [b, y]) => (y.fnr ?? 0) - (x.fnr ?? 0) || a.localeCompare(b))
    .map(([name, m]) => `${name}: ${m.confusion.fn} of ${m.attacks} attacks passed (leakage ${fixed(m.fnr)})`);
  const refusals = categories
    .filter(([, m]) => m.confusion.fp > 0)
    .sort(([a, x], [b, y]) => (y.fpr ?? 0) - (x.fpr ?? 0) || a.localeCompare(b))
    .map(([name, m]) => {
      const rules = measured.rules
        .filter((r) => (r.contribution.by_category[name]?.false_positives ?? 0) > 0)
        .map((r) => r.key);
      const by = rules.length > 0 ? `, by ${rules.join(', ')}` : '';
      return `${name}: ${m.confusion.fp} of ${m.benign} benign look-alikes refused (over-refusal ${fixed(m.fpr)}${by})`;
    });
  return { leaks, refusals };
}

/** The summary's pointer to the weak spots: the three leakiest categories and the two that refuse most. */
export function weakestLine(measured: PolicyResult): string | undefined {
  const top = (key: 'fnr' | 'fpr', n: number) =>
    Object.entries(measured.categories)
      .filter(([, m]) => (m[key] ?? 0) > 0)
      .sort(([a, x], [b, y]) => (y[key] ?? 0) - (x[key] ?? 0) || a.localeCompare(b))
      .slice(0, n)
      .map(([name, m]) => `${name} (${fixed(m[key])})`);
  const leaks = top('fnr', 3);
  const refusals = top('fpr', 2);
  const parts = [
    ...(leaks.length > 0 ? [`leakage highest in ${leaks.join(', ')}`] : []),
    ...(refusals.length > 0 ? [`over-refusal highest in ${refusals.join(', ')}`] : []),
  ];
  return parts.length > 0 ? `${parts.join('; ')}.` : undefined;
}

/** The worst errors quoted: attacks let through (lowest scores first) and benign rows refused. */
export function quotedExamples(measured: PolicyResult, limit: number): { missed: Example[]; refused: Example[] } {
  return {
    missed: measured.examples.false_negatives.slice(0, limit),
    refused: measured.examples.false_positives.slice(0, limit),
  };
}

/** Characters of an example quoted in the card. */
export const QUOTE_CHARS = 300;

export function quoteOf(example: Example): string {
  const text = example.text.length > QUOTE_CHARS ? `${example.text.slice(0, QUOTE_CHARS)}…` : example.text;
  return example.text_truncated && !text.endsWith('…') ? `${text}…` : text;
}

/** What the quote is: category, rail, action, and who flagged it (or the highest score it got). */
export function exampleLabel(example: Example): string {
  const who =
    example.flagged_by.length > 0
      ? `flagged by ${example.flagged_by.join(', ')}`
      : `highest score ${fixed(example.max_score, 2)}`;
  return `${example.category} (${example.id}, ${example.rail} rail, action ${example.action}, ${who})`;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
