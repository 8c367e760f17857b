/**
 * A policy document together with where it came from, so every problem found later (in the document's
 * shape, in a scanner's params, after merging with a preset) can be reported at a file, a path inside the
 * document and, for text files, a line and column.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { PolicyError, type PolicyErrorCode, type PolicyIssue } from './errors.js';

export type DocPath = ReadonlyArray<string | number>;

export class PolicySource {
  private constructor(
    /** File name, `<inline>` or `preset:<name>`. */
    readonly file: string,
    readonly data: unknown,
    private readonly doc: Document | null,
    private readonly lines: LineCounter | null,
  ) {}

  static fromObject(data: unknown, file = '<inline>'): PolicySource {
    return new PolicySource(file, data, null, null);
  }

  /** Parses YAML (JSON is valid YAML) and keeps positions for error messages. */
  static fromText(text: string, file: string): PolicySource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      const pos = lines.linePos(first.pos[0]);
      throw new PolicyError([
        {
          code: 'POLICY_PARSE',
          file,
          path: '',
          line: pos.line,
          column: pos.col,
          message: `not valid YAML/JSON: ${first.message.split('\n')[0]}`,
          fix: 'check indentation, quotes and colons around that line',
        },
      ]);
    }
    const data: unknown = doc.toJS({ maxAliasCount: 100 });
    if (data === null || data === undefined) {
      throw new PolicyError([
        {
          code: 'POLICY_PARSE',
          file,
          path: '',
          message: 'the file is empty',
          fix: 'start from `extends: default` or run `railgate policy explain default` for a full example',
        },
      ]);
    }
    return new PolicySource(file, data, doc, lines);
  }

  /** Reads a policy file; `displayName` replaces the path in messages (used for `preset:<name>`). */
  static fromFile(path: string, displayName: string = path): PolicySource {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
      throw new PolicyError([
        {
          code: 'POLICY_NOT_FOUND',
          file: displayName,
          path: '',
          message: `cannot read the policy file: ${reason}`,
          fix: 'pass the path of a YAML or JSON policy file, or a preset name such as `default`',
        },
      ]);
    }
    return PolicySource.fromText(text, displayName);
  }

  get name(): string {
    return this.file.startsWith('preset:') ? this.file.slice(7) : basename(this.file).replace(/\.(ya?ml|json)$/i, '');
  }

  /** 1-based line/column of the node at `path`, or of its nearest existing parent (for a missing key). */
  locate(path: DocPath): { line?: number; column?: number } {
    if (!this.doc || !this.lines) return {};
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      const range = node && typeof node === 'object' && 'range' in node ? node.range : undefined;
      if (range) {
        const pos = this.lines.linePos(range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  }

  /** The value at `path` in the parsed data. */
  valueAt(path: DocPath): unknown {
    let value: unknown = this.data;
    for (const key of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string | number, unknown>)[key];
    }
    return value;
  }

  issue(code: PolicyErrorCode, path: DocPath, fields: Omit<PolicyIssue, 'code' | 'file' | 'path'>): PolicyIssue {
    return { code, file: this.file, path: formatPath(path), ...this.locate(path), ...fields };
  }

  /** Converts zod issues found while validating the value at `base` into located policy issues. */
  zodIssues(error: z.ZodError, base: DocPath, code: PolicyErrorCode = 'POLICY_INVALID'): PolicyIssue[] {
    return error.issues.flatMap((zi) => {
      const path = [...base, ...(zi.path as Array<string | number>)];
      if (zi.code === 'unrecognized_keys') {
        return zi.keys.map((key) =>
          this.issue(code, [...path, key], {
            message: `unknown key '${key}'`,
            fix: `remove '${key}' or check its spelling`,
          }),
        );
      }
      const expected = expectedOf(zi);
      return [
        this.issue(code, path, {
          message: summaryOf(zi),
          expected,
          found: describeValue(this.valueAt(path)),
          ...(expected !== undefined && { fix: fixOf(path, expected) }),
        }),
      ];
    });
  }
}

/** `['rails','input','rules',2,'threshold']` → `rails.input.rules[2].threshold`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A short statement of the problem; zod's own wording is kept only for custom (scanner-written) checks. */
function summaryOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'wrong type';
    case 'too_big':
      return issue.origin === 'number' ? 'value too large' : 'too long';
    case 'too_small':
      return issue.origin === 'number' ? 'value too small' : 'too short';
    case 'invalid_value':
      return 'not an allowed value';
    case 'invalid_format':
      return 'wrong format';
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return issue.message;
  }
}

function fixOf(path: DocPath, expected: string): string {
  const last = path[path.length - 1];
  if (last === 'threshold' || last === 'weighted_threshold') return 'thresholds are scores between 0 and 1, e.g. 0.8';
  return `use ${expected}`;
}

function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_big':
      return `${issue.origin === 'number' ? 'a number' : `${issue.origin} size`} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'too_small':
      return `${issue.origin === 'number' ? 'a number' : `${issue.origin} size`} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `text matching ${String(issue.pattern)}` : issue.format;
    default:
      return undefined;
  }
}
