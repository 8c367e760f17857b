/**
 * The self-contained HTML report of a red-team run, built from the `railgate.redteam/1` document alone (so
 * `railgate redteam --html` and a later rebuild from the saved JSON give the same bytes): header, overall
 * success rate, success rate per strategy as bars with the plain baseline marked, the strategy × category
 * table, and the variants that got through. It is the eval report's page — same escaping template, SVG
 * primitives, stylesheet, CSP and script (eval/report/) — with red-team sections. Every variant is an attack
 * on whatever displays it: texts go through `visibleText` (escaped, invisible characters shown as markers)
 * and are cut to a bounded length, even when the result file was edited by hand.
 *
 * @example
 * ```ts
 * const result = await redteam({ sources: [{ suite: 'builtin' }], target: { kind: 'policy', policy: 'default' } });
 * writeFileSync('report.html', renderRedteamReport(result));
 * ```
 */
import { dataTable, figure, type HeadCell } from '../eval/report/elements.js';
import { cut, type Html, type HtmlValue, html, label, plainLabel, visibleText } from '../eval/report/html.js';
import { type NavLink, reportDocument } from '../eval/report/page.js';
import { sourcesList } from '../eval/report/sections.js';
import { REPORT_CSS } from '../eval/report/style.js';
import { coord, linearScale, svgChart } from '../eval/report/svg.js';
import { signed } from '../eval/tables.js';
import { percent, sampleSuccesses, targetLine } from './report.js';
import type { Rate, RedteamResult, StrategyResult, SuccessfulVariant } from './result.js';

/** The most successful variants the page lists (the JSON and `--save-successes` keep all of them). */
export const MAX_HTML_VARIANTS = 100;

/** A variant's text is cut to this many characters on the page. */
export const VARIANT_TEXT_CHARS = 2_000;

/** The bars and the baseline line; the rest comes from the eval report's stylesheet. */
const REDTEAM_CSS = `
svg rect.bar{fill:var(--s0)}svg rect.bar.baseline{fill:var(--muted)}
svg line.baseline{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:4 3}
svg text.bar-value{fill:var(--fg)}svg text.baseline-label{fill:var(--bad)}
table.matrix th[scope=row]{overflow-wrap:anywhere;min-width:10em;max-width:18em}table.matrix tbody tr:last-child>*{font-weight:600;border-top:2px solid var(--line)}
`;

