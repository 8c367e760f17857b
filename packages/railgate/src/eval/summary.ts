/**
 * The readable forms of an eval result: a terminal summary and a Markdown summary for PR comments. Both
 * are built from the same tables (categories, rules, comparison, gate) so they never disagree.
 */
import type {
  CategoryResult,
  EvalResult,
  Example,
  GateCheckResult,
  GateReport,
  PolicyResult,
  RuleResult,
} from './result.js';
import { type Align, fixed, markdownTable, micros, oneLine, signed, type Table, textTable } from './tables.js';

/** Gate checks in words, for every readable form of a gate: terminal, Markdown and the HTML report. */
export const GATE_CHECK_NAMES: Readonly<Record<GateCheckResult['check'], string>> = {
  min_recall: 'min recall',
  max_fpr: 'max over-refusal (FPR)',
  max_ratio: 'max over-refusal ÷ leakage',
  baseline_recall: 'recall vs baseline',
  baseline_fpr: 'over-refusal vs baseline',
};

function categoryRow(name: string, m: CategoryResult): string[] {
  const c = m.confusion;
  return [
    name,
    String(m.rows),
    String(m.attacks),
    fixed(m.recall),
    fixed(m.fpr),
    fixed(m.fnr),
    fixed(m.precision),
    fixed(m.f1),
    fixed(m.over_refusal_to_leakage, 2),
    String(c.tp),
    String(c.fp),
    String(c.tn),
    String(c.fn),
    String(m.cost.total),
  ];
}

export function categoryTable(policy: PolicyResult): Table {
  return {
    header: [
      'category',
      'rows',
      'attacks',
      'recall',
      'over-refusal',
      'leakage',
      'precision',
      'F1',
      'ratio',
      'TP',
      'FP',
      'TN',
      'FN',
      'cost',
    ],
    rows: [
      ...Object.entries(policy.categories).map(([name, m]) => categoryRow(name, m)),
      categoryRow('overall', policy.overall),
    ],
    align: ['l', ...new Array<Align>(13).fill('r')],
  };
}

function thresholdCell(
  point: { threshold: number; recall: number | null; fpr: number | null } | null,
  show: 'recall' | 'fpr',
): string {
  if (!point) return '—';
  return `${fixed(point.threshold, 2)} (${show === 'recall' ? 'R' : 'FPR'} ${fixed(point[show], 2)})`;
}

/** Did the rule see anything on its rail (a score above 0 on some row)? */
export function ruleScored(rule: RuleResult): boolean {
  return Object.keys(rule.by_category).length > 0;
}

/** What each rule did under the policy: the attacks it caught and the benign rows it refused. */
export function ruleTable(policy: PolicyResult): Table {
  return {
    header: [
      'rule',
      'scanner',
      'threshold',
      'action',
      'caught',
      'caught alone',
      'refused',
      'refused alone',
      'caught in',
    ],
    rows: policy.rules.filter(ruleScored).map((rule) => {
      const c = rule.contribution;
      const where = Object.entries(c.by_category)
        .filter(([, n]) => n.caught > 0)
        .map(([category, n]) => `${category} ${n.caught}`)
        .join(', ');
      return [
        rule.key,
        rule.scanner,
        fixed(rule.threshold, 2),
        rule.action,
        String(c.caught),
        String(c.caught_alone),
        String(c.false_positives),
        String(c.false_positives_alone),
        where,
      ];
    }),
    align: ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'l'],
  };
}

/** Rules whose scores were all 0 (or that saw no rows): listed by name only. */
function silentRules(policy: PolicyResult): string[] {
  return policy.rules.filter((rule) => !ruleScored(rule)).map((rule) => rule.key);
}

/**
 * Threshold sweeps of each rule within each category where it caught an attack or refused a benign row:
 * the category's attacks against its own benign look-alikes.
 */
