import { Views } from '../normalize/views.js';
import type { Finding, Rail, Scanner, Subject } from './types.js';

/**
 * Runs one scanner on one text outside any policy: parses `params` with the scanner's schema (throwing a
 * ZodError when they are wrong), compiles and scans. For tests, notebooks and custom-scanner development;
 * production code should compile once through createGuard.
 */
export function runScanner<P>(
  scanner: Scanner<P>,
  params: unknown,
  text: string,
  subject: Partial<Omit<Subject, 'text'>> = {},
): Finding[] | Promise<Finding[]> {
  const rail: Rail = subject.rail ?? scanner.rails[0] ?? 'input';
  const parsed = scanner.params.parse(params ?? {});
  const scan = scanner.create(parsed, { ruleId: scanner.id, rail, threshold: scanner.defaults?.threshold ?? 0.5 });
  return scan({ ...subject, text, rail }, new Views(text), new AbortController().signal);
}

/** runScanner for synchronous scanners; throws if the scanner returned a promise. */
export function runScannerSync<P>(
  scanner: Scanner<P>,
  params: unknown,
  text: string,
  subject: Partial<Omit<Subject, 'text'>> = {},
): Finding[] {
  const result = runScanner(scanner, params, text, subject);
  if (result instanceof Promise) throw new Error(`scanner ${scanner.id} is asynchronous; use runScanner`);
  return result;
}
