/**
 * One section per rule that scored anything: the dial (over-refusal vs leakage along the threshold
 * sweep, with the policy's operating point, the best-F1 threshold and the threshold at the target
 * over-refusal marked), the ROC and precision-recall curves, the reliability diagram with its ECE, and the
 * same per category. Every policy that has the rule is drawn in the same charts, so a comparison shows
 * whether a policy moved along the dial (a threshold) or changed the dial itself (a scanner or its params).
 */
import type { EvalResult, PolicyResult, RuleResult, RuleSweep } from '../result.js';
import { ruleOperatingPoint } from '../result.js';
import { ruleScored } from '../summary.js';
import type { OperatingPoint, Sweep } from '../sweep.js';
import { fixed } from '../tables.js';
import {
  type CurveSeries,
  dialChart,
  type MarkedPoint,
  prChart,
  type ReliabilitySeries,
  reliabilityChart,
  rocChart,
} from './charts.js';
import { countCell, dataTable, figure, folded, metricCell, numberCell } from './elements.js';
import { type Html, html, label, plainLabel } from './html.js';

/** A rule of one policy. */
interface PolicyRule {
  index: number;
  policy: PolicyResult;
  rule: RuleResult;
}

/** Rule keys in first-seen order across the policies, each with the policies that have it. */
export function rulesByKey(result: EvalResult): Array<{ key: string; entries: PolicyRule[] }> {
  const byKey = new Map<string, PolicyRule[]>();
  result.policies.forEach((policy, index) => {
    for (const rule of policy.rules) {
      const list = byKey.get(rule.key) ?? [];
      list.push({ index, policy, rule });
      byKey.set(rule.key, list);
    }
  });
  return [...byKey].map(([key, entries]) => ({ key, entries }));
}

function precisionOf(tp: number, fp: number): number | null {
  return tp + fp > 0 ? tp / (tp + fp) : null;
}

function sweepMark(kind: MarkedPoint['kind'], point: OperatingPoint | null): MarkedPoint[] {
  if (!point || point.recall === null || point.fpr === null) return [];
  return [{ kind, threshold: point.threshold, recall: point.recall, fpr: point.fpr, precision: point.precision }];
}

/** The points a chart marks for one policy's rule: where it runs, its best-F1 threshold, its target-FPR one. */
function marksOf(entry: PolicyRule, sweep: Sweep, category?: string): MarkedPoint[] {
  const marks: MarkedPoint[] = [];
  const at = ruleOperatingPoint(entry.rule, category);
  if (at && at.recall !== null && at.fpr !== null)
    marks.push({
      kind: 'operating',
      threshold: entry.rule.own_thresholds ? null : entry.rule.threshold,
      recall: at.recall,
      fpr: at.fpr,
      precision: precisionOf(at.tp, at.fp),
    });
  return [...marks, ...sweepMark('best_f1', sweep.best_f1), ...sweepMark('target_fpr', sweep.at_target_fpr)];
}

/** One policy's sweep of a rule, as a chart series. */
type RuleSeries = CurveSeries & { sweep: RuleSweep };

/** The series of every policy that has a sweep of the rule (overall, or in a category). */
function seriesOf(
  entries: readonly PolicyRule[],
  pick: (rule: RuleResult) => RuleSweep | null | undefined,
  category?: string,
): RuleSeries[] {
  const series: RuleSeries[] = [];
  for (const entry of entries) {
    const sweep = pick(entry.rule);
    if (!sweep) continue;
    series.push({
      series: entry.index,
      name: plainLabel(entry.policy.source, 60),
      curve: sweep.sweep.curve,
      marks: marksOf(entry, sweep.sweep, category),
      sweep,
    });
  }
  return series;
}