export function sweepTable(policy: PolicyResult, result: EvalResult): Table {
  const { target_fpr, target_recall } = result.config;
  const rows: string[][] = [];
  for (const rule of policy.rules) {
    for (const [category, entry] of Object.entries(rule.by_category)) {
      const n = rule.contribution.by_category[category];
      if (!n || n.caught + n.false_positives === 0) continue;
      const s = entry.sweep;
      rows.push([
        rule.key,
        category,
        fixed(s.roc_auc),
        fixed(s.average_precision),
        s.best_f1 ? `${fixed(s.best_f1.threshold, 2)} (F1 ${fixed(s.best_f1.f1, 2)})` : '—',
        thresholdCell(s.at_target_fpr, 'recall'),
        thresholdCell(s.at_target_recall, 'fpr'),
        fixed(entry.calibration.ece),
      ]);
    }
  }
  return {
    header: [
      'rule',
      'category',
      'ROC AUC',
      'AP',
      'best-F1 thr',
      `thr @ FPR≤${target_fpr}`,
      `thr @ recall≥${target_recall}`,
      'ECE',
    ],
    rows,
    align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
  };
}

/** Side by side: recall and over-refusal of every policy per category, with the change from the first. */
export function comparisonTable(result: EvalResult): Table {
  const policies = result.policies;
  const names = policies.map((p) => p.source);
  const header = ['category'];
  for (const metric of ['recall', 'over-refusal']) {
    names.forEach((name, k) => {
      header.push(`${metric} ${name}`);
      if (k > 0) header.push('Δ');
    });
  }
  const row = (category: string, pick: (p: PolicyResult) => CategoryResult | undefined) => {
    const cells = [category];
    for (const key of ['recall', 'fpr'] as const) {
      const base = pick(policies[0] as PolicyResult)?.[key] ?? null;
      policies.forEach((p, k) => {
        const value = pick(p)?.[key] ?? null;
        cells.push(fixed(value));
        if (k > 0) cells.push(value === null || base === null ? '—' : signed(value - base));
      });
    }
    return cells;
  };
  const categories = result.data.categories.map((c) => c.name);
  return {
    header,
    rows: [...categories.map((c) => row(c, (p) => p.categories[c])), row('overall', (p) => p.overall)],
    align: ['l', ...new Array<Align>(header.length - 1).fill('r')],
  };
}

export function gateTable(report: GateReport): Table {
  const order = { fail: 0, pass: 1, skip: 2 } as const;
  const checks = [...report.checks].sort((a, b) => order[a.status] - order[b.status]);
  return {
    header: ['status', 'policy', 'category', 'check', 'limit', 'actual', 'note'],
    rows: checks.map((c) => [
      c.status === 'fail' ? 'FAIL' : c.status,
      c.policy,
      c.category,
      GATE_CHECK_NAMES[c.check],
      fixed(c.limit),
      fixed(c.actual),
      c.note ?? '',
    ]),
    align: ['l', 'l', 'l', 'l', 'r', 'r', 'l'],
  };
}

function gateHeadline(report: GateReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const against = report.baseline ? ` (baseline ${report.baseline})` : '';
  return report.passed
    ? `gate ${report.file}${against}: passed (${report.checks.length} checks)`
    : `gate ${report.file}${against}: FAILED — ${failed} of ${report.checks.length} checks failed`;
}

/** What the gate printed: the headline and every check, failures first. */
export function formatGate(report: GateReport): string {
  return `${gateHeadline(report)}\n${textTable(gateTable(report), '  ')}\n`;
}

function dataHeadline(result: EvalResult): string {
  const d = result.data;
  const sources = d.sources.map((s) => (s.kind === 'suite' ? `suite ${s.name}@${s.version}` : s.name)).join(', ');
  return `${d.rows} rows (${d.attacks} attacks, ${d.benign} benign) in ${d.categories.length} categories from ${sources}`;
}

function flagOnLine(result: EvalResult): string {
  const { default: all, by_category } = result.config.flag_on;
  const exceptions = Object.entries(by_category).map(([c, actions]) => `${c}: ${actions.join(', ')}`);
  return `flagged = ${all.join(', ')}${exceptions.length > 0 ? `; ${exceptions.join('; ')}` : ''}`;
}

function policyHeadline(policy: PolicyResult): string {
  const l = policy.latency_us;
  return `policy ${policy.source} (${policy.policy.id} ${policy.policy.version}): ${policy.run.rows_per_second} rows/s, latency p50 ${micros(l.p50)}, p99 ${micros(l.p99)}`;
}

function pairsLine(policy: PolicyResult): string | undefined {
  const p = policy.pairs;
  if (p.total === 0) return undefined;
  return `pairs: ${p.both_right} of ${p.total} right (attack caught and its benign twin passed); ${p.attack_missed} attack(s) missed, ${p.twin_refused} twin(s) refused`;
}

