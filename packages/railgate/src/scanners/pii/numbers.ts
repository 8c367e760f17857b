/**
 * Entities written as digit groups: payment cards, national identifiers, IPv4 addresses and phone numbers.
 * A cheap seed regex finds stretches of seven or more digits and separators; from each, one sticky regex
 * reads the whole run of digit groups joined by single separators ("4111 1111 1111 1111",
 * "(415) 555-2671", "123.456.789-09"). Each run is split into groups once, and every group-aligned window
 * whose shape fits an entity is checked. Shapes are compared by group lengths before any digit is read, so
 * a 100 KB run of digits or of near-miss numbers costs a few operations per group.
 */
import {
  aadhaarValid,
  cpfValid,
  luhnValid,
  medicareValid,
  nhsValid,
  sinValid,
  steuerIdValid,
  tfnValid,
} from './checksums.js';
import {
  boosted,
  type Candidate,
  CONTEXT_WORDS,
  type EntityLabel,
  hasContextBefore,
  NOT_PERSONAL_WORDS,
  SCORE,
} from './entities.js';
import { type CountryCode, type PhoneBudget, validPhone } from './phone.js';

/** What the numeric detectors need from the scan. */
export interface NumberScan {
  text: string;
  enabled: ReadonlySet<EntityLabel>;
  region: CountryCode | undefined;
  budget: PhoneBudget;
  out: Candidate[];
}

// Every entity here spans at least seven characters of digits and separators ("8.8.8.8"), so the scan
// first looks for such a stretch; most numbers in prose and code ("3", "2019", "[1, 2]") never get further.
const NUMERIC_SEED = /\d[\d .\-/()+]{6}/g;
// Groups of digits joined by one separator, or by ") " / " (" around an area code. Every alternative of the
// loop starts with a different character class, so the engine never backtracks across groups.
const NUMERIC_RUN = /\+?\(?\d(?:\d|[ .\-/]\(?\d|\)[ .-]?\d)*/y;

/** A numeric run split into digit groups: starts/ends are clean-view offsets, seps[k] precedes group k. */
interface Run {
  start: number;
  end: number;
  starts: number[];
  ends: number[];
  seps: string[];
  /** The run is glued to a word or number before it ("AB123", "3.14"), so it cannot start an entity. */
  gluedStart: boolean;
  /** The run is glued to a word after it ("123abc", "1920x1080"). */
  gluedEnd: boolean;
  /** First group a window may start at: past the glued part, groups joined by "-" or "." belong to it. */
  firstFree: number;
  /** Last group a window may end at. */
  lastFree: number;
}

const LETTER = /\p{L}/u;

/**
 * A character a number cannot be glued to: ASCII letters, digits, "_", and letters of scripts written with
 * spaces. CJK text puts digits right after ideographs ("电话+86…"), so characters from U+2E80 on do not glue.
 */
function isWordAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 0x80) {
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  }
  return code < 0x2e80 && LETTER.test(text[index] as string);
}

function splitRun(text: string, start: number, end: number): Run {
  const starts: number[] = [];
  const ends: number[] = [];
  const seps: string[] = [];
  let sepStart = start;
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      const groupStart = i;
      while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      seps.push(text.slice(sepStart, groupStart));
      starts.push(groupStart);
      ends.push(i);
      sepStart = i;
    } else {
      i++;
    }
  }
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  const after = end < text.length ? text.charCodeAt(end) : 32;
  // "3.14", "1,5", "a456-426614174000" (a UUID's last part) and "Chrome/104.0.0.0" continue something else.
  const joiner = before === 46 || before === 44 || before === 45 || before === 47;
  const gluedStart = isWordAt(text, start - 1) || (joiner && isWordAt(text, start - 2));
  const gluedEnd = isWordAt(text, end) || (after === 46 && isWordAt(text, end + 1));
  let firstFree = 0;
  if (gluedStart) {
    firstFree = starts.length;
    for (let k = 1; k < starts.length; k++) {
      if ((seps[k] as string).includes(' ')) {
        firstFree = k;
        break;
      }
    }
  }
  let lastFree = starts.length - 1;
  if (gluedEnd) {
    lastFree = -1;
    for (let k = starts.length - 1; k > 0; k--) {
      if ((seps[k] as string).includes(' ')) {
        lastFree = k - 1;
        break;
      }
    }
  }
  return { start, end, starts, ends, seps, gluedStart, gluedEnd, firstFree, lastFree };
}