/** One sentence per policy: where the rule runs on the dial and where its marked thresholds would put it. */
function dialSentence(s: CurveSeries, targetFpr: number): string {
  const parts: string[] = [];
  for (const m of s.marks) {
    const where = `over-refusal ${fixed(m.fpr)}, leakage ${fixed(1 - m.recall)}`;
    if (m.kind === 'operating')
      parts.push(
        m.threshold === null
          ? `as the policy runs it (findings judged against their own thresholds): ${where}`
          : `at its threshold ${fixed(m.threshold, 2)}: ${where}`,
      );
    if (m.kind === 'best_f1') parts.push(`best F1 at threshold ${fixed(m.threshold, 2)}: ${where}`);
    if (m.kind === 'target_fpr')
      parts.push(`over-refusal ≤ ${targetFpr} at threshold ${fixed(m.threshold, 2)}: ${where}`);
  }
  return `${s.name}: ${parts.length > 0 ? parts.join('; ') : 'no defined operating point'}.`;
}

function legend(series: readonly CurveSeries[], withMarks: boolean): Html {
  const policies = series.map((s) => html`<span class="key s${s.series}"><span class="swatch"></span>${s.name}</span>`);
  const marks = withMarks
    ? html`<span class="key">● operating point</span><span class="key">◆ best F1</span><span class="key">■ at target over-refusal</span>`
    : '';
  return html`<span class="legend">${policies}${marks}</span>`;
}

/** Every point of each policy's curve, as the table under the dial, ROC and PR charts. */
function pointsTable(series: readonly RuleSeries[]): Html {
  const rows = series.flatMap((s) => {
    const c = s.curve;
    return c.threshold.map((threshold, k) => {
      const recall = c.tpr?.[k] ?? null;
      return html`<td>${s.name}</td>${numberCell(threshold, 4)}${numberCell(c.tp[k], 0)}${numberCell(c.fp[k], 0)}${numberCell(recall)}${numberCell(c.fpr?.[k])}${numberCell(recall === null ? null : 1 - recall)}${numberCell(c.precision[k])}`;
    });
  });
  return dataTable({
    className: 'data points',
    head: [
      { label: 'policy' },
      { label: 'threshold', numeric: true },
      { label: 'TP', numeric: true },
      { label: 'FP', numeric: true },
      { label: 'recall', numeric: true },
      { label: 'over-refusal', title: 'benign false-positive rate', numeric: true },
      { label: 'leakage', title: 'attack false-negative rate', numeric: true },
      { label: 'precision', numeric: true },
    ],
    rows,
  });
}

function reliabilityTable(series: readonly ReliabilitySeries[]): Html {
  const rows = series.flatMap((s) =>
    s.calibration.bins.map(
      (b) =>
        html`<td>${s.name}</td><td>[${b.lower.toFixed(1)}, ${b.upper.toFixed(1)}${b.upper >= 1 ? ']' : ')'}</td>${countCell('count', b.count)}${metricCell('mean_score', b.mean_score, 'empty bin')}${metricCell('attack_rate', b.attack_rate, 'empty bin')}`,
    ),
  );
  return dataTable({
    className: 'data bins',
    head: [
      { label: 'policy' },
      { label: 'score bin' },
      { label: 'rows', numeric: true },
      { label: 'mean score', numeric: true },
      { label: 'share of attacks', numeric: true },
    ],
    rows,
  });
}

function eceText(series: readonly ReliabilitySeries[]): string {
  return series.map((s) => `${s.name} ${fixed(s.calibration.ece)}`).join(', ');
}

function curveDescription(kind: string, series: ReadonlyArray<{ name: string; sweep: RuleSweep }>): string {
  const areas = series.map((s) =>
    kind === 'ROC'
      ? `${s.name}: ROC AUC ${fixed(s.sweep.sweep.roc_auc)}`
      : `${s.name}: average precision ${fixed(s.sweep.sweep.average_precision)}`,
  );
  return `${kind} curve of the rule's threshold sweep. ${areas.join('; ')}.`;
}

/**
 * The dial of a rule with its caption: in full (legend with the marks, a sentence per policy) or small (the
 * per-category dials, whose numbers are in the table above them).
 */
