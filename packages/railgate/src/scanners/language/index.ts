// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const languageParams = z.strictObject({});
export type LanguageParams = z.infer<typeof languageParams>;

export const languageScanner: Scanner<LanguageParams> = {
  id: 'language',
  description: 'TODO',
  params: languageParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