function groupLength(run: Run, k: number): number {
  return (run.ends[k] ?? 0) - (run.starts[k] ?? 0);
}

/** The digits of groups [i, i + n). */
function digitsOf(text: string, run: Run, i: number, n: number): string {
  let digits = '';
  for (let k = i; k < i + n; k++) digits += text.slice(run.starts[k], run.ends[k]);
  return digits;
}

/** True when groups [i, i + n) have exactly these lengths. */
function hasLengths(run: Run, i: number, lengths: readonly number[]): boolean {
  if (i + lengths.length > run.starts.length) return false;
  for (let k = 0; k < lengths.length; k++) if (groupLength(run, i + k) !== lengths[k]) return false;
  return true;
}

/** The one separator used between groups [i, i + n), or null when they differ or are not in `allowed`. */
function uniformSeparator(run: Run, i: number, n: number, allowed: string): string | null {
  const sep = run.seps[i + 1] ?? '';
  if (sep.length !== 1 || !allowed.includes(sep)) return null;
  for (let k = i + 2; k < i + n; k++) if (run.seps[k] !== sep) return null;
  return sep;
}

/**
 * The window [i, i + n) stands apart from the rest of its run: the run does not continue on either side
 * with the window's own separator. "943 476 5919" inside "1 943 476 5919 22" is not a standalone number.
 */
function delimited(run: Run, i: number, n: number, sep: string): boolean {
  if (i > 0 && run.seps[i] === sep) return false;
  if (i + n < run.starts.length && run.seps[i + n] === sep) return false;
  return true;
}

/** The window may start and end where it does (not glued to surrounding words). */
function windowFree(run: Run, i: number, n: number): boolean {
  return i >= run.firstFree && i + n - 1 <= run.lastFree;
}

function push(scan: NumberScan, label: EntityLabel, run: Run, i: number, n: number, score: number): void {
  scan.out.push({ label, start: run.starts[i] ?? 0, end: run.ends[i + n - 1] ?? 0, score });
}

function contextFor(scan: NumberScan, label: EntityLabel, run: Run, i: number): boolean {
  return hasContextBefore(scan.text, run.starts[i] ?? 0, CONTEXT_WORDS[label]);
}

// ---- payment cards ----------------------------------------------------------------------------------------

/** Group-length layouts cards are printed in (besides one unbroken run of 12-19 digits). */
const CARD_LAYOUTS: ReadonlyArray<readonly number[]> = [
  [4, 4, 4, 4],
  [4, 4, 4, 4, 3],
  [4, 4, 4, 4, 2],
  [4, 4, 4, 4, 1],
  [4, 6, 5],
  [4, 6, 4],
  [4, 4, 4, 2],
  [4, 4, 4, 3],
  [4, 4, 5],
  [4, 3, 3, 3],
  [4, 4, 4],
];

const MAESTRO_PREFIXES: ReadonlySet<number> = new Set([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763]);

/** The number formed by the first `length` digits. */
function prefixNumber(digits: string, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 10 + (digits.charCodeAt(i) - 48);
  return value;
}

/**
 * Issuer identification: the card networks whose number ranges contain `digits` accept its length.
 * Ranges: Visa 4; Mastercard 51-55 and 2221-2720; Amex 34, 37; Discover 6011, 644-649, 65, 622126-622925;
 * JCB 3528-3589; Diners 300-305, 3095, 36, 38, 39; UnionPay 62, 81; Maestro 5018, 5020, 5038, 5893, 6304,
 * 6759, 6761-6763.
 */
export function cardIssuerAccepts(digits: string): boolean {
  const n = digits.length;
  const p6 = prefixNumber(digits, 6);
  const p4 = Math.floor(p6 / 100);
  const p3 = Math.floor(p6 / 1000);
  const p2 = Math.floor(p6 / 10000);
  const p1 = Math.floor(p6 / 100000);
  if (p1 === 4) return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) {
    return n >= 16 && n <= 19;
  }
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;
  if ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19;
  if (p2 === 62 || p2 === 81) return n >= 16 && n <= 19;
  if (MAESTRO_PREFIXES.has(p4)) return n >= 12 && n <= 19;
  return false;
}

