// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const jsonParams = z.strictObject({});
export type JsonParams = z.infer<typeof jsonParams>;

export const jsonScanner: Scanner<JsonParams> = {
  id: 'json',
  description: 'TODO',
  params: jsonParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
