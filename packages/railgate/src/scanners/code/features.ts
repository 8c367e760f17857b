/**
 * One pass over the searched text that records which payload ingredients it contains, so each rule runs
 * only when its structure is possible. Ordinary prose has apostrophes, parentheses and semicolons but no
 * quote followed by an SQL operator, no separator followed by a command, no `{`, `<`, `%` or `..`; a regex
 * per rule over every 4 KB of prose would cost more than the whole scanner may.
 */

export const CH = {
  quote: 1 << 0,
  semicolon: 1 << 1,
  pipe: 1 << 2,
  ampersand: 1 << 3,
  dollar: 1 << 4,
  backtick: 1 << 5,
  brace: 1 << 6,
  lt: 1 << 7,
  percent: 1 << 8,
  equals: 1 << 9,
  backslash: 1 << 10,
  underscore: 1 << 11,
  slash: 1 << 12,
  hash: 1 << 13,
  at: 1 << 14,
  colonParen: 1 << 15,
} as const;

export interface Features {
  /** Bitmask of CH characters present. */
  chars: number;
  /** A quote followed (after spaces or `)`) by OR, AND, ||, &&, --, #, /*, ; or UNION. */
  quoteOperator: boolean;
  /** A separator (; | & ` $() followed by a command name from the shell list. */
  separatorCommand: boolean;
  /** A `;` followed by an SQL statement verb (DROP, DELETE, EXEC…). */
  sqlAfterSemicolon: boolean;
  /** `sleep(`, `pg_sleep(`, `benchmark(` or `load_file(`. */
  sqlFunction: boolean;
  /** A quoted literal right after OUTFILE, DUMPFILE or DELAY. */
  sqlLiteralAfterKeyword: boolean;
  /** An option after whitespace: ` -e`, ` -rf`, ` --force`. */
  dashOption: boolean;
  /** Two dots in a row. */
  dotDot: boolean;
  /** /etc/, /proc/, /root/, /dev/, .ssh, .aws, .kube, .env. */
  sensitivePath: boolean;
  /** /dev/ (devices, /dev/tcp). */
  devPath: boolean;
  /** .constructor or .mainModule. */
  jsEscape: boolean;
  /** IEX( or DownloadString( (PowerShell). */
  powershellExec: boolean;
  /** `T(` as in Spring expressions' T(java.lang.Runtime). */
  javaType: boolean;
  /** Runs of 16+ base64 characters that mix character classes, as [start, end). */
  base64Runs: Array<[number, number]>;
}

const SHELL_WORDS = new Set(
  (
    'whoami id uname hostname ifconfig printenv env curl wget nc ncat netcat telnet socat nslookup dig ping ' +
    'bash sh zsh ksh dash python python2 python3 perl ruby php node powershell pwsh cmd cmd.exe cat sleep rm ' +
    'chmod chown mkfifo base64 echo ls'
  ).split(' '),
);
const SQL_VERBS = new Set([
  'drop',
  'delete',
  'insert',
  'update',
  'exec',
  'execute',
  'alter',
  'shutdown',
  'grant',
  'create',
  'truncate',
]);
const SQL_FUNCTIONS = new Set(['sleep', 'pg_sleep', 'benchmark', 'load_file']);

/** 1 for the characters base64 (standard or URL-safe) uses. */
const BASE64_CHAR = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_')
  BASE64_CHAR[ch.charCodeAt(0)] = 1;

/** How the main loop treats a character: inside a base64 run (plain or punctuation) or ending it. */
const PLAIN = 0;
const RUN_PUNCTUATION = 1;
const OTHER = 2;
const CHAR_KIND = new Uint8Array(128).fill(OTHER);
for (let c = 0; c < 128; c++) if (BASE64_CHAR[c] === 1) CHAR_KIND[c] = PLAIN;
CHAR_KIND[0x2f] = RUN_PUNCTUATION;
CHAR_KIND[0x2d] = RUN_PUNCTUATION;
CHAR_KIND[0x5f] = RUN_PUNCTUATION;

