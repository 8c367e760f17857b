import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../eval/escape.js';
import { MAX_HTML_VARIANTS, renderRedteamReport, VARIANT_TEXT_CHARS } from './html.js';
import { redteam } from './index.js';
import type { RedteamResult, SuccessfulVariant } from './result.js';
import { CARD_SEED, HARMFUL_SEED, INJECTION_SEED, seedsJsonl, testFolder } from './test-fixtures/seeds.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';

const { write } = testFolder('railgate-redteam-html-');
const seeds = write('seeds.jsonl', seedsJsonl([INJECTION_SEED, HARMFUL_SEED, CARD_SEED]));

const result = await redteam({
  sources: [{ path: seeds }],
  target: { kind: 'policy', policy: 'default' },
  flagOn: ['block', 'mask'],
  seed: 1,
});

/** The run's result with hostile variants added, as a hand-edited or attacker-shaped file could hold. */
function hostile(): RedteamResult {
  const copy = JSON.parse(JSON.stringify(result)) as RedteamResult;
  const first = copy.successes[0] as SuccessfulVariant;
  copy.successes.unshift(
    { ...first, id: 'rt-x-script', seed_id: IMG, category: SCRIPT, text: `${SCRIPT} then ${IMG}`, plain_stopped: true },
    { ...first, id: 'rt-x-hidden', text: `a\u202Eb\u200Bc\u{E0041}\u{E0042}d`, plain_stopped: true },
    { ...first, id: 'rt-x-long', text: 'x'.repeat(5_000), plain_stopped: true },
  );
  return copy;
}

const page = renderRedteamReport(result);
const evil = renderRedteamReport(hostile());

/** The opening tag of the element carrying `attribute="value"`. */
function tagWith(doc: string, attribute: string, value: string): string {
  const at = doc.indexOf(`${attribute}="${escapeHtml(value)}"`);
  expect(at, `no ${attribute}="${value}"`).toBeGreaterThan(0);
  return doc.slice(doc.lastIndexOf('<', at), doc.indexOf('>', at) + 1);
}

describe('renderRedteamReport', () => {
  it('shows the exact success rates of the JSON: overall, per strategy and per category', () => {
    expect(tagWith(page, 'data-metric', 'success_rate')).toContain(
      `data-value="${String(result.overall.success_rate)}"`,
    );
    for (const s of result.strategies) {
      expect(s.success_rate).not.toBeNull();
      expect(tagWith(page, 'data-strategy', s.id)).toContain(`data-value="${String(s.success_rate)}"`);
    }
    for (const c of result.categories) {
      const start = page.indexOf(`data-category="${escapeHtml(c.name)}"`);
      const row = page.slice(start, page.indexOf('</tr>', start));
      for (const [id, rate] of Object.entries(c.by_strategy))
        expect(row).toContain(`data-metric="rate:${id}" data-value="${String(rate.success_rate)}"`);
      expect(row).toContain(`data-metric="success_rate" data-value="${String(c.success_rate)}"`);
    }
  });

  it('draws one bar per strategy, the plain baseline marked as its own bar and a line', () => {
    const bars = page.match(/<rect class="bar[ "]/g) ?? [];
    expect(bars).toHaveLength(result.strategies.length);
    expect(page.match(/<rect class="bar baseline"/g)).toHaveLength(1);
    expect(tagWith(page, 'data-strategy', 'plain')).toContain('class="bar baseline"');
    expect(page).toMatch(/<line class="baseline" [^>]*><title>plain \(the seeds as written\): 0\.0%<\/title>/);
    // The folded data table under the chart: one row per strategy.
    const table = page.slice(
      page.indexOf('id="table-strategies"'),
      page.indexOf('</table>', page.indexOf('id="table-strategies"')),
    );
    expect(table.match(/<th scope="row"/g)).toHaveLength(result.strategies.length);
    expect(page).toContain('<details class="fold data"><summary>Data of this chart');
  });

  it('escapes hostile variants, ids and categories, and shows invisible characters as markers', () => {
    expect(evil).not.toContain(SCRIPT);
    expect(evil).not.toContain('<img');
    expect(evil).toContain(escapeHtml(`${SCRIPT} then ${IMG}`));
    expect(evil).toContain(escapeHtml(IMG));
    expect(evil.match(/<script/g)).toHaveLength(1); // the report's own
    expect(evil).toContain('⟨RLO⟩');
    expect(evil).toContain('⟨ZWSP⟩');
    expect(evil).toContain('⟨tags: AB⟩');
    expect(evil).not.toContain('\u202E');
  });

  it('cuts a variant at 2,000 characters and lists a bounded number of variants', () => {
    const start = evil.indexOf('data-id="rt-x-long"');
    const card = evil.slice(start, evil.indexOf('</article>', start));
    expect(card).toContain(`${'x'.repeat(VARIANT_TEXT_CHARS)}<span class="cut">`);
    expect(card).not.toContain('x'.repeat(VARIANT_TEXT_CHARS + 1));
    const many = hostile();
    many.successes = Array.from({ length: 300 }, (_, k) => ({
      ...(many.successes[0] as SuccessfulVariant),
      id: `v${k}`,
    }));
    expect(renderRedteamReport(many).match(/<article class="example"/g)).toHaveLength(MAX_HTML_VARIANTS);
  });

  it('fetches nothing: a CSP with no network, and no URL but the SVG namespace', () => {
    expect(page).toContain(
      'content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; script-src &#39;sha256-',
    );
    // Variant texts may quote URLs (the indirect strategies plant documents with links): as escaped text in a
    // variant's box they fetch nothing. Everything else — markup, attributes, labels — holds no URL but the
    // SVG namespace, and no attribute can load or link anywhere but the page's own anchors.
    const urlPattern = /(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"'<>)]*/g;
    const markup = evil.replace(/<p class="text">[\s\S]*?<\/p>/g, '');
    expect(new Set(markup.match(urlPattern))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(evil).not.toMatch(/<[a-z][^<>]*\s(?:src|srcset|action|formaction|poster|data|background)=/i);
    expect(evil.match(/\shref="([^"]*)"/g)?.every((h) => h.startsWith(' href="#'))).toBe(true);
  });

  it('is built from the JSON alone: the saved result renders the same bytes', () => {
    expect(renderRedteamReport(JSON.parse(JSON.stringify(result)) as RedteamResult)).toBe(page);
    expect(page).toContain(`<time datetime="${result.created_at}">`);
    expect(page).toContain(`railgate ${result.tool.version}`);
  });
});
