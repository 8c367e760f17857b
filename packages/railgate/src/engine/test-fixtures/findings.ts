import { expect } from 'vitest';
import { runScannerSync } from '../run-scanner.js';
import type { Finding, Rail, Scanner } from '../types.js';

/**
 * The one finding a scanner reports on `text`, with the raw text its span covers, for compact exact
 * assertions in tests of scanners that report a single verdict finding.
 */
export function onlyFinding<P>(
  scanner: Scanner<P>,
  text: string,
  params: Record<string, unknown> = {},
  rail: Rail = 'input',
) {
  const findings = runScannerSync(scanner, params, text, { rail });
  expect(findings).toHaveLength(1);
  const f = findings[0] as Finding;
  const [start, end] = f.span ?? [0, 0];
  return {
    label: f.label,
    score: f.score,
    span: f.span,
    view: f.view,
    covered: text.slice(start, end),
    evidence: f.evidence,
  };
}