/** Mixed classes: digits or + / - _ present, or both cases. A lowercase-only run is a long word. */
function looksEncoded(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x61 && code <= 0x7a) lower = true;
    else if (code >= 0x41 && code <= 0x5a) upper = true;
    else return true;
    if (upper && lower) return true;
  }
  return false;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isWordChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2e ||
    code === 0x2d
  );
}

/** The lowercase word of [A-Za-z0-9_.-] starting at `at` (at most 16 characters), or ''. */
function wordAt(text: string, at: number): string {
  let end = at;
  while (end < text.length && end - at < 16 && isWordChar(text.charCodeAt(end))) end++;
  return text.slice(at, end).toLowerCase();
}

function skipSpaces(text: string, at: number, max: number): number {
  let i = at;
  while (i < text.length && i - at < max && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Whether the ASCII word `word` (lowercase) starts at `at`, case-insensitively, and ends there. */
function wordIs(text: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if ((text.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  const next = text.charCodeAt(at + word.length);
  return !((next >= 0x61 && next <= 0x7a) || (next >= 0x41 && next <= 0x5a) || (next >= 0x30 && next <= 0x39));
}

function quoteOperatorAt(text: string, quote: number): boolean {
  let i = skipSpaces(text, quote + 1, 5);
  if (text.charCodeAt(i) === 0x29) i = skipSpaces(text, i + 1, 5);
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  if (a === 0x23 || a === 0x3b) return true; // # ;
  if (
    (a === 0x7c && b === 0x7c) ||
    (a === 0x26 && b === 0x26) ||
    (a === 0x2d && b === 0x2d) ||
    (a === 0x2f && b === 0x2a)
  ) {
    return true; // || && -- /*
  }
  return wordIs(text, i, 'or') || wordIs(text, i, 'and') || wordIs(text, i, 'union');
}

function commandAfterSeparator(text: string, separator: number, features: Features): void {
  let i = skipSpaces(text, separator + 1, 5);
  let word = wordAt(text, i);
  if (word === 'sudo') {
    i = skipSpaces(text, i + 4, 5);
    word = wordAt(text, i);
  }
  if (SHELL_WORDS.has(word)) features.separatorCommand = true;
  if (text.charCodeAt(separator) === 0x3b && SQL_VERBS.has(word)) features.sqlAfterSemicolon = true;
}

/** Paths worth a closer look, keyed by the character that starts them. */
const SLASH_PATHS = ['etc/', 'proc/', 'root/', 'dev/'];
const DOT_PATHS = ['ssh', 'aws', 'kube', 'env'];

function afterSlash(text: string, slash: number, features: Features): void {
  for (const path of SLASH_PATHS) {
    if (text.startsWith(path, slash + 1)) {
      features.sensitivePath = true;
      if (path === 'dev/') features.devPath = true;
    }
  }
}

function afterDot(text: string, dot: number, features: Features): void {
  switch (text.charCodeAt(dot + 1)) {
    case 0x2e: // ..
      features.dotDot = true;
      break;
    case 0x63: // .constructor
      if (text.startsWith('constructor', dot + 1)) features.jsEscape = true;
      break;
    case 0x6d: // .mainModule
      if (text.startsWith('mainModule', dot + 1)) features.jsEscape = true;
      break;
    case 0x73: // .ssh
    case 0x61: // .aws
    case 0x6b: // .kube
    case 0x65: // .env
      if (DOT_PATHS.some((path) => text.startsWith(path, dot + 1))) features.sensitivePath = true;
      break;
  }
}

/** The lowercase word of letters (and _) ending at `end`, at most 16 characters. */
function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && end - start < 16) {
    const code = text.charCodeAt(start - 1);
    if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f)) break;
    start--;
  }
  return text.slice(start, end).toLowerCase();
}

