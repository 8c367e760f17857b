import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../escape.js';
import type { EvalResult } from '../result.js';
import {
  A4_TEXT,
  ADVERSARIAL_CATEGORY,
  ADVERSARIAL_ID,
  ADVERSARIAL_POLICY,
  fixtureResult,
  IMG,
  SCRIPT,
} from '../test-fixtures/result.js';
import { highlightSpans } from './examples.js';
import { cut, html, plainLabel, visibleText } from './html.js';
import { renderReport } from './index.js';
import { REPORT_SCRIPT } from './page.js';
import { niceCeil, niceTicks } from './svg.js';

const single = fixtureResult();
const page = renderReport(single);
const compared = renderReport(fixtureResult({ compare: true }));

// The report is a megabyte of HTML: on failure, say what was looked for, not the whole document.
function expectIn(doc: string, needle: string): void {
  expect(doc.includes(needle), `expected to find ${needle.slice(0, 400)}`).toBe(true);
}
function expectNotIn(doc: string, needle: string): void {
  expect(doc.includes(needle), `expected not to find ${needle.slice(0, 400)}`).toBe(false);
}
function expectMatch(doc: string, pattern: RegExp): void {
  expect(pattern.test(doc), `expected to match ${pattern}`).toBe(true);
}
function expectNoMatch(doc: string, pattern: RegExp): void {
  const found = pattern.exec(doc);
  expect(found?.[0], `expected not to match ${pattern}`).toBeUndefined();
}

/** The `<tr>` of a category (and policy) in the category table. */
function categoryRow(doc: string, category: string, policy = 0): string {
  const start = doc.indexOf(`data-category="${escapeHtml(category)}" data-policy="${policy}"`);
  expect(start).toBeGreaterThan(0);
  return doc.slice(start, doc.indexOf('</tr>', start));
}

/** The cell of a metric in a row: [shown text, data-value]. */
function cell(row: string, metric: string): [string, string] {
  const match = new RegExp(`data-metric="${metric}" data-value="([^"]*)"[^>]*>([^<]*)<`).exec(row);
  if (!match) throw new Error(`no ${metric} cell in ${row}`);
  return [match[2] as string, match[1] as string];
}

describe('html', () => {
  it('escapes every interpolated string, in text and in attributes, and keeps Html fragments', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"><x>'}">${inner}${["'", 3]}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;x&gt;"><b>&lt;i&gt;</b>&#39;3</p>',
    );
    expect(html`${null}${undefined}${false}`.value).toBe('');
  });

  it('shows hidden and reordering characters as markers, decodes tag-character runs, keeps tabs and newlines', () => {
    expect(visibleText('a\u202Eb\u200Bc\td\ne').value).toBe(
      'a<span class="cc" title="U+202E">⟨RLO⟩</span>b<span class="cc" title="U+200B">⟨ZWSP⟩</span>c\td\ne',
    );
    const smuggled = [...'hi!'].map((c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) as number))).join('');
    expect(visibleText(`x${smuggled}y`).value).toBe(
      'x<span class="cc" title="3 tag characters (U+E0000 block)">⟨tags: hi!⟩</span>y',
    );
    expect(visibleText('\uD83D|\uDE00').value).toBe(
      '<span class="cc" title="U+D83D">⟨U+D83D⟩</span>|<span class="cc" title="U+DE00">⟨U+DE00⟩</span>',
    );
    expect(visibleText('😀 <ok>').value).toBe('😀 &lt;ok&gt;');
  });

  it('cuts without splitting a surrogate pair, and labels name hidden characters in plain text', () => {
    expect(cut('ab😀c', 3)).toEqual({ text: 'ab', cut: true });
    expect(cut('abc', 3)).toEqual({ text: 'abc', cut: false });
    expect(plainLabel('x\u202Ey', 10)).toBe('x⟨RLO⟩y');
    expect(plainLabel('abcdef', 3)).toBe('abc…');
  });
});

describe('svg scales', () => {
  it('picks round ticks and round axis ends', () => {
    expect(niceTicks([0, 1])).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks([0, 0.25], 5)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    expect([niceCeil(0.0625), niceCeil(0.13), niceCeil(0.625), niceCeil(1)]).toEqual([0.1, 0.2, 1, 1]);
  });
});

describe('highlightSpans', () => {
  const finding = (span: [number, number], fired: boolean, score: number) => ({
    rule: 'input/r',
    label: 'L',
    score,
    fired,
    action: 'block',
    span,
  });

  it('cuts overlapping spans into pieces, each marked once with every finding that covers it', () => {
    const out = highlightSpans('abcdef', [finding([1, 4], true, 0.9), finding([2, 5], false, 0.4)]).value;
    expect(out).toBe(
      'a<mark class="hl fired" title="input/r L score 0.900 (fired)">b</mark>' +
        '<mark class="hl fired" title="input/r L score 0.900 (fired); input/r L score 0.400 (below threshold)">cd</mark>' +
        '<mark class="hl near" title="input/r L score 0.400 (below threshold)">e</mark>f',
    );
  });

  it('does not mark a span over the whole text, clamps spans past the end, and escapes inside marks', () => {
    expect(highlightSpans('<a>', [finding([0, 3], true, 1)]).value).toBe('&lt;a&gt;');
    expect(highlightSpans('ab<', [finding([1, 99], true, 1)]).value).toBe(
      'a<mark class="hl fired" title="input/r L score 1.000 (fired)">b&lt;</mark>',
    );
  });
});

