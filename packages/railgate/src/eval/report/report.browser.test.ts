/**
 * The HTML report as a reader gets it: written by `railgate eval report` from a saved result, then opened
 * in a real Chromium. The Chromium half runs when RAILGATE_TEST_CHROMIUM names the browser
 * (`/usr/bin/chromium`; .ci/run installs and sets it) and then fails loudly if the browser does not start;
 * without the variable it is not defined at all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test-fixtures/run-cli.js';
import { evaluate } from '../evaluate.js';
import type { EvalResult } from '../result.js';
import { fixed } from '../tables.js';
import { ADVERSARIAL_ID, B4_TEXT, fixtureResult, IMG, RLO, SCRIPT, ZWSP } from '../test-fixtures/result.js';
import { renderReport } from './index.js';

/**
 * The little of the DOM the functions run in the page use. The package compiles without the DOM library
 * (it is Node code), so these are declared here, for this module only.
 */
interface PageElement {
  id: string;
  open?: boolean;
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  attributes: Iterable<{ name: string }>;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  getTotalLength(): number;
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const document: {
  body: PageElement;
  scripts: { length: number };
  querySelectorAll(selector: string): Iterable<PageElement>;
};
declare function getComputedStyle(element: PageElement): { backgroundColor: string };

const CHROMIUM = process.env.RAILGATE_TEST_CHROMIUM;
const dir = mkdtempSync(join(tmpdir(), 'railgate-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Saves the result as JSON and has `railgate eval report` write its HTML; returns the HTML file. */
async function writeReport(name: string, result: EvalResult): Promise<string> {
  const json = join(dir, `${name}.json`);
  const html = join(dir, `${name}.html`);
  writeFileSync(json, JSON.stringify(result, null, 2));
  const { code, out, err } = await runCli(['eval', 'report', json, '--html', html]);
  expect({ code, out }).toEqual({ code: 0, out: '' });
  expect(err).toMatch(
    new RegExp(`^railgate eval report: wrote ${html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KB\\)\\n$`),
  );
  return html;
}

describe('railgate eval report', () => {
  it('writes the HTML of a saved result: the same page as rendering the result itself', async () => {
    const result = fixtureResult({ compare: true });
    const file = await writeReport('saved', result);
    expect(readFileSync(file, 'utf8')).toBe(renderReport(result));
  });

  it('a file that is not a railgate.eval/1 result, or no output named, is exit 2 with the reason', async () => {
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"schema":"railgate.eval/2","policies":[]}');
    const wrong = await runCli(['eval', 'report', other, '--html', join(dir, 'x.html')]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toBe(
      `railgate eval report: ${other}: schema: not a railgate.eval/1 result (schema: "railgate.eval/2"): written by a railgate with another result format\n  fix: re-run the evaluation with this railgate, or use the railgate that wrote it\n`,
    );
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ ...fixtureResult(), policies: [{ source: 'x' }] }));
    const broken = await runCli(['eval', 'report', partial, '--html', join(dir, 'y.html')]);
    expect(broken.code).toBe(2);
    expect(broken.err).toContain(
      ': policies[0].overall: not a complete railgate.eval/1 result: policies[0].overall missing',
    );
    const none = await runCli(['eval', 'report', partial]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^railgate eval report: nothing to write\n {2}fix: add --html report\.html/);
  });
});

