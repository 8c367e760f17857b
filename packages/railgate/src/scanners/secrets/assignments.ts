/**
 * Secrets found through the key they are assigned to: `AWS_SECRET_ACCESS_KEY=…`, `"client_secret": "…"`,
 * `password: …`, `AccountKey=…;`, `&sig=…`, `Authorization: Bearer …`. The `=` or `:` is the trigger; the
 * name before it and the value after it are read by hand (no backtracking), and the value must look like
 * a secret — random enough, not a placeholder, not a reference to a variable — before it is reported.
 */
import { type Candidate, CONTEXTUAL, GENERIC, isEnabled, isWordChar, type ScanContext } from './candidate.js';
import { charClasses, countClasses, decodeBase64Text, isPlaceholder, redact, shannonEntropy } from './checks.js';
import { type Label, SECRET_NAMES } from './labels.js';
import { classifyName, mayNameSecret, type NameClass, nameWords } from './names.js';
import type { Trigger } from './trigger.js';

const MAX_NAME = 64;
const MAX_VALUE = 1024;

interface Span {
  start: number;
  end: number;
}

interface ValueSpan extends Span {
  quoted: boolean;
}

function isNameChar(c: number): boolean {
  return isWordChar(c) || c === 0x5f || c === 0x2d || c === 0x2e;
}

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27 || c === 0x60;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** The key name ending right before the operator at `op`: `name`, `"name"`, `['name']`, `\"name\"`. */
function nameBefore(text: string, op: number): Span | null {
  let i = op;
  while (i > 0 && op - i < 4 && isBlank(text.charCodeAt(i - 1))) i--;
  if (text.charCodeAt(i - 1) === 0x5d) i--;
  if (isQuote(text.charCodeAt(i - 1))) {
    i--;
    if (text.charCodeAt(i - 1) === 0x5c) i--;
  }
  const end = i;
  while (i > 0 && end - i <= MAX_NAME && isNameChar(text.charCodeAt(i - 1))) i--;
  if (i === end || end - i > MAX_NAME) return null;
  return { start: i, end };
}

/** Characters that end an unquoted value. */
function endsUnquoted(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c <= 0x20) return true;
  switch (c) {
    case 0x2c: // ,
    case 0x3b: // ;
    case 0x28: // (
    case 0x29: // )
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x22: // "
    case 0x27: // '
    case 0x60: // `
    case 0x3c: // <
    case 0x3e: // >
    case 0x26: // &
    case 0x7c: // |
    case 0x5c: // \
    case 0x3a: // :
      return true;
    case 0x3d: // '=' inside a value only as base64 padding
      return isWordChar(text.charCodeAt(i + 1));
    default:
      return false;
  }
}

/** The value starting at `from`: quoted (`"…"`, `'…'`, `` `…` ``, `\"…\"`) or up to a delimiter. */
function valueAfter(text: string, from: number): ValueSpan | null {
  let i = from;
  while (i < text.length && i - from < 8 && isBlank(text.charCodeAt(i))) i++;
  let quote = text.charCodeAt(i);
  let escaped = false;
  if (quote === 0x5c && isQuote(text.charCodeAt(i + 1))) {
    escaped = true;
    i++;
    quote = text.charCodeAt(i);
  }
  if (isQuote(quote)) {
    const start = i + 1;
    for (let j = start; j < text.length && j - start <= MAX_VALUE; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x0a) return null;
      if (c !== quote) continue;
      const backslash = text.charCodeAt(j - 1) === 0x5c;
      if (escaped === backslash) return { start, end: escaped ? j - 1 : j, quoted: true };
    }
    return null;
  }
  let end = i;
  while (end < text.length && !endsUnquoted(text, end)) {
    if (end - i > MAX_VALUE) return null;
    end++;
  }
  return end > i ? { start: i, end, quoted: false } : null;
}