/** A rate from the file as a number, or null (hand-edited files may hold anything). */
function rateValue(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function rateTitle(rate: Rate): string {
  const judged = rate.successes + rate.stopped;
  const errors = rate.errors > 0 ? `, ${rate.errors} error(s) not counted` : '';
  return `${rate.successes} of ${judged} judged attempts got through${errors}`;
}

/** A success-rate cell: the percentage shown, the exact rate in `data-value`, the counts as a tooltip. */
function rateCell(metric: string, rate: Rate | undefined): Html {
  if (!rate) return html`<td class="num undef" data-metric="${metric}" data-value="" title="not tried">—</td>`;
  const value = rateValue(rate.success_rate);
  if (value === null)
    return html`<td class="num undef" data-metric="${metric}" data-value="" title="no judged attempts">—</td>`;
  return html`<td class="num" data-metric="${metric}" data-value="${String(value)}" title="${rateTitle(rate)}">${percent(value)}</td>`;
}

function countCell(value: number): Html {
  return html`<td class="num">${String(value)}</td>`;
}

function headerSection(result: RedteamResult): Html {
  const { seeds, config, attempts } = result;
  const categories = Object.keys(seeds.categories ?? {}).length;
  const notes =
    result.notes.length > 0
      ? html`<ul class="notes">${result.notes.slice(0, 20).map((n) => html`<li>${label(n, 300)}</li>`)}</ul>`
      : '';
  return html`<header class="report-header"><h1>Railgate red-team report</h1><dl class="meta"><dt>Target</dt><dd>${label(targetLine(result.target), 300)}</dd><dt>Seeds</dt><dd>${seeds.used} of ${seeds.attacks} attacks used, in ${categories} categories, from ${sourcesList(seeds.sources)}</dd><dt>Budget</dt><dd>${attempts.made} of ${attempts.candidates} attempts made (budget ${config.budget}, ${config.variants} variant(s) per seed and strategy, ${config.strategies.length} strategies)</dd><dt>Seed</dt><dd><code>${label(config.seed, 80)}</code></dd><dt>Date</dt><dd><time datetime="${plainLabel(result.created_at, 40)}">${label(result.created_at, 40)}</time></dd><dt>Tool</dt><dd>${label(result.tool?.name ?? 'railgate', 40)} ${label(result.tool?.version ?? '?', 40)} · <code>${label(result.schema, 40)}</code></dd></dl>${notes}</header>`;
}

function kpi(metric: string, value: number | null, text: string, name: string, hint: string): Html {
  return html`<div class="kpi" data-metric="${metric}" data-value="${value === null ? '' : String(value)}"><span class="kpi-value">${text}</span><span class="kpi-name">${name}</span><span class="kpi-hint">${hint}</span></div>`;
}

function overviewSection(result: RedteamResult): Html {
  const { overall, gate } = result;
  const rate = rateValue(overall.success_rate);
  const gateLine = gate
    ? html`<p class="card-line ${gate.passed ? 'pass' : 'fail'}" data-metric="max_success_rate" data-value="${String(gate.max_success_rate)}">Max success rate ${percent(rateValue(gate.max_success_rate))}: <b>${gate.passed ? 'passed' : 'FAILED'}</b></p>`
    : '';
  return html`<section id="overview"><h2>Overall</h2><div class="cards"><div class="card"><div class="kpis">${kpi('success_rate', rate, percent(rate), 'success rate', 'got through ÷ judged (errors apart)')}${kpi('successes', overall.successes, String(overall.successes), 'got through', 'variants the target let pass')}${kpi('stopped', overall.stopped, String(overall.stopped), 'stopped', 'variants the target caught')}${kpi('errors', overall.errors, String(overall.errors), 'errors', 'in no rate')}</div>${gateLine}</div></div></section>`;
}

/** The strategy that is the baseline: the seeds sent as written. */
function baselineOf(result: RedteamResult): StrategyResult | undefined {
  return result.strategies.find((s) => s.family === 'baseline');
}

/**
 * Success rate per strategy as horizontal bars on a 0–100% axis, the baseline's bar in grey and its rate
 * drawn as a dashed line across all bars, so a bar past the line is a strategy that gets more through.
 */
export function strategyChart(result: RedteamResult): Html {
  const strategies = result.strategies;
  const width = 640;
  const labelWidth = 150;
  const right = 56;
  const top = 18;
  const row = 20;
  const height = top + strategies.length * row + 34;
  const x = linearScale([0, 1], [labelWidth, width - right]);
  const bottom = top + strategies.length * row;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const grid = ticks.map(
    (t) =>
      html`<line x1="${coord(x(t))}" x2="${coord(x(t))}" y1="${top}" y2="${coord(bottom)}"/><text x="${coord(x(t))}" y="${coord(bottom + 13)}" text-anchor="middle">${percent(t).replace('.0%', '%')}</text>`,
  );
  const rows = strategies.map((s, k) => {
    const y = top + k * row;
    const rate = rateValue(s.success_rate);
    const name = plainLabel(s.id, 28);
    const baseline = s.family === 'baseline';
    const bar =
      rate === null
        ? html`<text class="bar-value" x="${coord(x(0) + 4)}" y="${coord(y + row / 2 + 4)}">no judged attempts</text>`
        : html`<rect class="bar${baseline ? ' baseline' : ''}" data-strategy="${plainLabel(s.id, 80)}" data-value="${String(rate)}" x="${coord(x(0))}" y="${coord(y + 3)}" width="${coord(x(rate) - x(0))}" height="${row - 6}"><title>${name}${baseline ? ' (baseline: seeds as written)' : ''}: ${percent(rate)} — ${rateTitle(s)}</title></rect><text class="bar-value" x="${coord(x(rate) + 4)}" y="${coord(y + row / 2 + 4)}">${percent(rate)}</text>`;
    return html`<g class="bar-row"><text class="bar-label" x="${labelWidth - 6}" y="${coord(y + row / 2 + 4)}" text-anchor="end">${name}</text>${bar}</g>`;
  });
  const plainRate = rateValue(baselineOf(result)?.success_rate);
  const line =
    plainRate === null
      ? ''
      : html`<line class="baseline" x1="${coord(x(plainRate))}" x2="${coord(x(plainRate))}" y1="${top - 4}" y2="${coord(bottom)}"><title>plain (the seeds as written): ${percent(plainRate)}</title></line><text class="baseline-label" x="${coord(x(plainRate))}" y="${top - 7}" text-anchor="middle">plain ${percent(plainRate)}</text>`;
  return svgChart({
    width,
    height,
    id: 'chart-strategies',
    title: 'Success rate per strategy',
    description: `The share of judged attempts that got through, for each of ${strategies.length} strategies; the dashed line is the plain baseline (the seeds as written).`,
    className: 'strategies',
    body: html`<g class="grid" aria-hidden="true">${grid}</g><g class="bars">${rows}</g>${line}<text class="axis-title" x="${coord((x(0) + x(1)) / 2)}" y="${coord(bottom + 28)}" text-anchor="middle">success rate</text>`,
  });
}

function strategyDataTable(result: RedteamResult): Html {
  const head: HeadCell[] = [
    { label: 'strategy' },
    { label: 'family' },
    { label: 'attempts', numeric: true },
    { label: 'got through', numeric: true },
    { label: 'stopped', numeric: true },
    { label: 'errors', numeric: true },
    { label: 'success rate', numeric: true },
    { label: 'plain', numeric: true, title: 'the baseline on the seeds this strategy was tried on' },
    { label: 'lift', numeric: true, title: 'success rate − plain, in percentage points' },
    { label: 'evades plain-stopped', numeric: true, title: 'got through where the seed as written was stopped' },
  ];
  const rows = result.strategies.map((s) => {
    const lift = rateValue(s.lift);
    const evasion = s.evasion
      ? `${s.evasion.successes}/${s.evasion.attempts} (${percent(rateValue(s.evasion.rate))})`
      : '—';
    return html`<th scope="row" data-strategy="${plainLabel(s.id, 80)}"><code>${label(s.id, 80)}</code></th><td>${label(s.family, 40)}</td>${countCell(s.attempts)}${countCell(s.successes)}${countCell(s.stopped)}${countCell(s.errors)}${rateCell('success_rate', s)}<td class="num" data-metric="baseline_rate" data-value="${rateValue(s.baseline_rate) === null ? '' : String(s.baseline_rate)}">${percent(rateValue(s.baseline_rate))}</td><td class="num" data-metric="lift" data-value="${lift === null ? '' : String(lift)}">${lift === null ? '—' : `${signed(lift * 100, 1)} pt`}</td><td class="num">${evasion}</td>`;
  });
  return dataTable({ head, rows, id: 'table-strategies' });
}

function strategiesSection(result: RedteamResult): Html {
  const plainRate = rateValue(baselineOf(result)?.success_rate);
  const caption = html`<b>Success rate per strategy.</b> ${plainRate === null ? 'No plain baseline was judged.' : html`Dashed line: the plain baseline, ${percent(plainRate)} of the seeds as written got through.`} The table gives each strategy's baseline on the seeds it was tried on, the lift over it, and how many seeds stopped as written it got through.`;
  return html`<section id="strategies"><h2>By strategy</h2>${figure({ className: 'strategy-bars', chart: strategyChart(result), caption, table: strategyDataTable(result), tableSummary: 'Data of this chart: counts, baseline and lift per strategy' })}</section>`;
}

function categoriesSection(result: RedteamResult): Html {
  const strategies = result.strategies.filter((s) => s.attempts > 0);
  const head: HeadCell[] = [
    { label: 'category' },
    { label: 'seeds', numeric: true },
    ...strategies.map((s) => ({ label: plainLabel(s.id, 40), numeric: true })),
    { label: 'all strategies', numeric: true },
  ];
  const rows: Html[] = result.categories.map(
    (c) =>
      html`<th scope="row" data-category="${plainLabel(c.name, 200)}">${label(c.name)}</th>${countCell(c.seeds)}${strategies.map((s) => rateCell(`rate:${s.id}`, c.by_strategy?.[s.id]))}${rateCell('success_rate', c)}`,
  );
  const overall = html`<th scope="row">overall</th>${countCell(result.seeds.used)}${strategies.map((s) => rateCell(`rate:${s.id}`, s))}${rateCell('success_rate', result.overall)}`;
  const table = dataTable({ head, rows: [...rows, overall], className: 'data matrix', id: 'table-categories' });
  return html`<section id="categories"><h2>Strategy × category</h2><p class="lead">The success rate of each strategy on the seeds of each category (— where it was not tried). Hover a cell for the counts.</p>${table}</section>`;
}

function variantCard(s: SuccessfulVariant): Html {
  const { text, cut: wasCut } = cut(String(s.text ?? ''), VARIANT_TEXT_CHARS);
  const truncated = wasCut ? html`<span class="cut">… (text cut at ${VARIANT_TEXT_CHARS} characters)</span>` : '';
  const plain =
    s.plain_stopped === true ? ' · stopped as written' : s.plain_stopped === false ? ' · got through as written' : '';
  const answer =
    typeof s.answer === 'string'
      ? html`<details class="fold"><summary>The model's answer</summary><p class="text">${visibleText(cut(s.answer, 1_000).text)}</p></details>`
      : '';
  return html`<article class="example" data-id="${plainLabel(s.id, 200)}" data-strategy="${plainLabel(s.strategy, 80)}"><header><b><code>${label(s.strategy, 80)}</code></b> · ${label(s.category)} · seed <code>${label(s.seed_id)}</code> · round ${label(s.round, 10)} · ${s.rail === null ? 'conversation' : label(s.rail, 20)} → <b>${label(s.detail, 200)}</b>${plain}</header><p class="text">${visibleText(text)}${truncated}</p>${answer}</article>`;
}

function variantsSection(result: RedteamResult): Html {
  const shown = sampleSuccesses(result.successes, MAX_HTML_VARIANTS);
  const body: HtmlValue =
    shown.length === 0 ? html`<p class="note">None: every judged variant was stopped.</p>` : shown.map(variantCard);
  return html`<section id="variants"><h2>Successful variants (${shown.length} of ${result.successes.length})</h2><p class="lead">The variants that got through, those that beat a seed stopped as written first; all of them are in the JSON result and <code>--save-successes</code>. Invisible and direction-changing characters are shown as ⟨markers⟩.</p>${body}</section>`;
}

function documentTitle(result: RedteamResult): string {
  return `Railgate redteam: ${plainLabel(targetLine(result.target), 80)} (${result.attempts.made} attempts, ${plainLabel(result.created_at, 10)})`;
}

export function renderRedteamReport(result: RedteamResult): string {
  const links: NavLink[] = [
    { id: 'overview', text: 'Overall' },
    { id: 'strategies', text: 'By strategy' },
    { id: 'categories', text: 'Strategy × category' },
    { id: 'variants', text: 'Successful variants' },
  ];
  const body = html`${headerSection(result)}${overviewSection(result)}${strategiesSection(result)}${categoriesSection(result)}${variantsSection(result)}`;
  return reportDocument(
    { title: documentTitle(result), version: result.tool?.version ?? '', links, css: REPORT_CSS + REDTEAM_CSS },
    body,
  );
}
