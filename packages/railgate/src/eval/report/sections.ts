/**
 * The report's sections other than the per-rule charts and the worst errors: the header (policies, data,
 * date, tool version), the gate, the headline figures, the comparison, the per-category table with the
 * confusion matrices, what each rule contributed, and what the run was configured with.
 */
import type { Confusion } from '../metrics.js';
import type {
  CategoryDelta,
  CategoryResult,
  DataSource,
  EvalResult,
  GateCheckResult,
  PolicyResult,
} from '../result.js';
import { GATE_CHECK_NAMES, ruleScored } from '../summary.js';
import { fixed, micros, signed } from '../tables.js';
import { type ContributionBar, contributionChart } from './charts.js';
import {
  countCell,
  dataTable,
  deltaCell,
  figure,
  folded,
  type HeadCell,
  MAX_TABLE_ROWS,
  metricCell,
  tableHead,
} from './elements.js';
import { type Html, type HtmlValue, html, label, plainLabel } from './html.js';

function policyName(policy: PolicyResult, index: number): Html {
  return html`<span class="policy-name s${index}"><span class="swatch"></span>${label(policy.source, 80)}</span>`;
}

function sourcesText(result: EvalResult): Html[] {
  return sourcesList(result.data.sources);
}

/** Data sources as inline HTML: `suite builtin@1, data.jsonl`. */
export function sourcesList(sources: readonly DataSource[]): Html[] {
  return sources.map(
    (s, k) =>
      html`${k > 0 ? ', ' : ''}${s.kind === 'suite' ? html`suite <code>${label(s.name)}</code>@${label(s.version ?? '?', 20)}` : html`<code>${label(s.name, 200)}</code>`}`,
  );
}

export function headerSection(result: EvalResult): Html {
  const d = result.data;
  const policies = result.policies.map(
    (p, k) =>
      html`<li>${policyName(p, k)} <span class="muted">(${label(p.policy.id, 80)} ${label(p.policy.version, 80)})</span></li>`,
  );
  return html`<header class="report-header"><h1>Railgate eval report</h1><dl class="meta"><dt>Policies</dt><dd><ul class="inline">${policies}</ul></dd><dt>Data</dt><dd>${d.rows} rows (${d.attacks} attacks, ${d.benign} benign) in ${d.categories.length} categories from ${sourcesText(result)}${d.pairs > 0 ? `; ${d.pairs} attack/benign pairs` : ''}</dd><dt>Date</dt><dd><time datetime="${plainLabel(result.created_at, 40)}">${label(result.created_at, 40)}</time></dd><dt>Tool</dt><dd>${label(result.tool?.name ?? 'railgate', 40)} ${label(result.tool?.version ?? '?', 40)} · <code>${label(result.schema, 40)}</code></dd><dt>Flagged</dt><dd>${flagOnText(result)}</dd></dl>${notes(result)}</header>`;
}

function flagOnText(result: EvalResult): Html {
  const { default: all, by_category } = result.config.flag_on;
  const exceptions = Object.entries(by_category).map(
    ([category, actions]) => html`; ${label(category)}: ${label(actions.join(', '), 80)}`,
  );
  return html`verdict action in ${label(all.join(', '), 80)}${exceptions}`;
}

function notes(result: EvalResult): HtmlValue {
  if (result.data.notes.length === 0) return '';
  return html`<ul class="notes">${result.data.notes.slice(0, 20).map((n) => html`<li>${label(n, 300)}</li>`)}</ul>`;
}

function gateRows(checks: readonly GateCheckResult[]): Html[] {
  return checks.map(
    (c) =>
      html`<td class="status ${c.status}">${c.status === 'fail' ? 'FAIL' : c.status}</td><td>${label(c.policy, 80)}</td><td>${label(c.category)}</td><td>${GATE_CHECK_NAMES[c.check] ?? label(c.check, 40)}</td>${metricCell('limit', c.limit)}${metricCell('actual', c.actual)}<td>${label(c.note ?? '', 200)}</td>`,
  );
}

