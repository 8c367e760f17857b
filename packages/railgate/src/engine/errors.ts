/** Errors are values with a code, a message a person can act on, and where it happened. */

export type PolicyErrorCode =
  | 'POLICY_NOT_FOUND'
  | 'POLICY_PARSE'
  | 'POLICY_INVALID'
  | 'POLICY_UNKNOWN_SCANNER'
  | 'POLICY_UNKNOWN_PRESET'
  | 'POLICY_DUPLICATE_RULE'
  | 'POLICY_EXTENDS_CYCLE'
  | 'POLICY_RAIL_UNSUPPORTED'
  | 'POLICY_COMPILE';

/** One thing wrong in a policy, located in the file and in the document. */
export interface PolicyIssue {
  code: PolicyErrorCode;
  /** File the problem is in, or `<inline>` / `preset:<name>`. */
  file: string;
  /** Path inside the document, e.g. `rails.input.rules[2].threshold`; empty for the whole document. */
  path: string;
  /** 1-based line and column in the file when it was YAML or JSON text. */
  line?: number;
  column?: number;
  expected?: string;
  found?: string;
  /** What to change to fix it. */
  fix?: string;
  message: string;
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;

  constructor(readonly issues: readonly PolicyIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.code = issues[0]?.code ?? 'POLICY_INVALID';
  }
}

export function formatIssue(issue: PolicyIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  const path = issue.path ? ` ${issue.path}:` : '';
  let text = `${where}:${path} ${issue.message}`;
  if (issue.expected !== undefined || issue.found !== undefined) {
    text += ` (expected ${issue.expected ?? '?'}, found ${issue.found ?? '?'})`;
  }
  if (issue.fix) text += `\n  fix: ${issue.fix}`;
  return text;
}

/** Raised by `checkSync` on a policy that contains asynchronous scanners. */
export class AsyncPolicyError extends Error {
  override readonly name = 'AsyncPolicyError';
  readonly code = 'POLICY_NOT_SYNC';
  constructor(rules: readonly string[]) {
    super(
      `checkSync() needs a policy with only synchronous scanners; these rules are asynchronous: ${rules.join(', ')}. Use await guard.check() instead.`,
    );
  }
}

/** Raised for a malformed check request (no text, unknown rail, messages of the wrong shape). */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: 'REQUEST_INVALID',
    message: string,
    readonly path: string = '',
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

/** Levenshtein distance, small and bounded, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** The closest candidate within a distance of a third of the word, or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
