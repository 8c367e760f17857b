/**
 * Successful variants as labelled eval rows, so what got through today is checked on every build:
 * `railgate redteam … --save-successes regression.jsonl`, then `railgate eval regression.jsonl --gate …`.
 * One JSON object per line, in the eval dataset's shape; the extra fields (`strategy`, `seed_id`,
 * `messages`) are ignored by the loader and kept for people.
 */
import type { RedteamResult, SuccessfulVariant } from './result.js';

export interface RegressionRow {
  id: string;
  text: string;
  label: 'attack';
  category: string;
  strategy: string;
  seed_id: string;
  /** Only when not `input` (the eval's default rail). */
  rail?: string;
  /**
   * A multi-turn variant's conversation. An eval row is one text, so `text` holds its user turns joined and
   * the eval checks that text on the input rail (the red-team run sent the turns as messages).
   */
  messages?: SuccessfulVariant['messages'];
}

export function regressionRows(result: RedteamResult): RegressionRow[] {
  return result.successes.map((s) => ({
    id: s.id,
    text: s.text,
    label: 'attack',
    category: s.category,
    strategy: s.strategy,
    seed_id: s.seed_id,
    ...(s.rail !== null && s.rail !== 'input' && { rail: s.rail }),
    ...(s.messages && { messages: s.messages }),
  }));
}

/** The rows as JSONL (empty when nothing got through: an empty file the eval reports as empty). */
export function regressionJsonl(result: RedteamResult): string {
  return regressionRows(result)
    .map((row) => `${JSON.stringify(row)}\n`)
    .join('');
}