const VARIABLE_REFERENCE =
  /^(?:\$[A-Za-z_{(]|%[A-Za-z_]|@[A-Za-z_]|process\.env|import\.meta|os\.environ|os\.getenv|getenv|System\.getenv|Environment\.|ENV\[|env\(|env\.|secrets\.|vars\.|config\.|settings\.|self\.|this\.|ctx\.|context\.|request\.|req\.|args\.|params\.|props\.)/;
const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const PATH_OR_URL = /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)|:\/\//;
const NUMBER_OR_VERSION = /^v?[0-9]+(?:[.:_-][0-9]+)*$/;
const COMMON_NON_SECRETS =
  /^(?:true|false|null|none|nil|undefined|string|str|text|bool|int|number|required|optional|hidden|secret|password|passwd|token|bearer|basic|admin|root|test|default|empty|n\/a|na|tbd|\*+)$/i;

/** A value that names or computes the secret instead of holding it. */
function isReference(text: string, value: ValueSpan, raw: string): boolean {
  if (VARIABLE_REFERENCE.test(raw) || PATH_OR_URL.test(raw) || NUMBER_OR_VERSION.test(raw)) return true;
  if (value.quoted) return false;
  // Unquoted: a call `getToken(`, a member path `config.api.key`, a bare identifier.
  if (text.charCodeAt(value.end) === 0x28 || DOTTED_IDENTIFIER.test(raw)) return true;
  return /^[A-Za-z_]+$/.test(raw);
}

function isVowel(c: number): boolean {
  const lower = c | 0x20;
  return lower === 0x61 || lower === 0x65 || lower === 0x69 || lower === 0x6f || lower === 0x75 || lower === 0x79;
}

/**
 * Mostly dictionary-like words (`MySuperSecretKey`), not random characters: at least 60% of the letters
 * sit in camel-case or separated words of four or more letters with a plausible share of vowels.
 */
function looksLikeWords(value: string): boolean {
  let letters = 0;
  let wordLetters = 0;
  let start = 0;
  let vowels = 0;
  const flush = (end: number): void => {
    const length = end - start;
    letters += length;
    if (length >= 4 && vowels >= 0.2 * length && vowels <= 0.6 * length) wordLetters += length;
  };
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 0;
    const upper = c >= 0x41 && c <= 0x5a;
    const letter = upper || (c >= 0x61 && c <= 0x7a);
    const prev = value.charCodeAt(i - 1);
    const prevLower = prev >= 0x61 && prev <= 0x7a;
    // A word ends at a non-letter or where a capital follows a lowercase letter.
    if (i > start && (!letter || (upper && prevLower))) {
      flush(i);
      start = i;
      vowels = 0;
    }
    if (!letter) {
      start = i + 1;
      continue;
    }
    if (isVowel(c)) vowels++;
  }
  return letters > 0 && wordLetters >= 0.6 * letters;
}

/**
 * Entropy floor for a value: the policy's `min_entropy` for values of 20 characters or more, eased for
 * shorter ones, whose entropy cannot reach it (a 12-character value has at most log2(12) ≈ 3.6 bits).
 */
function entropyFloor(context: ScanContext, length: number): number {
  return context.minEntropy - Math.max(0, Math.log2(20) - Math.log2(length));
}

function pushCandidate(
  context: ScanContext,
  label: Label,
  span: Span,
  score: number,
  priority: number,
  note: string,
): void {
  const value = context.text.slice(span.start, span.end);
  context.out.push({
    label,
    start: span.start,
    end: span.end,
    score,
    priority,
    evidence: `${SECRET_NAMES[label]}: ${note}`,
    value,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Values whose key name tells which provider they belong to

const AZURE_ACCOUNT_KEY = /^[A-Za-z0-9+/]{86}==$/;
const AZURE_SHARED_KEY = /^[A-Za-z0-9+/]{43}=$/;
const LOOSE_BASE64 = /^[A-Za-z0-9+/]{20,120}={0,2}$/;
const AWS_SECRET = /^[A-Za-z0-9+/]{40}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function hasSasContext(text: string, at: number): boolean {
  const window = text.slice(Math.max(0, at - 600), Math.min(text.length, at + 600));
  return /(?:^|[?&;\s"'])sv=[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(window);
}

function percentDecodeBase64(value: string): string {
  return value.replace(/%2B/gi, '+').replace(/%2F/gi, '/').replace(/%3D/gi, '=');
}

interface Contextual {
  label: Label;
  score: number;
  note: string;
}

/** Provider-specific reading of an assignment, decided by the key name's words and the value's shape. */
function contextualMatch(words: readonly string[], raw: string, text: string, at: number): Contextual | null {
  const compact = words.join('');
  const example = isPlaceholder(raw);
  if (compact === 'accountkey') {
    if (AZURE_ACCOUNT_KEY.test(raw)) return { label: 'AZURE_STORAGE_ACCOUNT_KEY', score: 0.95, note: redact(raw, 0) };
    if (LOOSE_BASE64.test(raw) && !example)
      return { label: 'AZURE_STORAGE_ACCOUNT_KEY', score: 0.8, note: redact(raw, 0) };
  }
  if (compact === 'sharedaccesskey') {
    if (AZURE_SHARED_KEY.test(raw)) return { label: 'AZURE_SHARED_ACCESS_KEY', score: 0.95, note: redact(raw, 0) };
    if (LOOSE_BASE64.test(raw) && !example)
      return { label: 'AZURE_SHARED_ACCESS_KEY', score: 0.8, note: redact(raw, 0) };
  }
  if (compact === 'sig' && hasSasContext(text, at)) {
    const signature = percentDecodeBase64(raw);
    if (AZURE_SHARED_KEY.test(signature)) return { label: 'AZURE_SAS_SIGNATURE', score: 0.9, note: redact(raw, 0) };
    if (LOOSE_BASE64.test(signature) && !example) {
      return { label: 'AZURE_SAS_SIGNATURE', score: 0.75, note: redact(raw, 0) };
    }
  }
  const aws = compact.includes('secretaccesskey') || (words.includes('aws') && words.includes('secret'));
  if (aws && AWS_SECRET.test(raw)) {
    return example
      ? { label: 'AWS_SECRET_ACCESS_KEY', score: 0.2, note: `${redact(raw, 0)} (documented example)` }
      : { label: 'AWS_SECRET_ACCESS_KEY', score: 0.95, note: redact(raw, 0) };
  }
  if (words.includes('twilio') && HEX32.test(raw) && !example) {
    return { label: 'TWILIO_AUTH_TOKEN', score: 0.9, note: redact(raw, 0) };
  }
  if (words.includes('heroku') && UUID.test(raw) && !example) {
    return { label: 'HEROKU_API_KEY', score: 0.85, note: redact(raw, 0) };
  }
  if (compact === 'auth' && isBasicCredential(raw)) {
    return { label: 'BASIC_AUTH', score: 0.8, note: `${raw.length} chars of base64 user:password` };
  }
  return null;
}

/** base64 of `user:password` with a real-looking password (Docker's `auths`, HTTP Basic). */
function isBasicCredential(value: string): boolean {
  const decoded = decodeBase64Text(value);
  if (decoded === null) return false;
  const colon = decoded.indexOf(':');
  if (colon < 1) return false;
  const password = decoded.slice(colon + 1);
  return password.length >= 3 && !isPlaceholder(password) && !COMMON_NON_SECRETS.test(password);
}

// ---------------------------------------------------------------------------------------------------------
// Authorization headers and bearer tokens

const CREDENTIAL_SCHEMES = new Set(['bearer', 'token', 'bot', 'apikey', 'api-key', 'key', 'sso-key', 'dpop']);

function isSchemeChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
}

function credentialRunEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from <= 4096) {
    const c = text.charCodeAt(i);
    // letters, digits and - . _ ~ + / =
    if (
      isWordChar(c) ||
      c === 0x2d ||
      c === 0x2e ||
      c === 0x5f ||
      c === 0x7e ||
      c === 0x2b ||
      c === 0x2f ||
      c === 0x3d
    ) {
      i++;
    } else {
      break;
    }
  }
  return i;
}

function pushBearer(context: ScanContext, span: Span): void {
  if (!isEnabled(context, 'BEARER_TOKEN')) return;
  const value = context.text.slice(span.start, span.end);
  if (value.length < 16 || value.length > 4096 || isPlaceholder(value)) return;
  if (countClasses(charClasses(value) & 7) < 2 || shannonEntropy(value) < entropyFloor(context, value.length) - 0.5) {
    return;
  }
  pushCandidate(context, 'BEARER_TOKEN', span, 0.8, CONTEXTUAL, redact(value, 0));
}

function pushBasic(context: ScanContext, span: Span): void {
  if (!isEnabled(context, 'BASIC_AUTH')) return;
  const value = context.text.slice(span.start, span.end);
  if (!isBasicCredential(value)) return;
  pushCandidate(context, 'BASIC_AUTH', span, 0.85, CONTEXTUAL, `${value.length} chars of base64 user:password`);
}

/** `Authorization: <scheme> <credentials>` or a bare credential after `Authorization:`. */
function detectAuthorizationValue(context: ScanContext, from: number): void {
  const { text } = context;
  let i = from;
  while (i < text.length && i - from < 8 && (isBlank(text.charCodeAt(i)) || isQuote(text.charCodeAt(i)))) i++;
  let schemeEnd = i;
  while (schemeEnd < text.length && schemeEnd - i < 20 && isSchemeChar(text.charCodeAt(schemeEnd))) schemeEnd++;
  const scheme = text.slice(i, schemeEnd).toLowerCase();
  if (text.charCodeAt(schemeEnd) === 0x20 && (scheme === 'basic' || CREDENTIAL_SCHEMES.has(scheme))) {
    let start = schemeEnd;
    while (start < text.length && start - schemeEnd < 4 && text.charCodeAt(start) === 0x20) start++;
    const span = { start, end: credentialRunEnd(text, start) };
    if (scheme === 'basic') pushBasic(context, span);
    else pushBearer(context, span);
    return;
  }
  pushBearer(context, { start: i, end: credentialRunEnd(text, i) });
}

function detectBearerWord(context: ScanContext, at: number): number {
  const start = at + 'Bearer '.length;
  pushBearer(context, { start, end: credentialRunEnd(context.text, start) });
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Generic assignments

function genericSecretScore(context: ScanContext, name: NameClass, raw: string): number {
  if (raw.length < (name.kind === 'weak' ? 16 : 12) || raw.length > 512 || /\s/.test(raw)) return 0;
  if (countClasses(charClasses(raw) & 7) < 2 || looksLikeWords(raw)) return 0;
  const entropy = shannonEntropy(raw);
  const floor = entropyFloor(context, raw.length);
  if (entropy < floor) return 0;
  const base = name.kind === 'weak' ? 0.6 : name.strong ? 0.8 : 0.7;
  return Math.min(0.9, base + (entropy >= floor + 0.5 ? 0.1 : 0));
}

/** Folds digits people use for letters, so `eXamPl3T0K3n` reads as `example token`. */
function unleet(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    out += LEET.get(ch) ?? ch.toLowerCase();
  }
  return out;
}

const LEET = new Map([
  ['0', 'o'],
  ['1', 'l'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['@', 'a'],
  ['$', 's'],
]);

/** A password value that spells out that it is one (`mypassword123`, `SecretPassphrase`) is a sample. */
const SELF_DESCRIBING = /pass|secret|example|sample|demo|dummy/;

function passwordScore(name: NameClass, value: ValueSpan, raw: string): number {
  if (raw.length < (value.quoted ? 6 : 8) || raw.length > 256) return 0;
  // Spaces, quotes or a leading dash: a command line or a string expression, not a password.
  if (/["'`]|^-/.test(raw) || (/\s/.test(raw) && !name.passphrase)) return 0;
  if (SELF_DESCRIBING.test(unleet(raw))) return 0;
  // Unquoted prose or identifiers after "password:" are words; a password has a digit or a symbol.
  if (!value.quoted && !/[0-9]|[^A-Za-z0-9._-]/.test(raw)) return 0;
  return raw.length >= 10 && shannonEntropy(raw) >= 3 ? 0.8 : 0.65;
}

/** A base64 value that decodes to something the triggers recognise (a k8s Secret holding a token). */
function reportEncoded(context: ScanContext, value: ValueSpan, raw: string): boolean {
  if (context.nested === null || raw.length < 16) return false;
  const decoded = decodeBase64Text(raw);
  if (decoded === null || decoded.length < 8) return false;
  const inner: Candidate[] = context.nested(decoded);
  for (const candidate of inner) {
    context.out.push({
      ...candidate,
      start: value.start,
      end: value.end,
      evidence: `${candidate.evidence} (base64-encoded)`,
    });
  }
  return inner.length > 0;
}

function reportGeneric(context: ScanContext, name: NameClass, value: ValueSpan, raw: string): void {
  if (reportEncoded(context, value, raw)) return;
  if (name.kind === 'password') {
    if (!isEnabled(context, 'PASSWORD')) return;
    const score = passwordScore(name, value, raw);
    if (score > 0) pushCandidate(context, 'PASSWORD', value, score, GENERIC, `${raw.length} chars`);
    return;
  }
  if (!isEnabled(context, 'GENERIC_SECRET')) return;
  const score = genericSecretScore(context, name, raw);
  // Last, because it allocates: a placeholder spelled in leetspeak (`eXamPl3T0K3n`).
  if (score > 0 && !isPlaceholder(unleet(raw)))
    pushCandidate(context, 'GENERIC_SECRET', value, score, GENERIC, redact(raw, 0));
}

/** Where the value starts after the operator at `op`, or -1 when the operator is a comparison or a path. */
function valueStart(text: string, op: number): number {
  const c = text.charCodeAt(op);
  const next = text.charCodeAt(op + 1);
  const prev = text.charCodeAt(op - 1);
  if (c === 0x3d) {
    // '=' but not '==', '=~', '!=', '<=', '>=', '+=' ...
    if (next === 0x3d || next === 0x7e) return -1;
    if (prev === 0x3d || prev === 0x21 || prev === 0x3c || prev === 0x3e) return -1;
    return next === 0x3e ? op + 2 : op + 1;
  }
  // ':' but not '::' or '://'
  if (next === 0x3a || next === 0x2f || prev === 0x3a) return -1;
  return next === 0x3d ? op + 2 : op + 1;
}

const CONTEXT_NAMES = new Set(['accountkey', 'sharedaccesskey', 'sig', 'auth']);

/** The key name may select a provider-specific reading of the value (see contextualMatch). */
function mayBeContextual(words: readonly string[]): boolean {
  const compact = words.join('');
  return (
    CONTEXT_NAMES.has(compact) ||
    compact.includes('secretaccesskey') ||
    words.includes('aws') ||
    words.includes('twilio') ||
    words.includes('heroku')
  );
}

function detectAssignment(context: ScanContext, op: number): number {
  const { text } = context;
  const from = valueStart(text, op);
  if (from < 0) return 0;
  const nameSpan = nameBefore(text, text.charCodeAt(op) === 0x3d && text.charCodeAt(op - 1) === 0x3a ? op - 1 : op);
  if (nameSpan === null || !mayNameSecret(text, nameSpan.start, nameSpan.end)) return 0;
  const words = nameWords(text.slice(nameSpan.start, nameSpan.end));
  const nameClass = classifyName(words);
  if (nameClass?.kind === 'authorization') {
    detectAuthorizationValue(context, from);
    return 0;
  }
  const contextualName = mayBeContextual(words);
  if (!contextualName && (nameClass === null || !context.generic)) return 0;
  const value = valueAfter(text, from);
  if (value === null) return 0;
  // Nothing this short is reported; most `key=` values in code stop here.
  if (value.end - value.start < 6) return 0;
  const raw = text.slice(value.start, value.end);
  const contextual = contextualName ? contextualMatch(words, raw, text, op) : null;
  if (contextual !== null && isEnabled(context, contextual.label)) {
    pushCandidate(context, contextual.label, value, contextual.score, CONTEXTUAL, contextual.note);
    return 0;
  }
  if (nameClass === null || !context.generic || COMMON_NON_SECRETS.test(raw.replace(/=+$/, ''))) return 0;
  if (isPlaceholder(raw) || isReference(text, value, raw)) return 0;
  reportGeneric(context, nameClass, value, raw);
  return 0;
}

const ASSIGNMENT_LABELS: readonly Label[] = [
  'GENERIC_SECRET',
  'PASSWORD',
  'BEARER_TOKEN',
  'BASIC_AUTH',
  'AZURE_STORAGE_ACCOUNT_KEY',
  'AZURE_SHARED_ACCESS_KEY',
  'AZURE_SAS_SIGNATURE',
  'AWS_SECRET_ACCESS_KEY',
  'TWILIO_AUTH_TOKEN',
  'HEROKU_API_KEY',
];

export function assignmentTriggers(): Trigger[] {
  return [
    { anchor: '=', wordStart: false, labels: ASSIGNMENT_LABELS, detect: detectAssignment },
    { anchor: ':', wordStart: false, labels: ASSIGNMENT_LABELS, detect: detectAssignment },
    { anchor: 'Bearer ', wordStart: true, labels: ['BEARER_TOKEN'], detect: detectBearerWord },
    { anchor: 'bearer ', wordStart: true, labels: ['BEARER_TOKEN'], detect: detectBearerWord },
  ];
}