function exampleLine(e: Example): string {
  const by = e.flagged_by.length > 0 ? ` by ${e.flagged_by.join(', ')}` : '';
  return `${e.id} [${e.category}] ${e.action}${by}, max score ${fixed(e.max_score, 2)}: "${oneLine(e.text, 90)}"`;
}

function examplesBlock(policy: PolicyResult, count: number): string[] {
  const lines: string[] = [];
  const fps = policy.examples.false_positives.slice(0, count);
  const fns = policy.examples.false_negatives.slice(0, count);
  if (fps.length > 0) lines.push('worst false positives (benign refused):', ...fps.map((e) => `  ${exampleLine(e)}`));
  if (fns.length > 0) lines.push('worst false negatives (attacks passed):', ...fns.map((e) => `  ${exampleLine(e)}`));
  return lines;
}

/** The terminal summary. */
export function formatText(result: EvalResult): string {
  const out: string[] = [
    `railgate eval: ${dataHeadline(result)}`,
    flagOnLine(result),
    ...result.data.notes.map((n) => `note: ${n}`),
    '',
  ];
  for (const policy of result.policies) {
    out.push(policyHeadline(policy), textTable(categoryTable(policy)));
    const pairs = pairsLine(policy);
    if (pairs) out.push(pairs);
    const unexplained = policy.unattributed.true_positives + policy.unattributed.false_positives;
    if (unexplained > 0)
      out.push(`${unexplained} flagged row(s) no rule explains (the rail failed closed or the text was too long)`);
    out.push('', textTable(ruleTable(policy)));
    const silent = silentRules(policy);
    if (silent.length > 0) out.push(`no findings: ${silent.join(', ')}`);
    const sweeps = sweepTable(policy, result);
    if (sweeps.rows.length > 0)
      out.push('', 'threshold sweeps per rule and category (attacks vs their benign look-alikes)', textTable(sweeps));
    out.push('', ...examplesBlock(policy, 5), '');
  }
  if (result.policies.length > 1)
    out.push('comparison (Δ = change from the first policy)', textTable(comparisonTable(result)), '');
  if (result.gate) out.push(formatGate(result.gate));
  return `${out.join('\n').trimEnd()}\n`;
}

/** The gate in a PR comment: the failed checks in the open; when it passed, every check folded away. */
function markdownGate(gate: GateReport): string[] {
  const failed = gate.checks.filter((c) => c.status === 'fail');
  if (gate.passed)
    return [
      `<details><summary><b>Gate passed</b> (${gate.checks.length} checks)</summary>`,
      '',
      markdownTable(gateTable(gate)),
      '',
      '</details>',
      '',
    ];
  return [
    `**Gate failed**: ${failed.length} of ${gate.checks.length} checks.`,
    '',
    markdownTable(gateTable({ ...gate, checks: failed })),
    '',
  ];
}

/** The Markdown summary for a pull-request comment. */
export function formatMarkdown(result: EvalResult): string {
  const out: string[] = ['## Railgate eval', '', `${dataHeadline(result)}. ${capitalise(flagOnLine(result))}.`, ''];
  for (const note of result.data.notes) out.push(`> ${note}`);
  if (result.data.notes.length > 0) out.push('');
  if (result.gate) out.push(...markdownGate(result.gate));
  if (result.policies.length > 1) out.push('### Comparison', '', markdownTable(comparisonTable(result)), '');
  for (const policy of result.policies) {
    out.push(
      `### Policy \`${policy.source}\``,
      '',
      `\`${policy.policy.id}\` ${policy.policy.version}; latency p50 ${micros(policy.latency_us.p50)}, p99 ${micros(policy.latency_us.p99)}.`,
      '',
    );
    out.push(markdownTable(categoryTable(policy)), '');
    const pairs = pairsLine(policy);
    if (pairs) out.push(capitalise(pairs), '');
    out.push('<details><summary>Rules and threshold sweeps</summary>', '', markdownTable(ruleTable(policy)), '');
    const sweeps = sweepTable(policy, result);
    if (sweeps.rows.length > 0) out.push(markdownTable(sweeps), '');
    out.push('</details>', '');
    const examples = examplesBlock(policy, 5);
    // A run of backticks inside an example would close the fence early.
    const fenced = examples.map((line) => line.replace(/`{3,}/g, "'''"));
    if (examples.length > 0)
      out.push('<details><summary>Worst errors</summary>', '', '```text', ...fenced, '```', '', '</details>', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