function dialFigure(id: string, title: string, series: readonly RuleSeries[], targetFpr: number, small: boolean): Html {
  const sentences = series.map((s) => dialSentence(s, targetFpr));
  return figure({
    className: 'chart-figure dial-figure',
    chart: dialChart({
      id: `${id}-dial`,
      title: `The dial of ${title}: over-refusal against leakage as the threshold moves`,
      description: sentences.join(' '),
      series,
      targetFpr,
      ...(small ? { width: 300, height: 240 } : {}),
    }),
    caption: small
      ? legend(series, false)
      : html`<b>The dial</b>: over-refusal (x) against leakage (y), one point per threshold; lower left is better. ${legend(series, true)}<ul class="sentences">${sentences.map((t) => html`<li>${t}</li>`)}</ul>`,
  });
}

/** The four charts of a rule: the dial, ROC, precision-recall and reliability, with captions. */
function ruleCharts(id: string, title: string, series: readonly RuleSeries[], targetFpr: number): Html {
  const dial = dialFigure(id, title, series, targetFpr, false);
  const roc = figure({
    className: 'chart-figure',
    chart: rocChart({
      id: `${id}-roc`,
      title: `ROC of ${title}`,
      description: curveDescription('ROC', series),
      series,
    }),
    caption: html`<b>ROC</b>: ${curveDescription('ROC', series)}`,
  });
  const pr = figure({
    className: 'chart-figure',
    chart: prChart({
      id: `${id}-pr`,
      title: `Precision-recall of ${title}`,
      description: curveDescription('Precision-recall', series),
      series,
    }),
    caption: html`<b>Precision-recall</b>: ${curveDescription('Precision-recall', series)}`,
  });
  const reliability: ReliabilitySeries[] = series.map((s) => ({
    series: s.series,
    name: s.name,
    calibration: s.sweep.calibration,
  }));
  const calibration = figure({
    className: 'chart-figure',
    chart: reliabilityChart({
      id: `${id}-rel`,
      title: `Reliability of ${title}`,
      description: `Share of attacks against the mean score per score bin; ECE ${eceText(reliability)}.`,
      series: reliability,
    }),
    caption: html`<b>Reliability</b>: the diagonal is a calibrated score. ECE ${eceText(reliability)}.`,
    table: reliabilityTable(reliability),
    tableSummary: 'Reliability bins (table)',
  });
  return html`<div class="charts">${dial}${roc}${pr}${calibration}</div>`;
}

/** Categories worth a dial of their own: where the rule caught or refused something under some policy. */
function activeCategories(entries: readonly PolicyRule[]): string[] {
  const names = new Set<string>();
  for (const { rule } of entries)
    for (const category of Object.keys(rule.by_category)) {
      const n = rule.contribution.by_category[category];
      if (n && n.caught + n.false_positives > 0) names.add(category);
    }
  return [...names].sort();
}

function categorySummaryRows(category: string, series: readonly RuleSeries[]): Html[] {
  return series.map((s) => {
    const sw = s.sweep.sweep;
    const at = s.marks.find((m) => m.kind === 'operating');
    return html`<td>${label(category)}</td><td>${s.name}</td>${countCell('attacks', sw.attacks)}${countCell('benign', sw.benign)}${metricCell('roc_auc', sw.roc_auc, sw.undefined_because.roc_auc)}${metricCell('average_precision', sw.average_precision, sw.undefined_because.average_precision)}${metricCell('recall', at?.recall ?? null, 'no operating point')}${metricCell('fpr', at?.fpr ?? null, 'no operating point')}${metricCell('best_f1_threshold', sw.best_f1?.threshold ?? null, sw.undefined_because.best_f1, 2)}${metricCell('target_fpr_threshold', sw.at_target_fpr?.threshold ?? null, sw.undefined_because.at_target_fpr, 2)}${metricCell('ece', s.sweep.calibration.ece)}`;
  });
}

