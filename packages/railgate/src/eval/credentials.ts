/**
 * Synthetic credentials for suites. A suite row that leaks a key says `{{credential:github:3}}` instead of
 * holding a live-looking token: the repository and the npm package then carry no string a secret scanner
 * (ours, GitHub's push protection, a registry's) would take for a real leak, and the loader puts a
 * well-formed fake (right prefix, length and, where the format has one, checksum) in its place.
 */
import { crc32 } from 'node:zlib';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = `${ALNUM}+/`;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** Deterministic random-looking characters from a xorshift32 state (never 0). Shared with the secrets tests. */
export function xorshiftText(state: number, length: number, alphabet: string): string {
  let x = state;
  let out = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

/** Deterministic random-looking characters seeded from the kind and number. */
function draw(seed: string, length: number, alphabet: string): string {
  return xorshiftText(crc32(seed) || 1, length, alphabet);
}

function base62(value: number, width: number): string {
  let out = '';
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) out = ALNUM[rest % 62] + out;
  return out.padStart(width, '0');
}

/** GitHub and npm tokens end with a base62 CRC-32 of their random part. */
function checksummed(prefix: string, seed: string): string {
  const entropy = draw(seed, 30, ALNUM);
  return prefix + entropy + base62(crc32(entropy), 6);
}

function pemBlock(seed: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) lines.push(draw(`${seed}:${i}`, 64, BASE64));
  return `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`;
}

const GENERATORS: Readonly<Record<string, (seed: string) => string>> = {
  github: (seed) => checksummed('ghp_', seed),
  npm: (seed) => checksummed('npm_', seed),
  aws_key_id: (seed) => `AKIA${draw(seed, 16, BASE32_UPPER)}`,
  aws_secret: (seed) => draw(seed, 40, BASE64),
  stripe: (seed) => `sk_live_${draw(seed, 32, ALNUM)}`,
  slack_bot: (seed) => `xoxb-${draw(`${seed}a`, 12, DIGITS)}-${draw(`${seed}b`, 13, DIGITS)}-${draw(seed, 24, ALNUM)}`,
  google_api: (seed) => `AIza${draw(seed, 35, `${ALNUM}_-`)}`,
  huggingface: (seed) => `hf_${draw(seed, 34, LETTERS)}`,
  gitlab: (seed) => `glpat-${draw(seed, 20, `${ALNUM}_-`)}`,
  private_key: pemBlock,
};

export const CREDENTIAL_KINDS: readonly string[] = Object.keys(GENERATORS);

const PLACEHOLDER = /\{\{credential:([a-z_]+):(\d+)\}\}/g;

/** Replaces every `{{credential:<kind>:<n>}}` by its fake; unknown kinds are left as they are. */
export function expandCredentials(text: string): string {
  if (!text.includes('{{credential:')) return text;
  return text.replace(PLACEHOLDER, (whole, kind: string, n: string) => {
    const generate = GENERATORS[kind];
    return generate ? generate(`${kind}:${n}`) : whole;
  });
}

/** Placeholder kinds in a text that no generator knows (a typo in a suite). */
export function unknownCredentialKinds(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const kind = match[1] as string;
    if (!(kind in GENERATORS)) unknown.push(kind);
  }
  return unknown;
}
