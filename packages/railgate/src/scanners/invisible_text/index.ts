// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const invisibleTextParams = z.strictObject({});
export type InvisibleTextParams = z.infer<typeof invisibleTextParams>;

export const invisibleTextScanner: Scanner<InvisibleTextParams> = {
  id: 'invisible_text',
  description: 'TODO',
  params: invisibleTextParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
