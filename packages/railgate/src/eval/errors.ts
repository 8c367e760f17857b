/**
 * Problems with what `railgate eval` was given (data files, suites, gate files, baselines), as values with
 * a code, where it happened (file, line, path inside the document) and what to change. The CLI turns them
 * into exit code 2.
 */

export type EvalErrorCode =
  | 'DATA_NOT_FOUND'
  | 'DATA_EMPTY'
  | 'DATA_TOO_LARGE'
  | 'DATA_BAD_ROW'
  | 'DATA_NO_ROWS'
  | 'SUITE_UNKNOWN'
  | 'SUITE_INVALID'
  | 'GATE_NOT_FOUND'
  | 'GATE_PARSE'
  | 'GATE_INVALID'
  | 'BASELINE_INVALID'
  | 'RESULT_INVALID'
  | 'DRIFT_MISMATCH'
  | 'OPTION_INVALID';

export interface EvalIssue {
  code: EvalErrorCode;
  /** The file the problem is in, when there is one. */
  file?: string;
  /** 1-based line (and column) in that file. */
  line?: number;
  column?: number;
  /** Path inside a YAML/JSON document, e.g. `categories.overall.min_recall`. */
  path?: string;
  message: string;
  /** What to change to fix it. */
  fix?: string;
}

export class EvalInputError extends Error {
  override readonly name = 'EvalInputError';
  readonly code: EvalErrorCode;

  constructor(
    readonly issues: readonly EvalIssue[],
    /** How many more problems of the same kind were found but not listed. */
    readonly more = 0,
  ) {
    const listed = issues.map(formatEvalIssue).join('\n');
    super(more > 0 ? `${listed}\n(${more} more problem(s) not shown)` : listed);
    this.code = issues[0]?.code ?? 'DATA_BAD_ROW';
  }
}

export function formatEvalIssue(issue: EvalIssue): string {
  let where = issue.file ?? '';
  if (issue.line !== undefined) where += `:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}`;
  const path = issue.path ? ` ${issue.path}:` : '';
  let text = `${where ? `${where}:` : ''}${path} ${issue.message}`.trimStart();
  if (issue.fix) text += `\n  fix: ${issue.fix}`;
  return text;
}

/** Throws a single-issue EvalInputError. */
export function fail(issue: EvalIssue): never {
  throw new EvalInputError([issue]);
}