export function cardValid(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && cardIssuerAccepts(digits) && luhnValid(digits);
}

function checkCards(scan: NumberScan, run: Run, i: number): void {
  const single = groupLength(run, i);
  if (single >= 12 && single <= 19 && windowFree(run, i, 1)) {
    const digits = digitsOf(scan.text, run, i, 1);
    if (cardValid(digits)) pushCard(scan, run, i, 1);
  }
  if (single !== 4) return;
  for (const layout of CARD_LAYOUTS) {
    if (!hasLengths(run, i, layout) || !windowFree(run, i, layout.length)) continue;
    if (uniformSeparator(run, i, layout.length, ' -') === null) continue;
    if (cardValid(digitsOf(scan.text, run, i, layout.length))) pushCard(scan, run, i, layout.length);
  }
}

function pushCard(scan: NumberScan, run: Run, i: number, n: number): void {
  const score = contextFor(scan, 'CREDIT_CARD', run, i) ? SCORE.strongWithContext : SCORE.strong;
  push(scan, 'CREDIT_CARD', run, i, n, score);
}

// ---- national identifiers ----------------------------------------------------------------------------------

/** Numbers published as examples or printed on sample cards, never issued to a person. */
const FAKE_SSNS = new Set(['078051120', '219099999', '123456789']);

/** US SSN structure: area not 000, 666 or 900-999; group not 00; serial not 0000; not a known sample. */
export function ssnValid(digits: string): boolean {
  if (digits.length !== 9 || FAKE_SSNS.has(digits)) return false;
  const area = prefixNumber(digits, 3);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return !/^(\d)\1{8}$/.test(digits);
}

/** US ITIN: 9XX-YY-ZZZZ with the group YY in 50-65, 70-88, 90-92 or 94-99. */
export function itinValid(digits: string): boolean {
  if (digits.length !== 9 || digits.charCodeAt(0) !== 57) return false;
  const group = Number(digits.slice(3, 5));
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || group >= 94;
}

/** How a national-id candidate was written, which decides how far its checksum can be trusted. */
type Written = 'formatted' | 'bare';

/** A check-digit entity: which checksum, and whether one digit of check (weak) or more (strong). */
interface CheckedId {
  label: EntityLabel;
  valid: (digits: string) => boolean;
  strength: 'weak' | 'strong';
}

const SIN: CheckedId = { label: 'CA_SIN', valid: sinValid, strength: 'weak' };
const TFN: CheckedId = { label: 'AU_TFN', valid: tfnValid, strength: 'weak' };
const NHS: CheckedId = { label: 'UK_NHS', valid: nhsValid, strength: 'weak' };
const AADHAAR: CheckedId = { label: 'IN_AADHAAR', valid: aadhaarValid, strength: 'weak' };
const MEDICARE: CheckedId = { label: 'AU_MEDICARE', valid: medicareValid, strength: 'weak' };
const CPF: CheckedId = { label: 'BR_CPF', valid: cpfValid, strength: 'strong' };
const STEUER_ID: CheckedId = { label: 'DE_STEUER_ID', valid: steuerIdValid, strength: 'strong' };

function checkedScore(id: CheckedId, written: Written, context: boolean): number {
  if (id.strength === 'strong') {
    if (context) return SCORE.strongWithContext;
    return written === 'formatted' ? SCORE.strong : SCORE.strongBare;
  }
  if (context) return SCORE.weakWithContext;
  return written === 'formatted' ? SCORE.weakFormatted : SCORE.weakBare;
}

function tryChecked(scan: NumberScan, id: CheckedId, run: Run, i: number, n: number, written: Written): void {
  if (!scan.enabled.has(id.label)) return;
  const digits = digitsOf(scan.text, run, i, n);
  if (!id.valid(digits)) return;
  const context = contextFor(scan, id.label, run, i);
  // One check digit passes one number in ten: after "ticket" or "order" the number is that, not an ID.
  if (!context && id.strength === 'weak' && notPersonal(scan, run, i)) return;
  push(scan, id.label, run, i, n, checkedScore(id, written, context));
}

