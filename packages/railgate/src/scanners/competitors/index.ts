// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const competitorsParams = z.strictObject({});
export type CompetitorsParams = z.infer<typeof competitorsParams>;

export const competitorsScanner: Scanner<CompetitorsParams> = {
  id: 'competitors',
  description: 'TODO',
  params: competitorsParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
