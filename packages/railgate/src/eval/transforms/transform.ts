/**
 * The shape every red-team transform shares. A transform turns an attack prompt into a variant an
 * attacker would plausibly send (encoded, disguised, framed, or planted in a document); it is pure and
 * draws every choice from the Rng it is given, so a seed reproduces a variant exactly.
 */
import type { Rng } from './rng.js';

/**
 * - `encoding`: the payload is encoded (base64, hex, rot13, reversed, Unicode tags) and wrapped in an
 *   instruction to decode it;
 * - `character`: the payload stays readable to a person but its characters change (look-alikes, leet,
 *   invisible characters, spacing, case);
 * - `framing`: the payload is wrapped in a pretext (translation, fiction, research, forced prefix, split
 *   variables);
 * - `indirect`: the payload is planted in content the model retrieves (a web page, an email, a tool result);
 * - `conversation`: the payload is spread over several chat turns.
 */
export type TransformFamily = 'encoding' | 'character' | 'framing' | 'indirect' | 'conversation';

export interface Transform {
  /** Stable machine id, used in benchmark reports and on the command line. */
  readonly id: string;
  readonly family: TransformFamily;
  /** One sentence for people: what the variant looks like. */
  readonly description: string;
  /** The variant of `text`; every random choice comes from `rng`. Never throws on any string. */
  apply(text: string, rng: Rng): string;
}

/** One chat turn, compatible with the engine's Message. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A transform whose variant is a conversation rather than one prompt. */
export interface ConversationTransform {
  readonly id: string;
  readonly family: 'conversation';
  readonly description: string;
  /** The conversation, ending with a user turn; every random choice comes from `rng`. */
  applyMessages(text: string, rng: Rng): ChatTurn[];
}

/**
 * Fills `{slot}` markers in a template in one pass. Slot values are inserted literally and never scanned
 * again, so a payload that itself contains "{lang}" stays as it is.
 */
export function fillTemplate(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]{1,20})\}/g, (marker, name: string) => slots[name] ?? marker);
}
