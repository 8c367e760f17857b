/**
 * Entities that are only personal data because of what the text says about them: a date is a date of
 * birth after "DOB" or "born on", a short code is a passport number after "passport", capitalised words
 * are a name after "my name is". Each detector searches for its trigger words first (rare, cheap) and
 * looks for the value only in the few characters that follow.
 */
import type { Candidate, EntityLabel } from './entities.js';

export interface TriggeredScan {
  text: string;
  enabled: ReadonlySet<EntityLabel>;
  out: Candidate[];
}

/** How far after a trigger word the value may start. */
const FOLLOW_WINDOW = 40;
const MAX_VALUE_OFFSET = 24;

// ---- dates of birth ----------------------------------------------------------------------------------------

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

// ISO (1985-03-12), day/month/year or month/day/year with one separator, "12 March 1985", "March 12, 1985".
const DATE = new RegExp(
  `(?<!\\d)(?:(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})|(\\d{1,2})([-/.])(\\d{1,2})\\6(\\d{4}|\\d{2})|(\\d{1,2})(?:st|nd|rd|th)?(?: of)? (${MONTHS})\\.?,? (\\d{4})|(${MONTHS})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4}))(?!\\d)`,
  'gi',
);

const MONTH_NUMBER: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** A real calendar day; a four-digit year must be 1900-2099, a two-digit one can be anything. */
export function calendarDateValid(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (year >= 100 && (year < 1900 || year > 2099)) return false;
  const fullYear = year < 100 ? 1900 + year : year;
  const leap = (fullYear % 4 === 0 && fullYear % 100 !== 0) || fullYear % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
}

function monthOf(name: string | undefined): number {
  return MONTH_NUMBER[(name ?? '').slice(0, 3).toLowerCase()] ?? 0;
}

function dateMatchValid(m: RegExpExecArray): boolean {
  const n = (k: number) => Number(m[k]);
  if (m[1] !== undefined) return calendarDateValid(n(1), n(3), n(4));
  if (m[5] !== undefined) {
    // Day-first and month-first are both in use; either reading being a real date is enough.
    return calendarDateValid(n(8), n(7), n(5)) || calendarDateValid(n(8), n(5), n(7));
  }
  if (m[9] !== undefined) return calendarDateValid(n(11), monthOf(m[10]), n(9));
  return calendarDateValid(n(14), monthOf(m[12]), n(13));
}

function dateOfBirthAfter(scan: TriggeredScan, from: number): void {
  const window = scan.text.slice(from, from + FOLLOW_WINDOW);
  DATE.lastIndex = 0;
  for (let m = DATE.exec(window); m !== null && m.index <= MAX_VALUE_OFFSET; m = DATE.exec(window)) {
    if (!dateMatchValid(m)) continue;
    scan.out.push({ label: 'DATE_OF_BIRTH', start: from + m.index, end: from + m.index + m[0].length, score: 0.9 });
    return;
  }
}

// ---- passport numbers --------------------------------------------------------------------------------------

// Passport numbers are 6-9 capitals and digits in every major issuing country's format.
const PASSPORT_ID = /(?<![A-Za-z0-9])[A-Z0-9]{6,9}(?![A-Za-z0-9])/g;

function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) n++;
  return n;
}

function passportAfter(scan: TriggeredScan, from: number): void {
  const window = scan.text.slice(from, from + FOLLOW_WINDOW);
  PASSPORT_ID.lastIndex = 0;
  for (let m = PASSPORT_ID.exec(window); m !== null && m.index <= MAX_VALUE_OFFSET; m = PASSPORT_ID.exec(window)) {
    if (digitCount(m[0]) < 4) continue;
    scan.out.push({ label: 'PASSPORT', start: from + m.index, end: from + m.index + m[0].length, score: 0.85 });
    return;
  }
}

// ---- person names ------------------------------------------------------------------------------------------

const NAME_WORD = "\\p{Lu}[\\p{Ll}\\p{Lu}'’]{1,30}(?:-\\p{Lu}[\\p{Ll}'’]{1,30})?";
// Optional title, then one to four capitalised words separated by single spaces.
const NAME = new RegExp(`(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\\.? )?${NAME_WORD}(?: ${NAME_WORD}){0,3}`, 'uy');

function escapeLiteral(phrase: string): string {
  return phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles the policy's name-introducing phrases ("my name is", "patient:") into one case-insensitive
 * alternation of escaped literals, so tenant text never acts as a pattern.
 */
export function compilePersonTrigger(phrases: readonly string[]): RegExp | null {
  if (phrases.length === 0) return null;
  const sorted = [...phrases].sort((a, b) => b.length - a.length).map(escapeLiteral);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join('|')})[ \\t]{0,3}`, 'giu');
}

/** Capitalised words right after one of the policy's phrases. */
export function detectPersons(scan: TriggeredScan, trigger: RegExp): void {
  const text = scan.text;
  trigger.lastIndex = 0;
  for (let t = trigger.exec(text); t !== null; t = trigger.exec(text)) {
    const from = t.index + t[0].length;
    NAME.lastIndex = from;
    const m = NAME.exec(text);
    if (m === null) continue;
    scan.out.push({ label: 'PERSON', start: from, end: from + m[0].length, score: 0.85 });
    trigger.lastIndex = Math.max(trigger.lastIndex, from + m[0].length);
  }
}

// The words that make a date a date of birth or a code a passport number, in one case-insensitive pass.
const TRIGGER =
  /\b(?:d\.?o\.?b|date of birth|birth ?date|birthday|born(?: on)?|geburtsdatum|geb\.|fecha de nacimiento|date de naissance|n[ée]e? le|data di nascita|data de nascimento|(passport|passeport|reisepass|pasaporte|passaporto|paspoort|pass-nr))(?![a-z])/gi;

/** Dates of birth and passport numbers (both need digits, so callers skip digit-free text). */
export function detectTriggered(scan: TriggeredScan): void {
  const dob = scan.enabled.has('DATE_OF_BIRTH');
  const passport = scan.enabled.has('PASSPORT');
  if (!dob && !passport) return;
  TRIGGER.lastIndex = 0;
  for (let t = TRIGGER.exec(scan.text); t !== null; t = TRIGGER.exec(scan.text)) {
    const from = t.index + t[0].length;
    if (t[1] === undefined) {
      if (dob) dateOfBirthAfter(scan, from);
    } else if (passport) {
      passportAfter(scan, from);
    }
  }
}
