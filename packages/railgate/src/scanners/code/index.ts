// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const codeParams = z.strictObject({});
export type CodeParams = z.infer<typeof codeParams>;

export const codeScanner: Scanner<CodeParams> = {
  id: 'code',
  description: 'TODO',
  params: codeParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
