// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const jailbreakParams = z.strictObject({});
export type JailbreakParams = z.infer<typeof jailbreakParams>;

export const jailbreakScanner: Scanner<JailbreakParams> = {
  id: 'jailbreak',
  description: 'TODO',
  params: jailbreakParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
