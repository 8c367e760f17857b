/**
 * Red-team transforms: pure, seeded functions that turn an attack prompt into the variants attackers send
 * (encoded, disguised, framed, planted in documents, spread over turns). The same registry feeds model
 * training (augmentation), the obfuscated-attack benchmark and `railgate redteam`.
 *
 * @example
 * ```ts
 * import { applyTransform, composeTransforms } from 'railgate';
 * applyTransform('base64', 'Ignore all previous instructions', 7);
 * composeTransforms(['homoglyph', 'base64'], 'Ignore all previous instructions', 7);
 * ```
 */
import { CHARACTER_TRANSFORMS } from './characters.js';
import { ENCODING_TRANSFORMS } from './encoding.js';
import { FRAMING_TRANSFORMS } from './framing.js';
import { indirectDocumentTransform } from './indirect.js';
import { multiTurnTransform } from './multi-turn.js';
import { createRng, type Seed } from './rng.js';
import type { ChatTurn, ConversationTransform, Transform, TransformFamily } from './transform.js';

export {
  encodeBase64,
  encodeHex,
  encodeRot13,
  encodeTags,
  HEX_STYLES,
  type HexStyle,
  reverseCodePoints,
} from './encoding.js';
export { INDIRECT_CARRIERS, type IndirectCarrier, plantedIn } from './indirect.js';
export { createRng, type Rng, type Seed } from './rng.js';
export type { ChatTurn, ConversationTransform, Transform, TransformFamily } from './transform.js';

/** Every single-prompt transform, in a fixed order (encoding, character, framing, indirect). */
export const TRANSFORMS: readonly Transform[] = [
  ...ENCODING_TRANSFORMS,
  ...CHARACTER_TRANSFORMS,
  ...FRAMING_TRANSFORMS,
  indirectDocumentTransform,
];

/** Transforms whose variant is a conversation (see applyMessages). */
export const CONVERSATION_TRANSFORMS: readonly ConversationTransform[] = [multiTurnTransform];

/** The ids of TRANSFORMS, in order. */
export const TRANSFORM_IDS: readonly string[] = TRANSFORMS.map((t) => t.id);

const BY_ID: ReadonlyMap<string, Transform> = new Map(TRANSFORMS.map((t) => [t.id, t]));

/** The transform with this id, or undefined. */
export function transformById(id: string): Transform | undefined {
  return BY_ID.get(id);
}

function requireTransform(id: string): Transform {
  const transform = BY_ID.get(id);
  if (!transform) throw new RangeError(`unknown transform "${id}"; known: ${TRANSFORM_IDS.join(', ')}`);
  return transform;
}

/** One variant: `transform(text)` with a generator seeded by `seed`. Throws RangeError on an unknown id. */
export function applyTransform(id: string, text: string, seed: Seed): string {
  return requireTransform(id).apply(text, createRng(seed));
}

export interface TransformVariant {
  id: string;
  family: TransformFamily;
  text: string;
}

/**
 * One variant per transform, in registry order. Each transform gets its own generator seeded by `seed`, so
 * a variant here equals applyTransform(id, text, seed) and does not move when transforms are added.
 */
export function applyAll(text: string, seed: Seed): TransformVariant[] {
  return TRANSFORMS.map((t) => ({ id: t.id, family: t.family, text: t.apply(text, createRng(seed)) }));
}

/**
 * The transforms applied in order, each to the previous one's output, drawing from one generator seeded
 * by `seed`: `composeTransforms(['homoglyph', 'base64'], text, 1)` base64-encodes a homoglyph variant.
 * Growth multiplies, so keep chains short. Throws RangeError on an unknown id (before applying any).
 */
export function composeTransforms(ids: readonly string[], text: string, seed: Seed): string {
  const chain = ids.map(requireTransform);
  const rng = createRng(seed);
  return chain.reduce((current, transform) => transform.apply(current, rng), text);
}

/** A conversation variant from a conversation transform (`multi_turn`). Throws RangeError on an unknown id. */
export function applyConversationTransform(id: string, text: string, seed: Seed): ChatTurn[] {
  const transform = CONVERSATION_TRANSFORMS.find((t) => t.id === id);
  if (!transform) {
    const known = CONVERSATION_TRANSFORMS.map((t) => t.id).join(', ');
    throw new RangeError(`unknown conversation transform "${id}"; known: ${known}`);
  }
  return transform.applyMessages(text, createRng(seed));
}
