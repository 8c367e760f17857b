/**
 * The readable forms of a red-team result: a terminal summary and a Markdown summary (for a pull-request
 * comment or an issue), built from the same tables so they show the same numbers.
 */
import { markdownText, visibleCodePoints } from '../eval/escape.js';
import { type Align, markdownTable, oneLine, signed, type Table, textTable } from '../eval/tables.js';
import type { CategoryRedteam, RedteamResult, SuccessfulVariant } from './result.js';
import type { TargetInfo } from './targets/target.js';

export function targetLine(target: TargetInfo): string {
  switch (target.kind) {
    case 'policy':
      return `policy ${target.source} (${target.policy.id} ${target.policy.version})`;
    case 'gateway':
      return `gateway ${target.url}`;
    case 'model': {
      const judge = target.judge.kind === 'refusal' ? 'refusal scanner' : `LLM judge ${target.judge.model}`;
      return `model ${target.model} at ${target.url}, compliance judged by the ${judge}`;
    }
  }
}

/** A rate as a percentage with one decimal (`12.5%`); `—` when undefined. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function strategyTable(result: RedteamResult): Table {
  return {
    header: [
      'strategy',
      'family',
      'attempts',
      'successes',
      'stopped',
      'errors',
      'success rate',
      'plain',
      'lift',
      'evades plain-stopped',
    ],
    rows: result.strategies
      .filter((s) => s.attempts > 0)
      .map((s) => [
        s.id,
        s.family,
        String(s.attempts),
        String(s.successes),
        String(s.stopped),
        String(s.errors),
        percent(s.success_rate),
        percent(s.baseline_rate),
        s.lift === null ? '—' : `${signed(s.lift * 100, 1)} pt`,
        s.evasion === null ? '—' : `${s.evasion.successes}/${s.evasion.attempts} (${percent(s.evasion.rate)})`,
      ]),
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  };
}

/** The strategy with the highest success rate in a category (ties: the first in report order). */
function strongest(category: CategoryRedteam): string {
  let best: [string, number] | undefined;
  for (const [id, rate] of Object.entries(category.by_strategy)) {
    if (rate.success_rate === null || rate.success_rate === 0) continue;
    if (!best || rate.success_rate > best[1]) best = [id, rate.success_rate];
  }
  return best ? `${best[0]} (${percent(best[1])})` : '—';
}

export function categoryTable(result: RedteamResult): Table {
  const plainOf = (c: CategoryRedteam) => c.by_strategy.plain?.success_rate ?? null;
  return {
    header: ['category', 'seeds', 'attempts', 'successes', 'errors', 'success rate', 'plain', 'strongest strategy'],
    rows: [
      ...result.categories.map((c) => [
        c.name,
        String(c.seeds),
        String(c.attempts),
        String(c.successes),
        String(c.errors),
        percent(c.success_rate),
        percent(plainOf(c)),
        strongest(c),
      ]),
      [
        'overall',
        String(result.seeds.used),
        String(result.overall.attempts),
        String(result.overall.successes),
        String(result.overall.errors),
        percent(result.overall.success_rate),
        percent(result.strategies.find((s) => s.family === 'baseline')?.success_rate ?? null),
        '',
      ],
    ],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  };
}

function successTable(successes: readonly SuccessfulVariant[], textChars: number): Table {
  return {
    header: ['seed', 'category', 'strategy', 'rail', 'verdict', 'variant'],
    rows: successes.map((s) => [
      s.seed_id,
      s.category,
      s.strategy,
      s.rail ?? 'messages',
      s.detail,
      oneLine(s.text, textChars),
    ]),
    align: new Array<Align>(6).fill('l'),
  };
}

/** Seed ids, categories and variants come from files and attackers: no control or hidden character reaches a terminal. */
function plain(table: Table): Table {
  return { ...table, rows: table.rows.map((row) => row.map((cell) => oneLine(visibleCodePoints(cell), 200))) };
}

/** Seed ids, categories and variants come from files and attackers: every Markdown cell is escaped. */
function escaped(table: Table): Table {
  return { ...table, rows: table.rows.map((row) => row.map(markdownText)) };
}

function gateLine(result: RedteamResult): string | undefined {
  const gate = result.gate;
  if (!gate) return undefined;
  const verdict = gate.passed ? 'passed' : 'FAILED';
  return `max success rate ${percent(gate.max_success_rate)}: ${verdict} (overall ${percent(gate.actual)})`;
}

