// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const refusalParams = z.strictObject({});
export type RefusalParams = z.infer<typeof refusalParams>;

export const refusalScanner: Scanner<RefusalParams> = {
  id: 'refusal',
  description: 'TODO',
  params: refusalParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