function notPersonal(scan: NumberScan, run: Run, i: number): boolean {
  return hasContextBefore(scan.text, run.starts[i] ?? 0, NOT_PERSONAL_WORDS);
}

/** SSN or ITIN (same shape; the area 9xx decides which). Unformatted nine digits need a context word. */
function trySsnOrItin(scan: NumberScan, run: Run, i: number, n: number, written: Written): void {
  const digits = digitsOf(scan.text, run, i, n);
  const label: EntityLabel = digits.charCodeAt(0) === 57 ? 'US_ITIN' : 'US_SSN';
  if (!scan.enabled.has(label)) return;
  if (label === 'US_ITIN' ? !itinValid(digits) : !ssnValid(digits)) return;
  const context = contextFor(scan, label, run, i);
  if (!context && (written === 'bare' || notPersonal(scan, run, i))) return;
  // A bare nine-digit run gets here only with a context word, which is as good as the printed layout.
  const base = label === 'US_ITIN' ? 0.85 : 0.8;
  push(scan, label, run, i, n, written === 'bare' ? base : boosted(base, context));
}

/** A fixed-layout window separated by spaces or hyphens that stands apart from its run. */
function layoutAt(run: Run, i: number, lengths: readonly number[], allowed: string): boolean {
  if (!hasLengths(run, i, lengths) || !windowFree(run, i, lengths.length)) return false;
  const sep = uniformSeparator(run, i, lengths.length, allowed);
  return sep !== null && delimited(run, i, lengths.length, sep);
}

function checkNationalIds(scan: NumberScan, run: Run, i: number): void {
  const single = groupLength(run, i);
  if (windowFree(run, i, 1)) {
    if (single === 9) {
      trySsnOrItin(scan, run, i, 1, 'bare');
      tryChecked(scan, SIN, run, i, 1, 'bare');
      tryChecked(scan, TFN, run, i, 1, 'bare');
    } else if (single === 10) {
      tryChecked(scan, NHS, run, i, 1, 'bare');
      tryChecked(scan, MEDICARE, run, i, 1, 'bare');
    } else if (single === 11) {
      tryChecked(scan, CPF, run, i, 1, 'bare');
      tryChecked(scan, STEUER_ID, run, i, 1, 'bare');
    } else if (single === 12) {
      tryChecked(scan, AADHAAR, run, i, 1, 'bare');
    }
  }
  if (single === 3) {
    if (layoutAt(run, i, [3, 2, 4], ' -')) trySsnOrItin(scan, run, i, 3, 'formatted');
    if (layoutAt(run, i, [3, 3, 3], ' -')) {
      tryChecked(scan, SIN, run, i, 3, 'formatted');
      tryChecked(scan, TFN, run, i, 3, 'formatted');
    }
    if (layoutAt(run, i, [3, 3, 4], ' -')) tryChecked(scan, NHS, run, i, 3, 'formatted');
    if (cpfLayoutAt(run, i)) tryChecked(scan, CPF, run, i, 4, 'formatted');
  } else if (single === 4) {
    if (layoutAt(run, i, [4, 4, 4], ' -')) tryChecked(scan, AADHAAR, run, i, 3, 'formatted');
    if (layoutAt(run, i, [4, 5, 1], ' ')) tryChecked(scan, MEDICARE, run, i, 3, 'formatted');
  } else if (single === 2) {
    if (layoutAt(run, i, [2, 3, 3, 3], ' ')) tryChecked(scan, STEUER_ID, run, i, 4, 'formatted');
  }
}

/** CPF as printed: 123.456.789-09. */
function cpfLayoutAt(run: Run, i: number): boolean {
  return (
    hasLengths(run, i, [3, 3, 3, 2]) &&
    windowFree(run, i, 4) &&
    run.seps[i + 1] === '.' &&
    run.seps[i + 2] === '.' &&
    run.seps[i + 3] === '-' &&
    (i + 4 >= run.starts.length || run.seps[i + 4] !== '.')
  );
}

