// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const secretsParams = z.strictObject({});
export type SecretsParams = z.infer<typeof secretsParams>;

export const secretsScanner: Scanner<SecretsParams> = {
  id: 'secrets',
  description: 'TODO',
  params: secretsParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
