// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const topicsParams = z.strictObject({});
export type TopicsParams = z.infer<typeof topicsParams>;

export const topicsScanner: Scanner<TopicsParams> = {
  id: 'topics',
  description: 'TODO',
  params: topicsParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