// ---- IPv4 --------------------------------------------------------------------------------------------------

function octet(text: string, run: Run, k: number): number {
  const length = groupLength(run, k);
  if (length < 1 || length > 3) return -1;
  const start = run.starts[k] ?? 0;
  if (length > 1 && text.charCodeAt(start) === 48) return -1; // leading zero: "010" is octal in some parsers
  const value = Number(text.slice(start, start + length));
  return value <= 255 ? value : -1;
}

/** Public DNS resolvers: addresses everyone types, which identify a service, not a person. */
const WELL_KNOWN_RESOLVERS = new Set(['8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9', '208.67.222.222']);

/** Private, loopback, link-local, shared, documentation, benchmark, multicast and reserved ranges. */
export function ipv4IsNonPublic(a: number, b: number, c: number): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  );
}

function checkIpv4(scan: NumberScan, run: Run, i: number): void {
  if (i + 4 > run.starts.length || !windowFree(run, i, 4)) return;
  for (let k = i + 1; k < i + 4; k++) if (run.seps[k] !== '.') return;
  if (i > 0 && run.seps[i] === '.') return;
  if (i + 4 < run.starts.length && run.seps[i + 4] === '.') return;
  const a = octet(scan.text, run, i);
  const b = octet(scan.text, run, i + 1);
  const c = octet(scan.text, run, i + 2);
  const d = octet(scan.text, run, i + 3);
  if (a < 0 || b < 0 || c < 0 || d < 0) return;
  if (notPersonal(scan, run, i)) return;
  const address = scan.text.slice(run.starts[i], run.ends[i + 3]);
  const base = ipv4IsNonPublic(a, b, c) || WELL_KNOWN_RESOLVERS.has(address) ? 0.35 : 0.75;
  push(scan, 'IP_ADDRESS', run, i, 4, boosted(base, contextFor(scan, 'IP_ADDRESS', run, i)));
}

// ---- phone numbers -----------------------------------------------------------------------------------------

/** The run reads as a calendar date (2024-01-15, 15/01/2024, 15.01.24): never a phone number. */
function looksLikeDate(text: string, run: Run): boolean {
  const n = run.starts.length;
  if (n < 3) return false;
  const sep = run.seps[1];
  if (sep !== run.seps[2] || (sep !== '-' && sep !== '/' && sep !== '.' && sep !== ' ')) return false;
  const l0 = groupLength(run, 0);
  const l1 = groupLength(run, 1);
  const l2 = groupLength(run, 2);
  const value = (k: number) => Number(text.slice(run.starts[k], run.ends[k]));
  if (l0 === 4 && l1 <= 2 && l2 <= 2) return value(1) >= 1 && value(1) <= 12 && value(2) >= 1 && value(2) <= 31;
  if (l0 <= 2 && l1 <= 2 && (l2 === 4 || l2 === 2)) {
    const a = value(0);
    const b = value(1);
    return a >= 1 && b >= 1 && ((a <= 31 && b <= 12) || (a <= 12 && b <= 31));
  }
  return false;
}

/**
 * Dotted runs with a one-digit group are version numbers (10.0.19045.3693, 1.2.3); four dotted groups of
 * at most three digits are an IPv4 address.
 */
function looksLikeVersionOrIp(run: Run): boolean {
  let dots = 0;
  let shortGroups = 0;
  for (let k = 0; k < run.starts.length; k++) {
    if (k > 0 && run.seps[k] === '.') dots++;
    const length = groupLength(run, k);
    if (length === 1 && (dots > 0 || run.seps[k + 1] === '.')) return true;
    if (length <= 3) shortGroups++;
  }
  return dots === 3 && run.starts.length === 4 && shortGroups === 4;
}

/** Dots next to other separators ("123.456.789-09") are an identifier's layout, not a phone's. */
function mixesDots(run: Run): boolean {
  let dots = false;
  let others = false;
  for (let k = 1; k < run.starts.length; k++) {
    const sep = run.seps[k];
    if (sep === '.') dots = true;
    else if (sep !== ' ') others = true;
  }
  return dots && others;
}

