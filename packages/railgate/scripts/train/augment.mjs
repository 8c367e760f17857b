// Data augmentation for training, from the red-team transforms (src/eval/transforms): attack rows get a
// wrapped or obfuscated variant half of the time, so that attacks inside role-play, "research", a
// translation task, a retrieved document, or leetspeak/homoglyphs are learned; benign rows get a wrapper
// variant sometimes (the hard benign twin), so that a wrapper alone is not learned as an attack.
import { applyTransform } from '../../dist/eval/transforms/index.js';

/** Wrappers and obfuscations worth learning on attacks (encodings are decoded by the normalizer instead). */
const ATTACK_TRANSFORMS = [
  'roleplay',
  'research_laundering',
  'translation_wrapper',
  'prefix_injection',
  'payload_splitting',
  'indirect_document',
  'leetspeak',
  'homoglyph',
  'letter_spacing',
];
/** Wrappers that leave a benign request benign. */
const BENIGN_TRANSFORMS = ['roleplay', 'research_laundering', 'translation_wrapper', 'indirect_document'];

const MAX_CHARS = 4000;

/** One variant for a share of rows: `attackRate` of attacks, `benignRate` of benign rows. */
export function augmentations(row, rng, { attackRate = 0.5, benignRate = 0.12 } = {}) {
  if (row.text.length > MAX_CHARS) return [];
  const pool = row.label === 1 ? ATTACK_TRANSFORMS : BENIGN_TRANSFORMS;
  const rate = row.label === 1 ? attackRate : benignRate;
  if (rng() >= rate) return [];
  const id = pool[Math.floor(rng() * pool.length)];
  const seed = Math.floor(rng() * 2 ** 31);
  return [applyTransform(id, row.text, seed)];
}
