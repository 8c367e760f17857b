/**
 * Secrets recognised by their structure rather than a prefix at their start: PEM private key blocks,
 * JSON Web Tokens, passwords inside URLs, and tokens whose distinctive part sits in the middle (Telegram's
 * `<bot id>:A…`, Mailchimp's `…-us12`, Terraform's `.atlasv1.`, Azure AD's `…Q~…`, Discord's three parts).
 */
import { CONTEXTUAL, isDigit, isEnabled, isHexChar, isWordChar, PROVIDER, type ScanContext } from './candidate.js';
import { decodeBase64, decodeJsonSegment, isPlaceholder, redact } from './checks.js';
import { type Label, SECRET_NAMES } from './labels.js';
import type { Trigger } from './trigger.js';

function push(
  context: ScanContext,
  label: Label,
  start: number,
  end: number,
  score: number,
  evidence: string,
  priority = PROVIDER,
): void {
  context.out.push({ label, start, end, score, priority, evidence, value: context.text.slice(start, end) });
}

// ---------------------------------------------------------------------------------------------------------
// Private key blocks

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const PEM_KIND = /^(?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?$/;
/** Longest block searched for its END line: a 16 kbit RSA key or a PGP key with subkeys fits. */
const MAX_PEM = 65536;
/** Markers of an elided or invented body; short words like "your" are left out (a real body may hold them). */
const BODY_PLACEHOLDER = /\.\.\.|…|example|redacted|placeholder|<|>/i;

/** A real base64 body uses most of the 64 symbols; `XXXX…` or `AAAA…` filler uses a handful. */
function hasFewSymbols(body: string): boolean {
  const symbols = new Set(body.slice(0, 2048));
  return symbols.size < 20;
}

/** Positions of every `-----END ` in the text, found once per scan. */
function pemEnds(context: ScanContext): number[] {
  if (context.memo.pemEnds === undefined) {
    const ends: number[] = [];
    for (let at = context.text.indexOf(PEM_END); at >= 0; at = context.text.indexOf(PEM_END, at + 1)) ends.push(at);
    context.memo.pemEnds = ends;
  }
  return context.memo.pemEnds;
}

function findFooter(context: ScanContext, from: number, footer: string): number {
  const ends = pemEnds(context);
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ends[mid] as number) < from) lo = mid + 1;
    else hi = mid;
  }
  // A few mismatched END lines (another block's) may come first; more than that is not one block.
  for (let k = lo; k < Math.min(lo + 4, ends.length); k++) {
    const at = ends[k] as number;
    if (at - from > MAX_PEM) return -1;
    if (context.text.startsWith(footer, at)) return at;
  }
  return -1;
}

interface PemBody {
  base64: number;
  end: number;
}

/** Counts base64 characters of a PEM body, skipping whitespace and JSON-escaped newlines (`\n`). */
function measureBody(text: string, from: number, limit: number, stopAtOther: boolean): PemBody {
  let base64 = 0;
  let i = from;
  let lastUseful = from;
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x5c && (text[i + 1] === 'n' || text[i + 1] === 'r')) {
      i++;
      continue;
    }
    if (isWordChar(c) || c === 0x2b || c === 0x2f || c === 0x3d) {
      base64++;
      lastUseful = i + 1;
    } else if (stopAtOther) {
      break;
    }
  }
  return { base64, end: stopAtOther ? lastUseful : i };
}

function isServiceAccountKey(context: ScanContext, at: number): boolean {
  const before = context.text.slice(Math.max(0, at - 24), at);
  return /"private_key"\s*:\s*"$/.test(before) && context.text.includes('service_account');
}

function detectPrivateKey(context: ScanContext, at: number): number {
  const { text } = context;
  const kindEnd = text.indexOf('-----', at + PEM_BEGIN.length);
  if (kindEnd < 0 || kindEnd - at > 80) return 0;
  const kind = text.slice(at + PEM_BEGIN.length, kindEnd);
  if (!PEM_KIND.test(kind)) return 0;
  const bodyStart = kindEnd + 5;
  const footer = `${PEM_END}${kind}-----`;
  const footerAt = findFooter(context, bodyStart, footer);
  const complete = footerAt >= 0;
  const body = complete
    ? measureBody(text, bodyStart, footerAt, false)
    : measureBody(text, bodyStart, Math.min(text.length, bodyStart + MAX_PEM), true);
  const end = complete ? footerAt + footer.length : body.end;
  if (body.base64 < 16) return 0;
  const bodyText = text.slice(bodyStart, complete ? footerAt : end);
  const encrypted = kind.includes('ENCRYPTED') || bodyText.includes('ENCRYPTED');
  let score = complete ? 1 : 0.8;
  let note = complete ? `${end - at} chars` : 'truncated';
  if (BODY_PLACEHOLDER.test(bodyText) || body.base64 < 64 || hasFewSymbols(bodyText)) {
    score = 0.2;
    note = 'placeholder body';
  } else if (encrypted) {
    score = 0.8;
    note += ', encrypted';
  }
  const gcp = isEnabled(context, 'GCP_SERVICE_ACCOUNT_KEY') && isServiceAccountKey(context, at);
  const label: Label = gcp ? 'GCP_SERVICE_ACCOUNT_KEY' : 'PRIVATE_KEY';
  if (!isEnabled(context, label)) return end;
  push(context, label, at, end, score, `${SECRET_NAMES[label]}: -----BEGIN ${kind}----- (${note})`);
  return end;
}