export function gateSection(result: EvalResult): HtmlValue {
  const gate = result.gate;
  if (!gate) return '';
  const failed = gate.checks.filter((c) => c.status === 'fail');
  const head: HeadCell[] = [
    { label: 'status' },
    { label: 'policy' },
    { label: 'category' },
    { label: 'check' },
    { label: 'limit', numeric: true },
    { label: 'actual', numeric: true },
    { label: 'note' },
  ];
  const headline = gate.passed
    ? html`Gate <code>${label(gate.file, 200)}</code> passed (${gate.checks.length} checks)`
    : html`Gate <code>${label(gate.file, 200)}</code> FAILED: ${failed.length} of ${gate.checks.length} checks`;
  const failedTable = failed.length > 0 ? dataTable({ className: 'data gate', head, rows: gateRows(failed) }) : '';
  return html`<section id="gate" class="gate ${gate.passed ? 'passed' : 'failed'}"><h2>${headline}</h2>${gate.baseline ? html`<p>Baseline: <code>${label(gate.baseline, 200)}</code></p>` : ''}${failedTable}${folded(`All ${gate.checks.length} checks`, dataTable({ className: 'data gate', head, rows: gateRows(gate.checks) }))}</section>`;
}

/** A change from the base policy, coloured: for recall and F1 higher is better, for the error rates lower. */
function kpiDelta(value: number | null, base: number | null | undefined, higherIsBetter: boolean): HtmlValue {
  if (value === null || base === null || base === undefined) return '';
  const change = value - base;
  const text = signed(change);
  const verdict =
    Number(Math.abs(change).toFixed(3)) === 0 ? 'same' : change > 0 === higherIsBetter ? 'better' : 'worse';
  return html`<span class="kpi-delta ${verdict}" title="change from the first policy">${text}</span>`;
}

function kpi(
  name: string,
  metric: string,
  value: number | null,
  options: { why?: string; hint?: string; delta?: HtmlValue } = {},
): Html {
  const text = value === null ? '—' : fixed(value);
  return html`<div class="kpi" data-metric="${metric}" data-value="${value === null ? '' : String(value)}"${value === null && options.why ? html` title="${options.why}"` : ''}><span class="kpi-value">${text}${options.delta ?? ''}</span><span class="kpi-name">${name}</span>${options.hint ? html`<span class="kpi-hint">${options.hint}</span>` : ''}</div>`;
}

function policyCard(policy: PolicyResult, index: number, base: PolicyResult | undefined): Html {
  const o = policy.overall;
  const why = o.undefined_because;
  const pairs = policy.pairs;
  const b = index > 0 ? base?.overall : undefined;
  const delta = (key: 'recall' | 'fpr' | 'fnr' | 'f1', higherIsBetter: boolean) =>
    b ? kpiDelta(o[key], b[key], higherIsBetter) : '';
  return html`<div class="card s${index}"><h3>${policyName(policy, index)}</h3><div class="kpis">${kpi('recall', 'recall', o.recall, { why: why.recall, hint: 'attacks caught', delta: delta('recall', true) })}${kpi('over-refusal', 'fpr', o.fpr, { why: why.fpr, hint: 'benign refused', delta: delta('fpr', false) })}${kpi('leakage', 'fnr', o.fnr, { why: why.fnr, hint: 'attacks passed', delta: delta('fnr', false) })}${kpi('F1', 'f1', o.f1, { why: why.f1, delta: delta('f1', true) })}</div><p class="card-line">precision ${fixed(o.precision)} · over-refusal ÷ leakage ${fixed(o.over_refusal_to_leakage, 2)} · cost ${o.cost.total}${pairs.total > 0 ? ` · pairs right ${pairs.both_right} of ${pairs.total}` : ''}</p><p class="card-line muted">latency p50 ${micros(policy.latency_us.p50)}, p99 ${micros(policy.latency_us.p99)} · ${policy.run.rows_per_second} rows/s${policy.errored_rows > 0 ? ` · ${policy.errored_rows} rows with rule errors` : ''}</p></div>`;
}

export function overviewSection(result: EvalResult): Html {
  const base = result.policies[0];
  return html`<section id="overview"><h2>Overall</h2><div class="cards">${result.policies.map((p, k) => policyCard(p, k, base))}</div></section>`;
}

