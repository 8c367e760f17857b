/**
 * What the key name of an assignment (`STRIPE_SECRET_KEY=`, `"apiKey":`, `password:`) says about its value.
 * Only the last word of the name decides (`api_key` yes, `api_key_id` no), so ids, lengths, types, URLs and
 * file paths of secrets are not mistaken for the secrets themselves.
 */

export type NameKind = 'password' | 'secret' | 'weak' | 'authorization';

export interface NameClass {
  kind: NameKind;
  /** The name alone makes a secret very likely (`client_secret`, `api_key`), not just possible (`key`). */
  strong: boolean;
  /** The name asks for a passphrase, whose value may contain spaces. */
  passphrase?: boolean;
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode']);
const SECRET_WORDS = new Set([
  'secret',
  'apikey',
  'apisecret',
  'apitoken',
  'privatekey',
  'secretkey',
  'accesskey',
  'accesstoken',
  'authtoken',
  'clientsecret',
  'refreshtoken',
  'sessiontoken',
  'signingkey',
  'credential',
  'credentials',
  'creds',
]);
const STRONG_KEY_QUALIFIERS = new Set([
  'api',
  'secret',
  'private',
  'access',
  'client',
  'signing',
  'encryption',
  'master',
]);
const KEY_QUALIFIERS = new Set([
  ...STRONG_KEY_QUALIFIERS,
  'auth',
  'app',
  'service',
  'account',
  'admin',
  'subscription',
  'shared',
  'webhook',
  'hmac',
  'jwt',
  'session',
  'consumer',
  'storage',
  'license',
  'live',
  'prod',
  'dev',
]);
/** Keys that are not secrets: database and cache keys, public halves of key pairs, UI keys. */
const NOT_SECRET_KEY = new Set([
  'public',
  'pub',
  'publishable',
  'primary',
  'foreign',
  'sort',
  'partition',
  'range',
  'hash',
  'cache',
  'lookup',
  'map',
  'dict',
  'object',
  'registry',
  'group',
  'route',
  'idempotency',
  'site',
  'anon',
  'unique',
  'composite',
  'row',
  'column',
  'index',
  'translation',
  'i18n',
  'sorting',
  'react',
  'list',
  'item',
  'hot',
  'keyboard',
]);
const STRONG_TOKEN_QUALIFIERS = new Set(['access', 'auth', 'api', 'bot', 'refresh', 'bearer', 'session', 'personal']);
/** Tokens that are not credentials: pagination cursors, CSRF nonces, tokenizer vocabulary, counters. */
const NOT_SECRET_TOKEN = new Set([
  'csrf',
  'xsrf',
  'page',
  'next',
  'continuation',
  'cancellation',
  'cancel',
  'pagination',
  'sync',
  'max',
  'min',
  'eos',
  'bos',
  'pad',
  'unk',
  'sep',
  'mask',
  'cls',
  'special',
  'input',
  'output',
  'num',
  'total',
  'prompt',
  'completion',
  'start',
  'end',
  'stop',
  'reasoning',
  'cached',
  'verification',
  'device',
  'push',
  'notification',
  'fcm',
  'apns',
  'id',
]);

/** Splits `STRIPE_SECRET_KEY`, `apiKey`, `X-API-Key`, `--db-password` into lowercase words. */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    const code = name.charCodeAt(i);
    const upper = code >= 0x41 && code <= 0x5a;
    const letterOrDigit = upper || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
    if (!letterOrDigit) {
      if (word) words.push(word.toLowerCase());
      word = '';
      continue;
    }
    const prev = name.charCodeAt(i - 1);
    const next = name.charCodeAt(i + 1);
    const prevLower = prev >= 0x61 && prev <= 0x7a;
    const prevUpper = prev >= 0x41 && prev <= 0x5a;
    const nextLower = next >= 0x61 && next <= 0x7a;
    // camelCase boundary (apiKey) or the end of an acronym (APIKey).
    if (upper && word && (prevLower || (prevUpper && nextLower))) {
      words.push(word.toLowerCase());
      word = '';
    }
    word += ch;
  }
  if (word) words.push(word.toLowerCase());
  return words;
}

/** Last three letters (lowercase) of every word that can end a secret's key name. */
const ENDINGS = new Set(
  [
    ...PASSWORD_WORDS,
    ...SECRET_WORDS,
    'password',
    'passwd',
    'secret',
    'key',
    'token',
    'auth',
    'authorization',
    'sig',
  ].map((word) => packEnding(word, word.length)),
);

function packEnding(text: string, end: number): number {
  // Lowercase ASCII letters by setting bit 0x20; digits and punctuation never collide with an ending.
  return (
    ((text.charCodeAt(end - 3) | 0x20) << 16) |
    ((text.charCodeAt(end - 2) | 0x20) << 8) |
    (text.charCodeAt(end - 1) | 0x20)
  );
}

/**
 * Cheap first test on a key name ending at `end` in `text`: can its last word be a secret's? Rejects
 * "Note:", "width=" and most prose colons without allocating.
 */
export function mayNameSecret(text: string, start: number, end: number): boolean {
  return end - start >= 3 && ENDINGS.has(packEnding(text, end));
}

export function classifyName(words: readonly string[]): NameClass | null {
  const last = words[words.length - 1];
  if (last === undefined) return null;
  const qualifier = words[words.length - 2] ?? '';
  if (PASSWORD_WORDS.has(last) || last.endsWith('password') || last.endsWith('passwd')) {
    return { kind: 'password', strong: true, passphrase: last === 'passphrase' };
  }
  if (last === 'authorization') return { kind: 'authorization', strong: true };
  if (SECRET_WORDS.has(last) || last.endsWith('secret')) return { kind: 'secret', strong: true };
  if (last === 'key') {
    if (NOT_SECRET_KEY.has(qualifier)) return null;
    if (STRONG_KEY_QUALIFIERS.has(qualifier)) return { kind: 'secret', strong: true };
    return KEY_QUALIFIERS.has(qualifier) ? { kind: 'secret', strong: false } : { kind: 'weak', strong: false };
  }
  if (last === 'token') {
    if (NOT_SECRET_TOKEN.has(qualifier)) return null;
    return { kind: 'secret', strong: STRONG_TOKEN_QUALIFIERS.has(qualifier) };
  }
  if (last === 'auth') return { kind: 'weak', strong: false };
  return null;
}
