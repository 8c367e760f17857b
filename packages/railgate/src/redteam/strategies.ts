/**
 * Red-team strategies: how a seed attack is turned into what is sent to the target. Each strategy is one of
 * the shipped red-team transforms (src/eval/transforms), plus the rail its variant goes to, and `plain` —
 * the seed as written — as the baseline every other strategy is compared with. Indirect injection is split
 * by carrier because a document and a tool result are checked on different rails.
 */
import type { Rail } from '../engine/types.js';
import {
  applyConversationTransform,
  type ChatTurn,
  createRng,
  type Seed,
  type Transform,
  type TransformFamily,
  transformById,
} from '../eval/transforms/index.js';
import { INDIRECT_CARRIERS, type IndirectCarrier, plantedIn } from '../eval/transforms/indirect.js';

/** What is sent: one text on a rail, or a conversation (checked message by message, or sent as chat turns). */
export type Variant = { kind: 'text'; rail: Rail; text: string } | { kind: 'conversation'; messages: ChatTurn[] };

export type StrategyFamily = TransformFamily | 'baseline';

export interface Strategy {
  /** Stable id, used on the command line (`--strategies`) and in results. */
  readonly id: string;
  readonly family: StrategyFamily;
  readonly description: string;
  /** The variant of `text` (a seed checked on `rail`), reproducible from `seed`. */
  variant(text: string, rail: Rail, seed: Seed): Variant;
}

/** A strategy that sends the transform's output on the seed's own rail (encodings, disguises, framings). */
function onSeedRail(transform: Transform): Strategy {
  return {
    id: transform.id,
    family: transform.family,
    description: transform.description,
    variant: (text, rail, seed) => ({ kind: 'text', rail, text: transform.apply(text, createRng(seed)) }),
  };
}

/** A strategy that plants the payload in content read on another rail than the seed's. */
function onRail(transform: Transform, rail: Rail): Strategy {
  return {
    id: transform.id,
    family: transform.family,
    description: `${transform.description} Checked on the ${rail} rail.`,
    variant: (text, _rail, seed) => ({ kind: 'text', rail, text: transform.apply(text, createRng(seed)) }),
  };
}

function shipped(id: string): Transform {
  const transform = transformById(id);
  // A missing id is a programming error in this table, not user input.
  if (!transform) throw new Error(`redteam: no shipped transform '${id}'`);
  return transform;
}

const DOCUMENT_CARRIERS = (Object.keys(INDIRECT_CARRIERS) as IndirectCarrier[]).filter((c) => c !== 'tool_result');

const plain: Strategy = {
  id: 'plain',
  family: 'baseline',
  description: 'The seed as written: the baseline the other strategies are compared with.',
  variant: (text, rail) => ({ kind: 'text', rail, text }),
};

const multiTurn: Strategy = {
  id: 'multi_turn',
  family: 'conversation',
  description:
    'The payload at the end of a short conversation (a warm-up, a promise to play along) or split across two user turns; sent as chat messages.',
  variant: (text, _rail, seed) => ({
    kind: 'conversation',
    messages: applyConversationTransform('multi_turn', text, seed),
  }),
};

/** Every strategy, in report order: the baseline, encodings, character disguises, framings, indirect, multi-turn. */
export const STRATEGIES: readonly Strategy[] = [
  plain,
  ...['base64', 'hex', 'rot13', 'reverse', 'tag_smuggling'].map((id) => onSeedRail(shipped(id))),
  ...['homoglyph', 'zero_width', 'letter_spacing', 'leetspeak', 'case_noise'].map((id) => onSeedRail(shipped(id))),
  ...['roleplay', 'research_laundering', 'prefix_injection', 'payload_splitting', 'translation_wrapper'].map((id) =>
    onSeedRail(shipped(id)),
  ),
  onRail(
    plantedIn(
      'indirect_document',
      DOCUMENT_CARRIERS,
      'The payload planted in a retrieved web page, email, knowledge-base article or source file, among benign text.',
    ),
    'retrieval',
  ),
  onRail(
    plantedIn(
      'indirect_tool_result',
      ['tool_result'],
      'The payload planted in the snippet of one hit of a JSON web-search tool result.',
    ),
    'tool_result',
  ),
  multiTurn,
];

export const STRATEGY_IDS: readonly string[] = STRATEGIES.map((s) => s.id);

const BY_ID: ReadonlyMap<string, Strategy> = new Map(STRATEGIES.map((s) => [s.id, s]));

export function strategyById(id: string): Strategy | undefined {
  return BY_ID.get(id);
}