// ---------------------------------------------------------------------------------------------------------
// JSON Web Tokens

/** End of a base64url run starting at `from` (letters, digits, `-`, `_`), at most `max` long. */
function base64UrlRunEnd(text: string, from: number, max: number): number {
  const limit = Math.min(text.length, from + max);
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (isWordChar(c) || c === 0x2d || c === 0x5f) i++;
    else break;
  }
  return i;
}

const MAX_JWT_PART = 8192;

function isDocumentedJwt(payload: Record<string, unknown>): boolean {
  return payload.sub === '1234567890' || payload.name === 'John Doe';
}

function detectJwt(context: ScanContext, at: number): number {
  const { text } = context;
  const headerEnd = base64UrlRunEnd(text, at, 2048);
  if (text.charCodeAt(headerEnd) !== 0x2e) return detectGrafanaLegacy(context, at, headerEnd);
  const payloadEnd = base64UrlRunEnd(text, headerEnd + 1, MAX_JWT_PART);
  if (payloadEnd === headerEnd + 1 || text.charCodeAt(payloadEnd) !== 0x2e) return 0;
  const signatureEnd = base64UrlRunEnd(text, payloadEnd + 1, MAX_JWT_PART);
  if (isWordChar(text.charCodeAt(signatureEnd)) || text.charCodeAt(signatureEnd) === 0x2e) return 0;
  const header = decodeJsonSegment(text.slice(at, headerEnd));
  if (header === null || typeof header.alg !== 'string') return 0;
  const payload = decodeJsonSegment(text.slice(headerEnd + 1, payloadEnd));
  if (payload === null) return 0;
  const unsigned = header.alg.toLowerCase() === 'none' || signatureEnd - payloadEnd - 1 < 16;
  let score = 0.9;
  let note = `alg ${header.alg.slice(0, 10)}`;
  if (isDocumentedJwt(payload)) {
    score = 0.2;
    note = 'documented example';
  } else if (unsigned) {
    score = 0.4;
    note = 'unsigned';
  }
  const value = text.slice(at, signatureEnd);
  push(context, 'JWT', at, signatureEnd, score, `${SECRET_NAMES.JWT}: ${redact(value, 3)} (${note})`);
  return signatureEnd;
}

/** Grafana's legacy API keys are one base64 JSON object `{"k":…,"n":…,"id":…}` starting `eyJrIjoi`. */
function detectGrafanaLegacy(context: ScanContext, at: number, runEnd: number): number {
  const { text } = context;
  if (!isEnabled(context, 'GRAFANA_TOKEN') || !text.startsWith('eyJrIjoi', at)) return 0;
  let end = runEnd;
  while (text.charCodeAt(end) === 0x3d && end - runEnd < 2) end++;
  if (end - at < 70 || isWordChar(text.charCodeAt(end))) return 0;
  const json = decodeJsonSegment(text.slice(at, end));
  if (json === null || typeof json.k !== 'string') return 0;
  push(context, 'GRAFANA_TOKEN', at, end, 0.95, `${SECRET_NAMES.GRAFANA_TOKEN}: ${redact(text.slice(at, end), 8)}`);
  return end;
}

// ---------------------------------------------------------------------------------------------------------
// Passwords in URLs

const DATABASE_SCHEMES = new Set([
  'postgres',
  'postgresql',
  'mysql',
  'mysqlx',
  'mariadb',
  'mongodb',
  'mongodb+srv',
  'redis',
  'rediss',
  'amqp',
  'amqps',
  'mssql',
  'sqlserver',
  'oracle',
  'cockroachdb',
  'clickhouse',
  'cassandra',
  'couchdb',
  'neo4j',
  'neo4j+s',
  'bolt',
  'memcached',
  'db2',
  'snowflake',
]);
const PASSWORD_PLACEHOLDER = /^(?:pass(?:word)?|passwd|pwd|secret|changeme|pw|\*+|x+|\$.*|%.*%|:.*)$/i;
const MAX_AUTHORITY = 512;