describe('renderReport', () => {
  it('is one document with one script, allowed by its hash, and fetches nothing', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page.match(/<script/g)).toHaveLength(1);
    const hash = createHash('sha256').update(REPORT_SCRIPT).digest('base64');
    expectIn(
      page,
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; script-src &#39;sha256-${hash}&#39;; img-src &#39;none&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;">`,
    );
    expectIn(page, `<script>${REPORT_SCRIPT}</script>`);
    // The only URLs are the SVG namespace, which is a name, not a fetch.
    const urls = page.match(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"'<>)]*/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expectNoMatch(page, /<(?:link|img|iframe|object|embed)\b/);
  });

  it('has the header, every section in order, and no comparison for one policy', () => {
    expectIn(page, '<h1>Railgate eval report</h1>');
    expectIn(
      page,
      '<dt>Data</dt><dd>8 rows (4 attacks, 4 benign) in 3 categories from <code>fixture.jsonl</code></dd>',
    );
    expectIn(page, '<dt>Date</dt><dd><time datetime="2026-01-02T03:04:05.000Z">2026-01-02T03:04:05.000Z</time></dd>');
    expectIn(page, '<dt>Tool</dt><dd>railgate 9.9.9-test · <code>railgate.eval/1</code></dd>');
    const order = ['overview', 'categories', 'rules', 'contribution', 'examples', 'about'].map((id) =>
      page.indexOf(`<section id="${id}"`),
    );
    expect(order.every((at, k) => at > 0 && (k === 0 || at > (order[k - 1] as number)))).toBe(true);
    expectNotIn(page, '<section id="comparison"');
    expectIn(compared, '<section id="comparison"');
  });

  it('shows the category figures of the result, rounded, with the exact value beside them', () => {
    const injection = categoryRow(page, 'injection');
    expect(cell(injection, 'recall')).toEqual(['0.500', '0.5']);
    expect(cell(injection, 'fpr')).toEqual(['0.500', '0.5']);
    expect(cell(injection, 'fnr')).toEqual(['0.500', '0.5']);
    expect(cell(injection, 'over_refusal_to_leakage')).toEqual(['1.00', '1']);
    expect(cell(injection, 'f1')).toEqual(['0.500', '0.5']);
    expect(['tp', 'fp', 'tn', 'fn'].map((m) => cell(injection, m)[0])).toEqual(['1', '1', '1', '1']);
    const pii = categoryRow(page, 'pii');
    expect(cell(pii, 'recall')).toEqual(['1.000', '1']);
    expectIn(
      pii,
      `data-metric="over_refusal_to_leakage" data-value="" title="${escapeHtml(single.policies[0]?.categories.pii?.undefined_because.over_refusal_to_leakage ?? '?')}">—</td>`,
    );
    const overall = categoryRow(page, 'overall');
    expect(['rows', 'tp', 'fp', 'tn', 'fn', 'cost'].map((m) => cell(overall, m)[0])).toEqual([
      '8',
      '2',
      '2',
      '2',
      '2',
      '4',
    ]);
    expectIn(
      page,
      '<div class="kpi" data-metric="recall" data-value="0.5"><span class="kpi-value">0.500</span><span class="kpi-name">recall</span>',
    );
  });

  it('draws the dial of each rule through every sweep point (hand-computed coordinates)', () => {
    const sweep = single.policies[0]?.rules[0]?.overall?.sweep;
    expect(sweep?.curve.threshold).toEqual([0.95, 0.9, 0.8, 0.6, 0.3, 0.1, 0]);
    // x = 50 + 376·FPR, y = 278 − 268·FNR in the 440×320 dial (the axis reaches 1: the operating point is at FPR 0.5).
    expectIn(
      page,
      '<path class="curve dial-curve" data-series="0" data-points="7" d="M50,77L144,77L238,77L238,144L238,211L332,211L426,278"/>',
    );
    // The rule's operating point (threshold 0.7: it flags a1 of the four attacks, b1 and b4 of the four benign
    // rows; a3 is the pii rule's) is a circle at FPR 0.5, FNR 0.75: (238, 77).
    expectIn(
      page,
      '<circle class="mark operating s0" cx="238" cy="77" r="4.5"><title>fixture: the policy&#39;s operating point at threshold 0.700 — over-refusal 0.500, leakage 0.750, recall 0.250</title></circle>',
    );
    // ROC starts at the implicit (0, 0): one more point than the sweep. x = 50 + 236·FPR, y = 228 − 218·recall.
    expectIn(
      page,
      '<path class="curve roc-curve" data-series="0" data-points="8" d="M50,228L50,173.5L109,173.5L168,173.5L168,119L168,64.5L227,64.5L286,10"/>',
    );
    expect(page.match(/class="curve dial-curve"/g)).toHaveLength(2 + 3); // two rules, and per-category dials
    expect(compared.match(/class="curve dial-curve" data-series="1"/g)?.length).toBeGreaterThan(0);
  });

  it('has a folded data table under the charts, and a reliability table with the ECE', () => {
    expectIn(page, '<summary>Curve points of the dial, ROC and precision-recall charts (table)</summary>');
    expectIn(
      page,
      '<td>fixture</td><td class="num">0.9500</td><td class="num">1</td><td class="num">0</td><td class="num">0.250</td><td class="num">0.000</td><td class="num">0.750</td><td class="num">1.000</td>',
    );
    const ece = single.policies[0]?.rules[0]?.overall?.calibration.ece ?? Number.NaN;
    expectIn(page, `ECE fixture ${ece.toFixed(3)}.`);
    expectMatch(
      page,
      /<svg class="chart dial" id="rule-0-dial" viewBox="0 0 440 320" width="440" height="320" role="img" aria-labelledby="rule-0-dial-t rule-0-dial-d"/,
    );
  });

  it('shows adversarial data as text: markup escaped, bidi controls as markers, huge texts cut', () => {
    for (const doc of [page, compared]) {
      for (const raw of [SCRIPT, IMG, ADVERSARIAL_CATEGORY, ADVERSARIAL_ID, ADVERSARIAL_POLICY, '</textarea>'])
        expectNotIn(doc, raw);
      expectNoMatch(doc, /<img|<svg onload|onerror=alert\(\d\)>/);
      expectNoMatch(doc, /[\u202A-\u202E\u2066-\u2069\u200B]/);
      const longestRunOfA = Math.max(...(doc.match(/A+/g) ?? []).map((run) => run.length));
      expect(longestRunOfA).toBe(2000 - IMG.length);
    }
    expectIn(page, '&lt;script&gt;alert(1)&lt;/script&gt;');
    expectIn(page, '&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expectIn(page, '&lt;/textarea&gt;');
    expectIn(page, '<span class="cc" title="U+202E">⟨RLO⟩</span>gnp.exe<span class="cc" title="U+200B">⟨ZWSP⟩</span>');
    expectIn(page, `data-category="${escapeHtml(ADVERSARIAL_CATEGORY)}"`);
    expectIn(compared, escapeHtml(ADVERSARIAL_POLICY));
    // The finding's span on the script tag is highlighted, still as text.
    expectIn(
      page,
      '<mark class="hl fired" title="input/prompt-injection MODEL_PROMPT_INJECTION score 0.900 (fired)">&lt;script&gt;alert(1)&lt;/script&gt;</mark>',
    );
    expect(A4_TEXT.length).toBeGreaterThan(30_000);
    expectIn(page, '<span class="cut">… (text cut)</span>');
  });

  it('puts the policies side by side: deltas marked better or worse', () => {
    // The second policy flags at 0.5: it also catches a2 (recall 0.5 → 1) and refuses the same benign rows.
    const row = compared.slice(compared.indexOf('<th scope="row">injection</th>'));
    expectMatch(
      row,
      /^<th scope="row">injection<\/th><td class="num" data-metric="recall" data-value="0.5">0.500<\/td><td class="num" data-metric="recall" data-value="1">1.000<\/td><td class="num delta better" data-metric="recall" data-value="0.5">\+0.500<\/td>/,
    );
    expect(cell(categoryRow(compared, 'injection', 1), 'recall')).toEqual(['1.000', '1']);
  });

  it('renders a result read back from JSON exactly as the object it was written from', () => {
    const fromJson = JSON.parse(JSON.stringify(fixtureResult())) as EvalResult;
    expect(renderReport(fromJson)).toBe(page);
  });

  it('shows the gate, failed checks first', () => {
    const result = fixtureResult();
    result.gate = {
      file: 'gate.yaml',
      baseline: null,
      passed: false,
      checks: [
        { policy: 'fixture', category: 'overall', check: 'min_recall', limit: 0.9, actual: 0.5, status: 'fail' },
        { policy: 'fixture', category: 'pii', check: 'max_fpr', limit: 0.1, actual: 0, status: 'pass' },
      ],
    };
    const doc = renderReport(result);
    expectIn(doc, '<h2>Gate <code>gate.yaml</code> FAILED: 1 of 2 checks</h2>');
    expectIn(doc, '<td class="status fail">FAIL</td><td>fixture</td><td>overall</td><td>min recall</td>');
    expect(doc.indexOf('<section id="gate"')).toBeLessThan(doc.indexOf('<section id="overview"'));
  });
});
