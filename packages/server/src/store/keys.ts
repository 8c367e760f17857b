/**
 * API keys: `rg_<id>_<secret>`. The id (public, 12 hex) finds the row; the secret (32 random bytes,
 * base64url) is checked against a salted SHA-256. A slow hash (scrypt) would cost milliseconds on every
 * request; 256 random bits cannot be guessed, so a fast salted hash is enough and the raw key is never stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface NewKey {
  /** Shown once to the caller, never stored. */
  key: string;
  id: string;
  salt: string;
  hash: string;
}

const KEY_PATTERN = /^rg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function hashSecret(salt: string, secret: string): string {
  return createHash('sha256').update(salt).update('\0').update(secret).digest('hex');
}

export function newApiKey(): NewKey {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  return { key: `rg_${id}_${secret}`, id, salt, hash: hashSecret(salt, secret) };
}

/** Splits a presented key into id and secret; null when it is not shaped like a Railgate key. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1] as string, secret: match[2] as string } : null;
}

export function secretMatches(salt: string, secret: string, hash: string): boolean {
  const actual = Buffer.from(hashSecret(salt, secret), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
