#!/usr/bin/env node
/**
 * Regenerates the screenshots of the HTML eval report in docs/img/: the default policy against the strict
 * one on the built-in suite, rendered by headless Chromium (Debian's; playwright-core downloads none).
 *
 *   npm run docs:report-screenshots          # builds first; Chromium from RAILGATE_TEST_CHROMIUM or /usr/bin/chromium
 *
 * Writes docs/img/eval-report.png (the top of the page: header, headline figures, the side-by-side table)
 * and docs/img/eval-report-dial.png (the input/harmful rule: the dial, ROC, precision-recall, reliability),
 * and the report itself to a temporary file it names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const { evaluate } = await import(pathToFileURL(join(here, '../dist/eval/evaluate.js')).href);
const { renderReport } = await import(pathToFileURL(join(here, '../dist/eval/report/index.js')).href);

const result = await evaluate({
  sources: [{ suite: 'builtin' }],
  policies: ['default', 'strict'],
  toolVersion: '0.1.0',
});
const file = join(tmpdir(), 'railgate-eval-report.html');
writeFileSync(file, renderReport(result));

const executablePath = process.env.RAILGATE_TEST_CHROMIUM ?? '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const out = join(root, 'docs/img');
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, 'eval-report.png') });
  const rule = page.locator('section.rule[data-rule="input/harmful"]');
  await rule.screenshot({ path: join(out, 'eval-report-dial.png') });
  console.log(`report: ${file}\nscreenshots: ${out}/eval-report.png, ${out}/eval-report-dial.png`);
} finally {
  await browser.close();
}
