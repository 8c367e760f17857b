import { TokenizerError } from './errors.js';

/** The `vocab` object (token → id) of a WordPiece or BPE model section, checked and as a Map. */
export function vocabMap(config: Record<string, unknown>, path: string): Map<string, number> {
  const vocab = config.vocab;
  if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) {
    throw new TokenizerError('TOKENIZER_INVALID', 'expected an object of token → id', `${path}.vocab`);
  }
  const map = new Map<string, number>();
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new TokenizerError(
        'TOKENIZER_INVALID',
        `id of ${JSON.stringify(token)} is not an integer`,
        `${path}.vocab`,
      );
    }
    map.set(token, id as number);
  }
  return map;
}