function perCategory(ruleId: string, entries: readonly PolicyRule[], result: EvalResult): Html {
  const categories = activeCategories(entries);
  if (categories.length === 0) return html``;
  const summary: Html[] = [];
  const dials = categories.map((category, c) => {
    const series = seriesOf(entries, (rule) => rule.by_category[category], category);
    summary.push(...categorySummaryRows(category, series));
    const title = `${plainLabel(entries[0]?.rule.key)} in ${plainLabel(category)}`;
    const chart = dialFigure(`${ruleId}-c${c}`, title, series, result.config.target_fpr, true);
    return html`<div class="category-dial"><h4>${label(category)}</h4>${chart}${folded('Curve points (table)', pointsTable(series), 'fold data')}</div>`;
  });
  const table = dataTable({
    className: 'data category-sweeps',
    head: [
      { label: 'category' },
      { label: 'policy' },
      { label: 'attacks', numeric: true },
      { label: 'benign', numeric: true },
      { label: 'ROC AUC', numeric: true },
      { label: 'AP', title: 'average precision', numeric: true },
      { label: 'recall', title: 'at the policy', numeric: true },
      { label: 'over-refusal', title: 'at the policy', numeric: true },
      { label: 'best-F1 thr', numeric: true },
      { label: `thr @ FPR≤${result.config.target_fpr}`, numeric: true },
      { label: 'ECE', numeric: true },
    ],
    rows: summary,
  });
  return folded(
    html`Per category: ${categories.length} categories where the rule caught or refused something (each category's attacks against its own benign look-alikes; tune from these)`,
    html`${table}<div class="category-dials">${dials}</div>`,
    'fold per-category',
  );
}

function ruleHeading(key: string, entries: readonly PolicyRule[]): Html {
  const first = entries[0]?.rule;
  const settings = entries.map(
    ({ policy, rule }, k) =>
      html`${k > 0 ? ' · ' : ''}<span class="setting">${label(policy.source, 60)}: threshold ${fixed(rule.threshold, 2)}, ${label(rule.action, 20)}${rule.own_thresholds ? ' (own thresholds)' : ''}</span>`,
  );
  return html`<h3>${label(key)} <small>${label(first?.scanner ?? '', 60)} · ${settings}</small></h3>`;
}

function ruleSection(key: string, entries: readonly PolicyRule[], k: number, result: EvalResult): Html {
  const id = `rule-${k}`;
  const series = seriesOf(entries, (rule) => rule.overall);
  const note = entries.some((e) => e.rule.own_thresholds)
    ? html`<p class="note">Some findings of this rule carry their own threshold (a classifier's, an entity's): sweep thresholds are on the findings' score scale and do not map one to one onto the rule's threshold.</p>`
    : '';
  const body =
    series.length === 0
      ? html`<p class="note">No rows on this rule's rail.</p>`
      : html`${ruleCharts(id, plainLabel(key), series, result.config.target_fpr)}${folded('Curve points of the dial, ROC and precision-recall charts (table)', pointsTable(series), 'fold data')}`;
  return html`<section class="rule" id="${id}" data-rule="${plainLabel(key, 200)}">${ruleHeading(key, entries)}${note}<p class="note">Each policy's rule against every row of its rail (all categories' attacks against all benign rows).</p>${body}${perCategory(id, entries, result)}</section>`;
}

/** The rules section: a section per rule that scored, then the names of the rules that never did. */
export function rulesSection(result: EvalResult): Html {
  const rules = rulesByKey(result);
  const scored = rules.filter((r) => r.entries.some((e) => ruleScored(e.rule)));
  const silent = rules.filter((r) => !r.entries.some((e) => ruleScored(e.rule)));
  const silentNote =
    silent.length > 0
      ? html`<p class="note">No findings on any row (nothing to chart): ${silent.map((r, k) => html`${k > 0 ? ', ' : ''}<code>${label(r.key)}</code>`)}.</p>`
      : '';
  return html`<section id="rules"><h2>The dial, ROC, precision-recall and calibration per rule</h2><p class="lead">Moving a rule's threshold trades over-refusal (benign rows refused) for leakage (attacks let through). The dial shows every trade the threshold sweep found; the marks show where the policy runs today and two thresholds worth considering.</p>${scored.map((r, k) => ruleSection(r.key, r.entries, k, result))}${silentNote}</section>`;
}