function countDigits(run: Run): number {
  let n = 0;
  for (let k = 0; k < run.starts.length; k++) n += groupLength(run, k);
  return n;
}

/** Characters after which a number is a path segment, an anchor or an amount, not a phone. */
function precededByNonPhoneMark(text: string, start: number): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  return before === 47 || before === 35 || before === 36 || before === 0x20ac || before === 0xa3 || before === 61;
}

function checkPhone(scan: NumberScan, run: Run): void {
  if (!scan.enabled.has('PHONE') || run.gluedStart || run.gluedEnd) return;
  const text = scan.text;
  const digits = countDigits(run);
  if (digits < 7 || digits > 15) return;
  if (precededByNonPhoneMark(text, run.start) || looksLikeDate(text, run) || looksLikeVersionOrIp(run)) return;
  if (mixesDots(run)) return;
  let written = text.slice(run.start, run.end);
  const plus = written.charCodeAt(0) === 43;
  const idd = !plus && written.startsWith('00') && written.charCodeAt(2) !== 48 && digits >= 10;
  if (idd) written = `+${written.slice(2)}`;
  const international = plus || idd;
  const context = hasContextBefore(text, run.start, CONTEXT_WORDS.PHONE);
  if (!international) {
    if (scan.region === undefined) return;
    const formatted = run.starts.length > 1 || written.includes('(');
    if (!formatted && !context) return;
  }
  if (!international && !context && hasContextBefore(text, run.start, NOT_PERSONAL_WORDS)) return;
  const valid = validPhone(written, international ? undefined : scan.region, scan.budget);
  if (valid === false) return;
  // Past the per-scan budget an unverified "+" number is still reported, at a format-only score.
  if (valid === null && !(international && digits >= 8)) return;
  const base = valid === null ? 0.55 : international ? 0.85 : 0.75;
  scan.out.push({ label: 'PHONE', start: run.start, end: run.end, score: boosted(base, context) });
}

// ---- driver ------------------------------------------------------------------------------------------------

const NATIONAL_IDS: readonly EntityLabel[] = [
  'US_SSN',
  'US_ITIN',
  'CA_SIN',
  'AU_TFN',
  'UK_NHS',
  'IN_AADHAAR',
  'AU_MEDICARE',
  'BR_CPF',
  'DE_STEUER_ID',
];

/** Where the run holding the digit at `digit` starts: a "+" or "(" right before it belongs to it. */
function runStart(text: string, digit: number): number {
  let start = digit;
  if (start > 0 && text.charCodeAt(start - 1) === 40) start--;
  if (start > 0 && text.charCodeAt(start - 1) === 43) start--;
  return start;
}

/** Finds every numeric entity of the scan's enabled set in the clean text. */
export function detectNumbers(scan: NumberScan): void {
  const cards = scan.enabled.has('CREDIT_CARD');
  const ids = NATIONAL_IDS.some((label) => scan.enabled.has(label));
  const ips = scan.enabled.has('IP_ADDRESS');
  const phones = scan.enabled.has('PHONE');
  if (!cards && !ids && !ips && !phones) return;
  const text = scan.text;
  NUMERIC_SEED.lastIndex = 0;
  for (let seed = NUMERIC_SEED.exec(text); seed !== null; seed = NUMERIC_SEED.exec(text)) {
    NUMERIC_RUN.lastIndex = runStart(text, seed.index);
    const m = NUMERIC_RUN.exec(text);
    if (m === null) continue;
    const end = m.index + m[0].length;
    NUMERIC_SEED.lastIndex = end;
    if (m[0].length < 7) continue;
    const run = splitRun(text, m.index, end);
    // Windows need 12+ digits for a card and 9+ for an ID: count what is left from each group on.
    let remaining = countDigits(run);
    for (let i = 0; i < run.starts.length; i++) {
      if (cards && remaining >= 12) checkCards(scan, run, i);
      if (ids && remaining >= 9) checkNationalIds(scan, run, i);
      if (ips && run.starts.length - i >= 4) checkIpv4(scan, run, i);
      remaining -= groupLength(run, i);
    }
    if (phones) checkPhone(scan, run);
  }
}
