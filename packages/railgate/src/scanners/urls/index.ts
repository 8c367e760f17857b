// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const urlsParams = z.strictObject({});
export type UrlsParams = z.infer<typeof urlsParams>;

export const urlsScanner: Scanner<UrlsParams> = {
  id: 'urls',
  description: 'TODO',
  params: urlsParams,
  rails: RAILS,
  create() {
    return () => [];
  },
};