function isAuthorityEnd(c: number): boolean {
  // whitespace, / ? " ' < > ` \ end the authority part of a URL; '#' does not, because people paste
  // passwords containing it unencoded.
  return (
    c <= 0x20 ||
    c === 0x2f ||
    c === 0x3f ||
    c === 0x22 ||
    c === 0x27 ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x60 ||
    c === 0x5c
  );
}

function schemeBefore(text: string, at: number): string {
  let start = at;
  while (start > 0 && at - start < 32) {
    const c = text.charCodeAt(start - 1);
    if (isWordChar(c) || c === 0x2b || c === 0x2e || c === 0x2d) start--;
    else break;
  }
  return text.slice(start, at).toLowerCase();
}

function detectUrlPassword(context: ScanContext, at: number): number {
  const { text } = context;
  const scheme = schemeBefore(text, at);
  if (scheme.length === 0) return 0;
  const from = at + 3;
  let end = from;
  while (end < text.length && !isAuthorityEnd(text.charCodeAt(end))) {
    if (end - from > MAX_AUTHORITY) return 0;
    end++;
  }
  // Userinfo may not contain '@' unencoded, so the host starts after the last one.
  let atSign = end - 1;
  while (atSign >= from && text.charCodeAt(atSign) !== 0x40) atSign--;
  if (atSign < from) return 0;
  let colon = from;
  while (colon < atSign && text.charCodeAt(colon) !== 0x3a) colon++;
  if (colon >= atSign) return 0;
  const password = text.slice(colon + 1, atSign);
  if (password.length === 0 || PASSWORD_PLACEHOLDER.test(password) || isPlaceholder(password)) return 0;
  const label: Label = DATABASE_SCHEMES.has(scheme) ? 'DATABASE_PASSWORD' : 'URL_PASSWORD';
  if (!isEnabled(context, label)) return 0;
  const host = text.slice(atSign + 1, end);
  const evidence = `${SECRET_NAMES[label]}: ${scheme}://…:***@${host.slice(0, 80)}`;
  push(context, label, colon + 1, atSign, label === 'DATABASE_PASSWORD' ? 0.9 : 0.85, evidence, CONTEXTUAL);
  return from;
}

// ---------------------------------------------------------------------------------------------------------
// Tokens whose distinctive part is in the middle

function countBack(text: string, at: number, max: number, test: (c: number) => boolean): number {
  let n = 0;
  while (n < max && at - n - 1 >= 0 && test(text.charCodeAt(at - n - 1))) n++;
  return n;
}

const TELEGRAM_SECRET = /A[A-Za-z0-9_-]{34}(?![A-Za-z0-9_-])/y;

/** `<bot id>:A<34 chars>`; the id is digits, alone or after `bot` in an API URL. */
function detectTelegram(context: ScanContext, at: number): number {
  const { text } = context;
  const digits = countBack(text, at, 13, isDigit);
  if (digits < 6 || digits > 12) return 0;
  const start = at - digits;
  if (start > 0 && isWordChar(text.charCodeAt(start - 1)) && !text.startsWith('bot', start - 3)) return 0;
  TELEGRAM_SECRET.lastIndex = at + 1;
  if (!TELEGRAM_SECRET.test(text)) return 0;
  const end = TELEGRAM_SECRET.lastIndex;
  const value = text.slice(start, end);
  const score = isPlaceholder(value.slice(digits + 1)) ? 0.2 : 0.95;
  push(context, 'TELEGRAM_BOT_TOKEN', start, end, score, `${SECRET_NAMES.TELEGRAM_BOT_TOKEN}: ${redact(value, 0)}`);
  return end;
}

const MAILCHIMP_DC = /-us[0-9]{1,2}(?![A-Za-z0-9])/y;

/** `<32 hex>-us<datacenter>`. */
function detectMailchimp(context: ScanContext, at: number): number {
  const { text } = context;
  if (countBack(text, at, 33, isHexChar) !== 32) return 0;
  const start = at - 32;
  if (/[A-F]/.test(text.slice(start, at))) return 0;
  MAILCHIMP_DC.lastIndex = at;
  if (!MAILCHIMP_DC.test(text)) return 0;
  const end = MAILCHIMP_DC.lastIndex;
  const value = text.slice(start, end);
  push(context, 'MAILCHIMP_API_KEY', start, end, 0.9, `${SECRET_NAMES.MAILCHIMP_API_KEY}: ${redact(value, 0)}`);
  return end;
}

const TERRAFORM_SECRET = /[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])/y;