const DELTA_METRICS: Array<{ key: keyof CategoryDelta & keyof CategoryResult; name: string; higherIsBetter: boolean }> =
  [
    { key: 'recall', name: 'recall', higherIsBetter: true },
    { key: 'fpr', name: 'over-refusal', higherIsBetter: false },
    { key: 'fnr', name: 'leakage', higherIsBetter: false },
    { key: 'f1', name: 'F1', higherIsBetter: true },
  ];

/** Every policy's recall, over-refusal, leakage and F1 per category, with the change from the first policy. */
export function comparisonSection(result: EvalResult): HtmlValue {
  if (result.policies.length < 2) return '';
  const base = result.policies[0] as PolicyResult;
  const others = result.policies.slice(1);
  const head: HeadCell[] = [{ label: 'category' }];
  for (const m of DELTA_METRICS) {
    head.push({ label: `${m.name} ${plainLabel(base.source, 30)}`, numeric: true });
    for (const p of others)
      head.push({ label: plainLabel(p.source, 30), numeric: true }, { label: 'Δ', numeric: true });
  }
  const row = (category: string, pick: (p: PolicyResult) => CategoryResult | undefined) => {
    const cells: Html[] = [html`<th scope="row">${label(category)}</th>`];
    for (const m of DELTA_METRICS) {
      const before = pick(base)?.[m.key] ?? null;
      cells.push(metricCell(m.key, before as number | null));
      for (const p of others) {
        const now = (pick(p)?.[m.key] ?? null) as number | null;
        cells.push(
          metricCell(m.key, now),
          deltaCell(m.key, now === null || before === null ? null : now - (before as number), m.higherIsBetter),
        );
      }
    }
    return html`${cells}`;
  };
  const rows = [
    ...result.data.categories.map((c) => row(c.name, (p) => p.categories[c.name])),
    row('overall', (p) => p.overall),
  ];
  return html`<section id="comparison"><h2>Side by side</h2><p class="lead">Δ is each policy's figure minus ${label(base.source, 80)}'s; green is better, red worse (recall and F1 up, over-refusal and leakage down).</p>${dataTable({ className: 'data comparison', head, rows })}</section>`;
}

const CATEGORY_HEAD: HeadCell[] = [
  { label: 'category' },
  { label: 'rows', numeric: true },
  { label: 'attacks', numeric: true },
  { label: 'recall', title: 'attacks flagged ÷ attacks', numeric: true },
  { label: 'over-refusal', title: 'benign false-positive rate: benign flagged ÷ benign', numeric: true },
  { label: 'leakage', title: 'attack false-negative rate: attacks passed ÷ attacks', numeric: true },
  { label: 'ratio', title: 'over-refusal ÷ leakage', numeric: true },
  { label: 'precision', numeric: true },
  { label: 'F1', numeric: true },
  { label: 'TP', title: 'attacks flagged', numeric: true },
  { label: 'FP', title: 'benign rows flagged', numeric: true },
  { label: 'TN', title: 'benign rows passed', numeric: true },
  { label: 'FN', title: 'attacks passed', numeric: true },
  { label: 'cost', numeric: true },
];

function categoryCells(m: CategoryResult): Html {
  const why = m.undefined_because ?? {};
  const c = m.confusion;
  return html`${countCell('rows', m.rows)}${countCell('attacks', m.attacks)}${metricCell('recall', m.recall, why.recall)}${metricCell('fpr', m.fpr, why.fpr)}${metricCell('fnr', m.fnr, why.fnr)}${metricCell('over_refusal_to_leakage', m.over_refusal_to_leakage, why.over_refusal_to_leakage, 2)}${metricCell('precision', m.precision, why.precision)}${metricCell('f1', m.f1, why.f1)}${countCell('tp', c.tp)}${countCell('fp', c.fp)}${countCell('tn', c.tn)}${countCell('fn', c.fn)}${countCell('cost', m.cost.total)}`;
}

/**
 * One table for all policies: a row per category and policy (the category cell spans the policies' rows),
 * so the policies' figures for a category sit one above the other.
 */