function beforeQuote(text: string, quote: number, features: Features): void {
  let end = quote;
  while (end > 0 && quote - end < 3 && isSpace(text.charCodeAt(end - 1))) end--;
  const last = text.charCodeAt(end - 1) | 0x20;
  if (last !== 0x65 && last !== 0x79) return; // outfilE, dumpfilE, delaY
  const word = wordBefore(text, end);
  if (word === 'outfile' || word === 'dumpfile' || word === 'delay') features.sqlLiteralAfterKeyword = true;
}

function beforeParen(text: string, paren: number, features: Features): void {
  let end = paren;
  while (end > 0 && paren - end < 3 && isSpace(text.charCodeAt(end - 1))) end--;
  const word = wordBefore(text, end);
  if (SQL_FUNCTIONS.has(word)) features.sqlFunction = true;
  if (word === 'iex' || word === 'downloadstring') features.powershellExec = true;
  if (word === 't' && text.charCodeAt(end - 1) === 0x54) features.javaType = true;
}

/** One pass: non-base64 characters end a run; only the rarer punctuation goes through the switch. */
export function scanFeatures(text: string): Features {
  const features: Features = {
    chars: 0,
    quoteOperator: false,
    separatorCommand: false,
    sqlAfterSemicolon: false,
    sqlFunction: false,
    sqlLiteralAfterKeyword: false,
    dashOption: false,
    dotDot: false,
    sensitivePath: false,
    devPath: false,
    jsEscape: false,
    powershellExec: false,
    javaType: false,
    base64Runs: [],
  };
  let chars = 0;
  let runStart = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    const kind = code < 128 ? (CHAR_KIND[code] as number) : OTHER;
    if (kind === PLAIN) continue;
    if (kind === RUN_PUNCTUATION) {
      // Part of a base64 run, and also meaningful punctuation.
      if (code === 0x2f) {
        chars |= CH.slash;
        afterSlash(text, i, features);
      } else if (code === 0x5f) chars |= CH.underscore;
      else if (i > 0 && isSpace(text.charCodeAt(i - 1)) && /[A-Za-z-]/.test(text[i + 1] ?? ''))
        features.dashOption = true;
      continue;
    }
    if (i - runStart >= 16 && features.base64Runs.length < 64 && looksEncoded(text, runStart, i)) {
      features.base64Runs.push([runStart, i]);
    }
    runStart = i + 1;
    if (code === 0x20) continue;
    switch (code) {
      case 0x27: // '
      case 0x22: // "
        chars |= CH.quote;
        if (!features.quoteOperator && quoteOperatorAt(text, i)) features.quoteOperator = true;
        beforeQuote(text, i, features);
        break;
      case 0x3b: // ;
        chars |= CH.semicolon;
        commandAfterSeparator(text, i, features);
        break;
      case 0x7c: // |
        chars |= CH.pipe;
        commandAfterSeparator(text, i, features);
        break;
      case 0x26: // &
        chars |= CH.ampersand;
        commandAfterSeparator(text, i, features);
        break;
      case 0x60: // `
        chars |= CH.backtick;
        commandAfterSeparator(text, i, features);
        break;
      case 0x24: // $
        chars |= CH.dollar;
        if (text.charCodeAt(i + 1) === 0x28) commandAfterSeparator(text, i + 1, features);
        break;
      case 0x7b: // {
        chars |= CH.brace;
        break;
      case 0x3c: // <
        chars |= CH.lt;
        break;
      case 0x25: // %
        chars |= CH.percent;
        break;
      case 0x3d: // =
        chars |= CH.equals;
        break;
      case 0x5c: // \
        chars |= CH.backslash;
        break;
      case 0x23: // #
        chars |= CH.hash;
        break;
      case 0x40: // @
        chars |= CH.at;
        break;
      case 0x28: // (
        beforeParen(text, i, features);
        break;
      case 0x2e: // .
        afterDot(text, i, features);
        break;
      case 0x3a: // :
        if (text.charCodeAt(i + 1) === 0x28) chars |= CH.colonParen;
        break;
    }
  }
  if (n - runStart >= 16 && features.base64Runs.length < 64 && looksEncoded(text, runStart, n)) {
    features.base64Runs.push([runStart, n]);
  }
  features.chars = chars;
  return features;
}