function headline(result: RedteamResult): string[] {
  const { overall, attempts, seeds } = result;
  return [
    `railgate redteam: ${targetLine(result.target)}`,
    `${attempts.made} attempts on ${seeds.used} seeds (of ${seeds.attacks}), ${result.config.strategies.length} strategies, seed ${result.config.seed}: ` +
      `${overall.successes} got through, ${overall.stopped} stopped, ${overall.errors} errors — success rate ${percent(overall.success_rate)}`,
  ];
}

/**
 * Successes to list: first those that got a seed through that was stopped as written (what the strategy
 * achieved), then the rest; within each, one per strategy in turn, preferring a seed not shown yet — so a
 * short list shows many strategies and seeds rather than every variant of the first seed.
 */
export function sampleSuccesses(successes: readonly SuccessfulVariant[], limit: number): SuccessfulVariant[] {
  const out: SuccessfulVariant[] = [];
  const shownSeeds = new Set<string>();
  for (const group of [
    successes.filter((s) => s.plain_stopped === true),
    successes.filter((s) => s.plain_stopped !== true),
  ]) {
    const queues = [...groupByStrategy(group).values()];
    while (out.length < limit && queues.some((q) => q.length > 0)) {
      for (const queue of queues) {
        if (out.length >= limit || queue.length === 0) continue;
        const fresh = queue.findIndex((s) => !shownSeeds.has(s.seed_id));
        const [next] = queue.splice(fresh >= 0 ? fresh : 0, 1);
        if (!next) continue;
        out.push(next);
        shownSeeds.add(next.seed_id);
      }
    }
  }
  return out;
}

function groupByStrategy(successes: readonly SuccessfulVariant[]): Map<string, SuccessfulVariant[]> {
  const out = new Map<string, SuccessfulVariant[]>();
  for (const s of successes) {
    const list = out.get(s.strategy);
    if (list) list.push(s);
    else out.set(s.strategy, [s]);
  }
  return out;
}

export interface FormatOptions {
  /** Successful variants listed (the JSON keeps all of them). */
  examples: number;
}

export function formatRedteamText(result: RedteamResult, options: FormatOptions): string {
  const out = [...headline(result), ''];
  out.push(
    'by strategy (plain: the same seeds as written; lift in percentage points; evades: got through where plain was stopped):',
  );
  out.push(textTable(plain(strategyTable(result)), '  '), '');
  out.push('by category:', textTable(plain(categoryTable(result)), '  '), '');
  const shown = sampleSuccesses(result.successes, options.examples);
  if (shown.length > 0) {
    out.push(
      `successful variants (${shown.length} of ${result.successes.length}, those that beat a stopped seed first; all in --json, --save-successes):`,
    );
    out.push(textTable(plain(successTable(shown, 90)), '  '), '');
  }
  if (result.errors.total > 0) {
    out.push(`errors (${result.errors.total}; not counted in any rate):`);
    for (const e of result.errors.listed.slice(0, 5))
      out.push(`  ${oneLine(e.seed_id, 60)} ${e.strategy}: ${oneLine(e.detail, 140)}`);
    out.push('');
  }
  for (const note of result.notes) out.push(`note: ${note}`);
  const gate = gateLine(result);
  if (gate) out.push(gate);
  return `${out.join('\n').trimEnd()}\n`;
}

export function formatRedteamMarkdown(result: RedteamResult, options: FormatOptions): string {
  const [title, summary] = headline(result);
  const out = [`### ${markdownText(title ?? '')}`, '', markdownText(summary ?? ''), ''];
  const gate = gateLine(result);
  if (gate) out.push(`**${gate}**`, '');
  out.push('#### By strategy', '', markdownTable(escaped(strategyTable(result))), '');
  out.push('#### By category', '', markdownTable(escaped(categoryTable(result))), '');
  const shown = sampleSuccesses(result.successes, options.examples);
  if (shown.length > 0) {
    out.push(
      `<details><summary>Successful variants (${shown.length} of ${result.successes.length})</summary>`,
      '',
      markdownTable(escaped(successTable(shown, 200))),
      '',
      '</details>',
      '',
    );
  }
  for (const note of result.notes) out.push(`- ${markdownText(note)}`);
  return `${out.join('\n').trimEnd()}\n`;
}
