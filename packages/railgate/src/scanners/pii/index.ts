// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const piiParams = z.strictObject({});
export type PiiParams = z.infer<typeof piiParams>;

export const piiScanner: Scanner<PiiParams> = {
  id: 'pii',
  description: 'TODO',
  params: piiParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
