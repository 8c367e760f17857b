// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const webhookParams = z.strictObject({});
export type WebhookParams = z.infer<typeof webhookParams>;

export const webhookScanner: Scanner<WebhookParams> = {
  id: 'webhook',
  description: 'TODO',
  params: webhookParams,
  rails: RAILS,
  async: true,
  create() {
    return async () => [];
  },
};
