/**
 * The signature a webhook receiver checks: HMAC-SHA256 with the shared secret over
 * `<timestamp>.<raw body>`, sent as `X-Railgate-Signature: sha256=<hex>` next to
 * `X-Railgate-Timestamp: <unix seconds>`. Signing the timestamp lets receivers refuse replays older than
 * a few minutes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-railgate-signature';
export const TIMESTAMP_HEADER = 'x-railgate-timestamp';
export const DELIVERY_HEADER = 'x-railgate-delivery';
export const ATTEMPT_HEADER = 'x-railgate-attempt';

/** `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`. */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * True when `signature` is the signature of `body` at `timestamp` and the timestamp is within
 * `toleranceSeconds` of `nowSeconds`. Compares in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
