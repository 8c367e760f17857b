/**
 * `railgate card --policy p.yaml --eval result.json`: the guardrail card of a policy, as Markdown (stdout or
 * `--out`) and self-contained HTML (`--html`). Exit codes: 0 written, 2 bad input — an unreadable result,
 * a policy that does not load, or a result measured with another policy version (unless --allow-mismatch).
 */
import { writeFileSync } from 'node:fs';
import { buildCard, CardInputError, cardHtml, cardMarkdown, readEvalResult } from '../card/index.js';
import { PolicyError } from '../engine/errors.js';
import { Guard } from '../engine/guard.js';
import { EvalInputError } from '../eval/errors.js';
import { numberOption } from './options.js';
import type { CliIO } from './scan.js';
import { packageVersion } from './version.js';

export interface CardCommandOptions {
  policy: string;
  eval: string;
  out?: string;
  html?: string;
  examples?: string;
  allowMismatch?: boolean;
}

export const CARD_EXIT = { ok: 0, usage: 2 } as const;

export function cardCommand(options: CardCommandOptions, io: CliIO, now: Date = new Date()): number {
  try {
    const examples = numberOption('--examples', options.examples, 0, 100, true) ?? 3;
    const result = readEvalResult(options.eval);
    const { policy } = new Guard({ policy: options.policy });
    const card = buildCard({
      source: options.policy,
      policy,
      result,
      resultFile: options.eval,
      toolVersion: packageVersion(),
      now,
      examples,
      allowMismatch: options.allowMismatch === true,
    });
    // Render both before writing either: a failure leaves no half-written pair behind.
    const markdown = cardMarkdown(card);
    const html = options.html !== undefined ? cardHtml(card) : undefined;
    if (options.out !== undefined) writeCard(options.out, markdown);
    else io.stdout.write(markdown);
    if (options.html !== undefined && html !== undefined) writeCard(options.html, html);
    if (card.mismatch)
      io.stderr.write('railgate card: warning: the eval result was made with another policy version\n');
    return CARD_EXIT.ok;
  } catch (error) {
    if (error instanceof CardInputError || error instanceof PolicyError || error instanceof EvalInputError) {
      io.stderr.write(`railgate card: ${error.message}\n`);
      return CARD_EXIT.usage;
    }
    throw error;
  }
}

function writeCard(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new CardInputError(
      'OUTPUT_INVALID',
      `${path}: cannot write: ${(error as Error).message}`,
      'check that the folder exists and is writable',
    );
  }
}