/** `<14 alphanumerics>.atlasv1.<60–70 chars>`. */
function detectTerraform(context: ScanContext, at: number): number {
  const { text } = context;
  if (countBack(text, at, 15, isWordChar) !== 14) return 0;
  const start = at - 14;
  TERRAFORM_SECRET.lastIndex = at + '.atlasv1.'.length;
  if (!TERRAFORM_SECRET.test(text)) return 0;
  const end = TERRAFORM_SECRET.lastIndex;
  const value = text.slice(start, end);
  push(
    context,
    'TERRAFORM_CLOUD_TOKEN',
    start,
    end,
    0.95,
    `${SECRET_NAMES.TERRAFORM_CLOUD_TOKEN}: ${redact(value, 0)}`,
  );
  return end;
}

function isAzureSecretChar(c: number): boolean {
  return isWordChar(c) || c === 0x5f || c === 0x7e || c === 0x2e || c === 0x2d;
}

/** Azure AD client secrets: three characters, a digit, `Q~`, then 31–34 characters. */
function detectAzureClientSecret(context: ScanContext, at: number): number {
  const { text } = context;
  const start = at - 4;
  if (start < 0 || !isDigit(text.charCodeAt(at - 1))) return 0;
  for (let i = start; i < at - 1; i++) if (!isAzureSecretChar(text.charCodeAt(i)) || text[i] === '-') return 0;
  if (start > 0 && isAzureSecretChar(text.charCodeAt(start - 1))) return 0;
  let end = at + 2;
  while (end < text.length && end - at <= 40 && isAzureSecretChar(text.charCodeAt(end))) end++;
  if (text[end - 1] === '.') end--;
  const tail = end - at - 2;
  if (tail < 31 || tail > 34) return 0;
  const value = text.slice(start, end);
  push(context, 'AZURE_CLIENT_SECRET', start, end, 0.9, `${SECRET_NAMES.AZURE_CLIENT_SECRET}: ${redact(value, 0)}`);
  return end;
}

function hasDotBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i <= to && i < text.length; i++) if (text.charCodeAt(i) === 0x2e) return true;
  return false;
}

const DISCORD_TOKEN = /[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/y;

/** `<base64 of the bot's numeric id>.<timestamp>.<hmac>`; the first part must decode to digits. */
function detectDiscordBot(context: ScanContext, at: number): number {
  const { text } = context;
  if (at > 0 && (text.charCodeAt(at - 1) === 0x2e || text.charCodeAt(at - 1) === 0x2d)) return 0;
  if (!hasDotBetween(text, at + 24, at + 28)) return 0;
  DISCORD_TOKEN.lastIndex = at;
  if (!DISCORD_TOKEN.test(text)) return 0;
  const end = DISCORD_TOKEN.lastIndex;
  const value = text.slice(at, end);
  const id = decodeBase64(value.slice(0, value.indexOf('.')));
  if (id === null || !/^[0-9]{17,20}$/.test(id)) return 0;
  push(context, 'DISCORD_BOT_TOKEN', at, end, 0.95, `${SECRET_NAMES.DISCORD_BOT_TOKEN}: ${redact(value, 0)}`);
  return end;
}

const DISCORD_ID_STARTS = ['MD', 'MT', 'Mj', 'Mz', 'ND', 'NT', 'Nj', 'Nz', 'OD', 'OT', 'Oj', 'Oz'];

export function structuredTriggers(): Trigger[] {
  return [
    {
      anchor: PEM_BEGIN,
      wordStart: false,
      labels: ['PRIVATE_KEY', 'GCP_SERVICE_ACCOUNT_KEY'],
      detect: detectPrivateKey,
    },
    { anchor: 'eyJ', wordStart: true, labels: ['JWT', 'GRAFANA_TOKEN'], detect: detectJwtIfEnabled },
    { anchor: '://', wordStart: false, labels: ['DATABASE_PASSWORD', 'URL_PASSWORD'], detect: detectUrlPassword },
    { anchor: ':A', wordStart: false, labels: ['TELEGRAM_BOT_TOKEN'], detect: detectTelegram },
    { anchor: '-us', wordStart: false, labels: ['MAILCHIMP_API_KEY'], detect: detectMailchimp },
    { anchor: '.atlasv1.', wordStart: false, labels: ['TERRAFORM_CLOUD_TOKEN'], detect: detectTerraform },
    { anchor: 'Q~', wordStart: false, labels: ['AZURE_CLIENT_SECRET'], detect: detectAzureClientSecret },
    // base64 of a digit string starts with one of these pairs ("1…" → "MT", "4…" → "ND", "9…" → "OT").
    ...DISCORD_ID_STARTS.map((anchor) => ({
      anchor,
      wordStart: true,
      labels: ['DISCORD_BOT_TOKEN'] as Label[],
      detect: detectDiscordBot,
    })),
  ];
}

function detectJwtIfEnabled(context: ScanContext, at: number): number {
  if (!isEnabled(context, 'JWT')) return detectGrafanaLegacy(context, at, base64UrlRunEnd(context.text, at, 2048));
  return detectJwt(context, at);
}