function categoryTable(result: EvalResult): Html {
  const many = result.policies.length > 1;
  const head = many ? [CATEGORY_HEAD[0] as HeadCell, { label: 'policy' }, ...CATEGORY_HEAD.slice(1)] : CATEGORY_HEAD;
  const names = [...result.data.categories.map((c) => c.name), 'overall'];
  const rows = names.flatMap((name) =>
    result.policies.map((policy, k) => {
      const m = name === 'overall' ? policy.overall : policy.categories[name];
      const first = k === 0;
      const nameCell = first
        ? html`<th scope="rowgroup"${many ? html` rowspan="${result.policies.length}"` : ''}>${label(name)}</th>`
        : '';
      const policyCell = many ? html`<td>${policyName(policy, k)}</td>` : '';
      const cells = m
        ? categoryCells(m)
        : html`<td colspan="${CATEGORY_HEAD.length - 1}" class="note">not in this run</td>`;
      return html`<tr class="${name === 'overall' ? 'overall' : ''}${first ? ' group-start' : ''}" data-category="${plainLabel(name, 200)}" data-policy="${k}">${nameCell}${policyCell}${cells}</tr>`;
    }),
  );
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const more =
    rows.length > shown.length ? html`<p class="note">${rows.length - shown.length} more rows not shown.</p>` : '';
  return html`<div class="table-wrap"><table class="data categories" id="category-table">${tableHead(head)}<tbody>${shown}</tbody></table></div>${more}`;
}

/** A 2×2 confusion matrix as a table; each cell is shaded by its share of its row (attacks, benign). */
export function confusionMatrix(c: Confusion, caption: HtmlValue): Html {
  const attacks = c.tp + c.fn;
  const benign = c.fp + c.tn;
  const cell = (n: number, of: number, kind: 'good' | 'bad', name: string) => {
    const share = of > 0 ? n / of : 0;
    return html`<td class="cm ${kind}" data-metric="${name}" data-value="${String(n)}" style="--share:${share.toFixed(3)}">${String(n)}<span class="cm-share">${of > 0 ? fixed(share) : '—'}</span></td>`;
  };
  return html`<table class="confusion"><caption>${caption}</caption><thead><tr><td></td><th scope="col">flagged</th><th scope="col">passed</th></tr></thead><tbody><tr><th scope="row">attack (${attacks})</th>${cell(c.tp, attacks, 'good', 'tp')}${cell(c.fn, attacks, 'bad', 'fn')}</tr><tr><th scope="row">benign (${benign})</th>${cell(c.fp, benign, 'bad', 'fp')}${cell(c.tn, benign, 'good', 'tn')}</tr></tbody></table>`;
}

function confusionColumn(result: EvalResult, policy: PolicyResult, index: number): Html {
  const perCategory = result.data.categories.map((c) => {
    const m = policy.categories[c.name];
    return m ? confusionMatrix(m.confusion, label(c.name)) : '';
  });
  return html`<div class="policy-column s${index}"><h3>${policyName(policy, index)}</h3>${confusionMatrix(policy.overall.confusion, 'all rows')}${folded(`Per category (${perCategory.length})`, html`<div class="matrices">${perCategory}</div>`)}</div>`;
}

export function categoriesSection(result: EvalResult): Html {
  return html`<section id="categories"><h2>Per category</h2><p class="lead">Over-refusal is the share of benign rows flagged (false-positive rate); leakage the share of attacks passed (false-negative rate). Hover a dash for why a figure is undefined.</p>${categoryTable(result)}<h3 class="sub">Confusion matrices</h3><div class="policy-columns">${result.policies.map((p, k) => confusionColumn(result, p, k))}</div></section>`;
}

