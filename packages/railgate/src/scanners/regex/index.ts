// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const regexParams = z.strictObject({});
export type RegexParams = z.infer<typeof regexParams>;

export const regexScanner: Scanner<RegexParams> = {
  id: 'regex',
  description: 'TODO',
  params: regexParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
