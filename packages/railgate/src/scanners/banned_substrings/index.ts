// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const bannedSubstringsParams = z.strictObject({});
export type BannedSubstringsParams = z.infer<typeof bannedSubstringsParams>;

export const bannedSubstringsScanner: Scanner<BannedSubstringsParams> = {
  id: 'banned_substrings',
  description: 'TODO',
  params: bannedSubstringsParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