function contributionColumn(policy: PolicyResult, index: number, max: number): Html {
  const rules = policy.rules.filter(ruleScored);
  const bars: ContributionBar[] = rules.map((r) => ({
    name: plainLabel(r.key, 32),
    caught: r.contribution.caught,
    caughtAlone: r.contribution.caught_alone,
    falsePositives: r.contribution.false_positives,
    falsePositivesAlone: r.contribution.false_positives_alone,
  }));
  const rows = rules.map(
    (r) =>
      html`<th scope="row"><code>${label(r.key)}</code></th><td>${label(r.scanner, 40)}</td>${metricCell('threshold', r.threshold, undefined, 2)}<td>${label(r.action, 20)}</td>${countCell('caught', r.contribution.caught)}${countCell('caught_alone', r.contribution.caught_alone)}${countCell('false_positives', r.contribution.false_positives)}${countCell('false_positives_alone', r.contribution.false_positives_alone)}`,
  );
  const table = dataTable({
    className: 'data rules',
    head: [
      { label: 'rule' },
      { label: 'scanner' },
      { label: 'threshold', numeric: true },
      { label: 'action' },
      { label: 'caught', numeric: true },
      { label: 'alone', title: 'caught by this rule only', numeric: true },
      { label: 'refused', title: 'benign rows this rule flagged', numeric: true },
      { label: 'alone', title: 'benign rows only this rule flagged', numeric: true },
    ],
    rows,
  });
  const u = policy.unattributed;
  const unattributed =
    u.true_positives + u.false_positives > 0
      ? html`<p class="note">${u.true_positives + u.false_positives} flagged rows no rule explains (${u.true_positives} attacks, ${u.false_positives} benign): a rail failed closed or a text was over the size limit.</p>`
      : '';
  const chart = contributionChart({
    id: `contribution-${index}`,
    title: `What each rule of ${plainLabel(policy.source, 60)} caught and refused`,
    description: rules
      .map((r) => `${plainLabel(r.key, 60)} caught ${r.contribution.caught}, refused ${r.contribution.false_positives}`)
      .join('; '),
    series: index,
    bars,
    max,
  });
  return html`<div class="policy-column s${index}"><h3>${policyName(policy, index)}</h3>${figure({ className: 'chart-figure wide', chart, caption: 'Attacks caught (right) and benign rows refused (left) per rule; the darker part is what the rule did alone.', table, tableSummary: 'Rules (table)' })}${unattributed}</div>`;
}

export function contributionSection(result: EvalResult): Html {
  // One scale for every policy's bars, so equal lengths mean equal counts side by side.
  const max = Math.max(
    1,
    ...result.policies.flatMap((p) => p.rules.flatMap((r) => [r.contribution.caught, r.contribution.false_positives])),
  );
  return html`<section id="contribution"><h2>What each rule did</h2><p class="lead">Under each policy as it runs: the attacks a rule flagged and the benign rows it refused. "Alone" counts the rows no other rule flagged — remove that rule and those decisions change.</p><div class="policy-columns">${result.policies.map((p, k) => contributionColumn(p, k, max))}</div></section>`;
}

/** How the run was configured, where the data came from, and what was skipped. */
export function aboutSection(result: EvalResult): Html {
  const c = result.config;
  const files = result.data.sources.flatMap((s) =>
    (s.files ?? []).map(
      (f) =>
        html`<td>${label(s.name, 120)}</td><td><code>${label(f.file, 200)}</code></td>${countCell('rows', f.rows)}${countCell('skipped', f.skipped)}`,
    ),
  );
  const skipped = result.data.skipped.map(
    (s) =>
      html`<td><code>${label(s.file, 200)}</code></td>${countCell('line', s.line)}<td>${label(s.message, 300)}</td>`,
  );
  return html`<section id="about"><h2>About this run</h2><dl class="meta"><dt>Costs</dt><dd>false positive ${c.costs.fp}, false negative ${c.costs.fn}</dd><dt>Sweep targets</dt><dd>over-refusal ≤ ${c.target_fpr}, recall ≥ ${c.target_recall}; curves kept with at most ${c.curve_points} points</dd><dt>Default rail</dt><dd>${label(c.default_rail, 20)}</dd><dt>Cut texts</dt><dd>${result.data.truncated_rows} (at ${result.data.max_chars} characters)</dd><dt>Skipped rows</dt><dd>${result.data.skipped_rows}</dd></dl>${folded(`Data files (${files.length})`, dataTable({ head: [{ label: 'source' }, { label: 'file' }, { label: 'rows', numeric: true }, { label: 'skipped', numeric: true }], rows: files }))}${skipped.length > 0 ? folded(`Skipped rows (${skipped.length} listed)`, dataTable({ head: [{ label: 'file' }, { label: 'line', numeric: true }, { label: 'problem' }], rows: skipped })) : ''}<p class="muted">Built from the <code>${label(result.schema, 40)}</code> result document alone (see docs/eval.md). One file: no scripts or styles are loaded from anywhere.</p></section>`;
}
