// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const promptInjectionParams = z.strictObject({});
export type PromptInjectionParams = z.infer<typeof promptInjectionParams>;

export const promptInjectionScanner: Scanner<PromptInjectionParams> = {
  id: 'prompt_injection',
  description: 'TODO',
  params: promptInjectionParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