if (CHROMIUM) {
  describe('the HTML report in Chromium (RAILGATE_TEST_CHROMIUM)', () => {
    let browser: Browser;
    let fixturePage: string;
    let builtin: { file: string; result: EvalResult };

    beforeAll(async () => {
      // Root (CI containers) cannot use Chromium's sandbox; a normal user keeps it.
      const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
      browser = await chromium.launch({ executablePath: CHROMIUM, args });
      fixturePage = await writeReport('fixture', fixtureResult({ compare: true }));
      const result = await evaluate({ sources: [{ suite: 'builtin' }], policies: ['default', 'strict'] });
      builtin = { file: await writeReport('builtin', result), result };
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
    });

    /** Opens a report, recording what a hostile page would do: dialogs, console errors, network requests. */
    async function open(file: string, options: BrowserContextOptions = {}) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, ...options });
      const page = await context.newPage();
      const url = pathToFileURL(file).href;
      const seen = { dialogs: [] as string[], errors: [] as string[], requests: [] as string[] };
      page.on('dialog', (dialog) => {
        seen.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') seen.errors.push(message.text());
      });
      page.on('pageerror', (error) => seen.errors.push(error.message));
      page.on('request', (request) => {
        if (request.url() !== url) seen.requests.push(request.url());
      });
      await page.goto(url, { waitUntil: 'load' });
      return { page, seen, close: () => context.close() };
    }

    /** Every chart's id and rendered size; `openOnly` leaves out charts inside folded (closed) details. */
    function chartSizes(page: Page, openOnly: boolean) {
      return page.$$eval(
        'svg.chart',
        (svgs, onlyOpen) =>
          svgs
            .filter((svg) => !onlyOpen || !svg.closest('details:not([open])'))
            .map((svg) => {
              const box = svg.getBoundingClientRect();
              return { id: svg.id, width: box.width, height: box.height };
            }),
        openOnly,
      );
    }

    /** Per rule section and policy: the number of path commands of the rule's own dial and its drawn length. */
    function dials(page: Page) {
      return page.$$eval('section.rule', (sections) =>
        sections.flatMap((section) =>
          [...section.querySelectorAll(':scope > .charts path.dial-curve')].map((path) => ({
            rule: section.getAttribute('data-rule'),
            series: Number(path.getAttribute('data-series')),
            points: (path.getAttribute('d')?.match(/[ML]/g) ?? []).length,
            length: path.getTotalLength(),
          })),
        ),
      );
    }

    /** The category table as shown: [category, policy] → metric → text. */
    function categoryTable(page: Page) {
      return page.$$eval('#category-table tr[data-category]', (rows) =>
        rows.map((row) => ({
          category: row.getAttribute('data-category'),
          policy: Number(row.getAttribute('data-policy')),
          cells: Object.fromEntries(
            [...row.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric'), td.textContent]),
          ),
        })),
      );
    }

    /** What the category table must show, straight from the JSON. */
    function expectedTable(result: EvalResult) {
      const names = [...result.data.categories.map((c) => c.name), 'overall'];
      return names.flatMap((category) =>
        result.policies.map((policy, k) => {
          const m = category === 'overall' ? policy.overall : policy.categories[category];
          if (!m) throw new Error(`no ${category} in the result`);
          const c = m.confusion;
          return {
            category,
            policy: k,
            cells: {
              rows: String(m.rows),
              attacks: String(m.attacks),
              recall: fixed(m.recall),
              fpr: fixed(m.fpr),
              fnr: fixed(m.fnr),
              over_refusal_to_leakage: fixed(m.over_refusal_to_leakage, 2),
              precision: fixed(m.precision),
              f1: fixed(m.f1),
              tp: String(c.tp),
              fp: String(c.fp),
              tn: String(c.tn),
              fn: String(c.fn),
              cost: String(m.cost.total),
            },
          };
        }),
      );
    }

    it('shows the adversarial rows as text: no dialog, no script but its own, no request, no console error', async () => {
      const { page, seen, close } = await open(fixturePage);
      try {
        const text = await page.evaluate(
          (id) =>
            [...document.querySelectorAll('article.example')].find((a) => a.dataset.id === id)?.querySelector('p.text')
              ?.textContent,
          ADVERSARIAL_ID,
        );
        expect(text).toBe(B4_TEXT.replace(RLO, '⟨RLO⟩').replace(ZWSP, '⟨ZWSP⟩'));
        expect(text).toContain(SCRIPT);
        expect(text).toContain(IMG);
        const elements = await page.evaluate(() => ({
          scripts: document.scripts.length,
          embedded: [...document.querySelectorAll('img, iframe, object, embed, link')].length,
          handlers: [...document.querySelectorAll('*')].filter((e) =>
            [...e.attributes].some((a) => a.name.startsWith('on')),
          ).length,
        }));
        expect(elements).toEqual({ scripts: 1, embedded: 0, handlers: 0 });
        // Clicking through every toggle does not run anything from the data either.
        await page.click('#expand-all');
        expect(seen).toEqual({ dialogs: [], errors: [], requests: [] });
      } finally {
        await close();
      }
    });

    it('shows the exact figures of the JSON in the category table, and the dial through every sweep point', async () => {
      const { page, seen, close } = await open(fixturePage);
      try {
        expect(await categoryTable(page)).toEqual(expectedTable(fixtureResult({ compare: true })));
        const drawn = await dials(page);
        expect(drawn.map(({ rule, series, points }) => ({ rule, series, points }))).toEqual([
          { rule: 'input/prompt-injection', series: 0, points: 7 },
          { rule: 'input/prompt-injection', series: 1, points: 7 },
          { rule: 'input/pii', series: 0, points: 3 },
          { rule: 'input/pii', series: 1, points: 3 },
        ]);
        for (const dial of drawn) expect(dial.length).toBeGreaterThan(100);
        expect(seen).toEqual({ dialogs: [], errors: [], requests: [] });
      } finally {
        await close();
      }
    });

    it('the built-in suite, default vs strict: every chart has a size, every dial has every sweep point', async () => {
      const { page, seen, close } = await open(builtin.file);
      try {
        const visible = await chartSizes(page, true);
        // Per rule that scored: dial, ROC, PR and reliability; per policy the contribution bars.
        const scored = new Set(
          builtin.result.policies.flatMap((p) =>
            p.rules.filter((r) => Object.keys(r.by_category).length > 0).map((r) => r.key),
          ),
        );
        expect(visible).toHaveLength(scored.size * 4 + 2);
        for (const chart of visible) expect(chart.width * chart.height, chart.id).toBeGreaterThan(10_000);
        await page.click('#expand-all');
        const all = await chartSizes(page, false);
        expect(all.length).toBeGreaterThan(visible.length);
        for (const chart of all) expect(chart.width * chart.height, chart.id).toBeGreaterThan(10_000);
        const expected = builtin.result.policies.flatMap((policy, series) =>
          policy.rules
            .filter((r) => scored.has(r.key) && r.overall)
            .map((r) => ({ rule: r.key, series, points: r.overall?.sweep.curve.threshold.length })),
        );
        const drawn = (await dials(page)).map(({ rule, series, points }) => ({ rule, series, points }));
        const order = (a: { rule: string | null; series: number }, b: { rule: string | null; series: number }) =>
          String(a.rule).localeCompare(String(b.rule)) || a.series - b.series;
        expect(drawn.sort(order)).toEqual(expected.sort(order));
        expect(await categoryTable(page)).toEqual(expectedTable(builtin.result));
        expect(seen).toEqual({ dialogs: [], errors: [], requests: [] });
      } finally {
        await close();
      }
    });

    it('reads without script: everything is there, folded tables open by a click, the buttons stay hidden', async () => {
      const { page, seen, close } = await open(fixturePage, { javaScriptEnabled: false });
      try {
        expect(await page.isVisible('#toolbar-actions')).toBe(false);
        expect(await categoryTable(page)).toEqual(expectedTable(fixtureResult({ compare: true })));
        const folded = 'section.rule details.per-category';
        expect(await page.$eval(folded, (d) => (d as PageElement).open)).toBe(false);
        await page.click(`${folded} > summary`);
        expect(await page.$eval(folded, (d) => (d as PageElement).open)).toBe(true);
        const inside = await page.$eval(`${folded} svg.chart`, (svg) => svg.getBoundingClientRect().width);
        expect(inside).toBeGreaterThan(100);
        expect(seen).toEqual({ dialogs: [], errors: [], requests: [] });
      } finally {
        await close();
      }
    });

    it('follows the colour scheme, prints light without the toolbar, and the policy toggles hide a series', async () => {
      const dark = await open(fixturePage, { colorScheme: 'dark' });
      const light = await open(fixturePage, { colorScheme: 'light' });
      try {
        const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(await background(dark.page)).toBe('rgb(13, 17, 23)');
        expect(await background(light.page)).toBe('rgb(255, 255, 255)');
        await dark.page.emulateMedia({ media: 'print' });
        expect(await background(dark.page)).toBe('rgb(255, 255, 255)');
        expect(await dark.page.isVisible('nav.toolbar')).toBe(false);
        const secondSeries = 'section.rule g.series.s1';
        expect(await light.page.isVisible(secondSeries)).toBe(true);
        await light.page.uncheck('input[data-series-toggle="1"]');
        expect(await light.page.isVisible(secondSeries)).toBe(false);
        expect(light.seen).toEqual({ dialogs: [], errors: [], requests: [] });
      } finally {
        await dark.close();
        await light.close();
      }
    });
  });
}
