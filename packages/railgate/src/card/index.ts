/**
 * `railgate card` as a library: read a `railgate.eval/1` result, pair it with the policy it measured and
 * render the guardrail card.
 *
 * @example
 * ```ts
 * const card = buildCard({ source: 'default', policy: new Guard({ policy: 'default' }).policy, result: readEvalResult('result.json'), … });
 * writeFileSync('card.md', cardMarkdown(card));
 * ```
 */
import { readFileSync } from 'node:fs';
import { EVAL_SCHEMA, type EvalResult } from '../eval/result.js';
import { CardInputError } from './errors.js';

/** Reads an eval result; anything but a `railgate.eval/1` document with policies is an EVAL_INVALID error. */
export function readEvalResult(file: string): EvalResult {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CardInputError(
      'EVAL_INVALID',
      `${file}: ${missing ? 'no such file' : `not JSON: ${(error as Error).message}`}`,
      'pass a result written by `railgate eval --json <file>`',
    );
  }
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined;
  if (record?.schema !== EVAL_SCHEMA || !Array.isArray(record.policies) || !isRecord(record.data))
    throw new CardInputError(
      'EVAL_INVALID',
      `${file}: not a ${EVAL_SCHEMA} result (schema: ${JSON.stringify(record?.schema)})`,
      'pass a result written by `railgate eval --json <file>` of this major version',
    );
  return data as EvalResult;
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { buildCard, CARD_SECTIONS, type Card, type CardInput } from './card.js';
export { CardInputError } from './errors.js';
export { cardHtml } from './html.js';
export { cardMarkdown } from './markdown.js';
