/**
 * Evidence for pii findings. Verdicts are logged, so evidence never holds the value itself: enough shape
 * for a person reviewing a decision to recognise what was caught ("j***@e***.com", "****-**-**20"), nothing
 * that identifies anyone.
 */
import type { EntityLabel } from './entities.js';

const MAX_EVIDENCE = 48;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Letters and digits (and both halves of astral characters, which are never separators here). */
function isAlnumAt(value: string, i: number): boolean {
  const code = value.charCodeAt(i);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  if (code >= 0xd800 && code <= 0xdfff) return true;
  return LETTER_OR_DIGIT.test(value[i] as string);
}

/** Every letter and digit starred except the last `keep`; separators stay so the layout is visible. */
function starAllBut(value: string, keep: number): string {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlnumAt(value, i)) alnum++;
  let seen = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (!isAlnumAt(value, i)) {
      out += value[i];
      continue;
    }
    seen++;
    out += seen > alnum - keep ? value[i] : '*';
  }
  return out;
}

function redactEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

function redactName(value: string): string {
  return value
    .split(' ')
    .map((word) => `${[...word][0] ?? ''}***`)
    .join(' ');
}

/** The logged form of a detected value. */
export function redact(label: EntityLabel, value: string): string {
  let out: string;
  if (label === 'EMAIL') out = redactEmail(value);
  else if (label === 'PERSON') out = redactName(value);
  else if (label === 'DATE_OF_BIRTH' || label === 'STREET_ADDRESS' || label === 'PASSPORT') out = starAllBut(value, 0);
  else out = starAllBut(value, value.length >= 8 ? 2 : 0);
  return out.length > MAX_EVIDENCE ? `${out.slice(0, MAX_EVIDENCE - 1)}…` : out;
}
