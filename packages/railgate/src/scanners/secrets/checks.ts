/**
 * Validation helpers for the secrets scanner: checksums that prove a token is well formed, entropy that
 * tells a random value from a word, placeholder tests that tell a documented example from a live key,
 * and the redaction used in evidence. All pure, no allocation beyond the strings they return.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const CRC_TABLE = buildCrcTable();

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE 802.3, the zlib one) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Base62 (digits, upper, lower) of a non-negative integer, left-padded with '0' to `width`. */
export function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub's classic tokens (ghp_, gho_, ghu_, ghs_, ghr_) and npm's npm_ tokens end with six base62 characters
 * holding the CRC-32 of the 30 random characters before them (the prefix is not covered). A token whose
 * checksum holds was minted by the provider's generator; a mistyped or invented one almost never passes.
 */
export function hasValidCrcChecksum(body: string): boolean {
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

const counts = new Uint16Array(65536);

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  let entropy = 0;
  for (let i = 0; i < n; i++) counts[value.charCodeAt(i)] = (counts[value.charCodeAt(i)] as number) + 1;
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(i);
    const count = counts[code] as number;
    if (count === 0) continue;
    const p = count / n;
    entropy -= p * Math.log2(p);
    counts[code] = 0;
  }
  return entropy;
}

/** Which character classes a value uses: bit 1 lowercase, 2 uppercase, 4 digit, 8 anything else. */
export function charClasses(value: string): number {
  let classes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) classes |= 1;
    else if (c >= 0x41 && c <= 0x5a) classes |= 2;
    else if (c >= 0x30 && c <= 0x39) classes |= 4;
    else classes |= 8;
  }
  return classes;
}

export function countClasses(classes: number): number {
  return (classes & 1) + ((classes >> 1) & 1) + ((classes >> 2) & 1) + ((classes >> 3) & 1);
}

/** Words documentation and templates use in place of a real value; too long to occur by chance. */
const PLACEHOLDER_WORDS =
  /example|sample|dummy|placeholder|redacted|changeme|change_me|change-me|replace|insert|foobar/i;
/**
 * Short markers (`your-key-here`, `xxxx`, `...`) that a long random token may contain by chance: they count
 * only in a repetitive value (entropy under 4 bits per character), as templates are.
 */
const PLACEHOLDER_MARKERS = /your|xxxx|\*\*\*|\.\.\.|…|fake|todo|here/i;

/**
 * True for values that stand in for a secret rather than being one: documented examples (`EXAMPLE`),
 * template markers (`<...>`, `${...}`, `{{...}}`), masks (`xxxx`, `****`, `...`), very few distinct
 * characters, long runs of one character, or an ascending run such as `1234567890` / `abcdefgh`.
 */
export function isPlaceholder(value: string): boolean {
  if (PLACEHOLDER_WORDS.test(value)) return true;
  if (/[<>{}]|\$\(|%s/.test(value)) return true;
  if (PLACEHOLDER_MARKERS.test(value) && shannonEntropy(value) < 4) return true;
  return hasLowDiversity(value) || hasAscendingRun(value);
}

const seen = new Uint8Array(128);

function hasLowDiversity(value: string): boolean {
  let run = 1;
  let distinct = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) & 127;
    if (i > 0 && c === (value.charCodeAt(i - 1) & 127)) {
      run++;
      if (run >= 6) break;
    } else {
      run = 1;
    }
    if (seen[c] === 0) {
      seen[c] = 1;
      distinct++;
    }
  }
  seen.fill(0);
  return run >= 6 || (value.length >= 8 && distinct <= 3);
}

function hasAscendingRun(value: string): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    if (value.charCodeAt(i) === value.charCodeAt(i - 1) + 1) {
      run++;
      if (run >= 8) return true;
    } else {
      run = 1;
    }
  }
  return false;
}

const BASE64_BODY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes standard or URL-safe base64 to a string of bytes (latin1), or null when it is not base64. */
export function decodeBase64(value: string): string | null {
  if (value.length < 4 || !BASE64_BODY.test(value)) return null;
  const body = value.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

/** Decoded base64 that is printable ASCII (a token, a `user:password`, a config line), or null. */
export function decodeBase64Text(value: string): string | null {
  const decoded = decodeBase64(value);
  if (decoded === null || decoded.length === 0) return null;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if ((c < 0x20 || c > 0x7e) && c !== 0x0a && c !== 0x0d && c !== 0x09) return null;
  }
  return decoded;
}

/** Parses a base64url JSON object (a JWT header or payload), or null. */
export function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const text = decodeBase64Text(segment);
  if (text === null || !text.trimStart().startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * A loggable form of a secret: the public prefix, an ellipsis and the last four characters (`ghp_…a1B2`).
 * Short values keep nothing of the secret part.
 */
export function redact(value: string, prefixLength: number): string {
  const prefix = value.slice(0, prefixLength);
  const secretLength = value.length - prefixLength;
  if (secretLength < 16) return `${prefix}…`;
  return `${prefix}…${value.slice(-4)}`;
}
