/**
 * Entities with letters in them: e-mail addresses, IBANs, UK National Insurance and Indian PAN numbers,
 * MAC and IPv6 addresses, crypto wallets, US street addresses and UK postcodes. Each regex starts with a
 * rare character or a bounded class and has no two adjacent quantifiers over overlapping characters; the
 * checksum or structure check runs only on what the regex found.
 */
import { parse as parseDomain } from 'tldts';
import { base58CheckAddressValid, eip55Valid, ibanMod97Valid, segwitAddressValid } from './checksums.js';
import { boosted, type Candidate, CONTEXT_WORDS, type EntityLabel, hasContextBefore, SCORE } from './entities.js';

export interface PatternScan {
  text: string;
  enabled: ReadonlySet<EntityLabel>;
  out: Candidate[];
}

function isAlnumCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function context(scan: PatternScan, label: EntityLabel, start: number): boolean {
  return hasContextBefore(scan.text, start, CONTEXT_WORDS[label]);
}

// ---- e-mail ------------------------------------------------------------------------------------------------

function isLocalCode(code: number): boolean {
  return isAlnumCode(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

function isDomainCode(code: number): boolean {
  return isAlnumCode(code) || code === 46 || code === 45;
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** Domain of an address: two or more labels of letters, digits and inner hyphens, an alphabetic TLD. */
function domainValid(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) if (!LABEL.test(label)) return false;
  return TLD.test(labels[labels.length - 1] as string);
}

function localValid(local: string): boolean {
  return local.length > 0 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

const icannCache = new Map<string, boolean>();

/** The domain ends in a public suffix of the ICANN list (not "localhost", "corp.internal", "2x.png"). */
function isIcannDomain(domain: string): boolean {
  const key = domain.toLowerCase();
  let icann = icannCache.get(key);
  if (icann === undefined) {
    icann = parseDomain(key, { extractHostname: false, detectIp: false, validateHostname: false }).isIcann === true;
    if (icannCache.size >= 4096) icannCache.clear();
    icannCache.set(key, icann);
  }
  return icann;
}

/**
 * Walks out from every "@" instead of running a regex over the text: local part up to 64 characters to
 * the left, domain up to 253 to the right. Each character is visited a bounded number of times however
 * many "@" the text holds.
 */
export function detectEmails(scan: PatternScan): void {
  const text = scan.text;
  let searchFrom = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', searchFrom)) {
    searchFrom = at + 1;
    let start = at;
    while (start > 0 && at - start <= 64 && isLocalCode(text.charCodeAt(start - 1))) start--;
    if (at - start > 64) continue;
    while (start < at && text.charCodeAt(start) === 46) start++;
    let end = at + 1;
    while (end < text.length && end - at <= 254 && isDomainCode(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
    searchFrom = Math.max(searchFrom, end);
    if (!emailBoundaryOk(text, start, end)) continue;
    const local = text.slice(start, at);
    const domain = text.slice(at + 1, end);
    if (!localValid(local) || !domainValid(domain)) continue;
    const icann = isIcannDomain(domain);
    const withContext = context(scan, 'EMAIL', start);
    const score = icann ? boosted(0.9, withContext) : boosted(0.45, withContext);
    scan.out.push({ label: 'EMAIL', start, end, score });
  }
}

/**
 * Rejects URL credentials ("https://user:pass@host") and scp-style remotes ("git@github.com:org/repo"),
 * which carry a host, not a mailbox; "mailto:" links are kept.
 */
function emailBoundaryOk(text: string, start: number, end: number): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  if (before === 47 || before === 64) return false;
  if (before === 58 && urlBefore(text, start)) return false;
  const after = end < text.length ? text.charCodeAt(end) : 32;
  const afterAfter = end + 1 < text.length ? text.charCodeAt(end + 1) : 32;
  if (after === 64) return false;
  return !(after === 58 && afterAfter !== 32 && afterAfter !== 10 && afterAfter !== 9 && end + 1 < text.length);
}

/** The word ending at `end` is part of a URL ("https://user:pass" before an "@"). */
function urlBefore(text: string, end: number): boolean {
  let start = end;
  while (start > 0 && end - start < 256 && text.charCodeAt(start - 1) > 32) start--;
  return text.slice(start, end).includes('//');
}

// ---- IBAN --------------------------------------------------------------------------------------------------

/** IBAN length per country (ISO 13616 registry), as country code + length. */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  (
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 ' +
    'EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 ' +
    'IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 ' +
    'NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 ' +
    'SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30'
  )
    .split(' ')
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]),
);

// Country, check digits, then single-spaced alphanumerics; the exact length comes from the table.
const IBAN_AT = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,31}/y;

/** An IBAN starting at `start`: exactly its country's length of characters (single spaces allowed). */
function ibanAt(scan: PatternScan, start: number): number {
  const text = scan.text;
  IBAN_AT.lastIndex = start;
  const m = IBAN_AT.exec(text);
  if (m === null) return start;
  const length = IBAN_LENGTHS.get(m[0].slice(0, 2));
  if (length === undefined) return start;
  // The match may have run into the next word; take the country's length and require a boundary there.
  let compact = '';
  let end = start;
  while (end < text.length && compact.length < length) {
    const code = text.charCodeAt(end);
    if (code === 32 && compact.length > 0) {
      end++;
      continue;
    }
    if (!isAlnumCode(code)) break;
    compact += text[end];
    end++;
  }
  if (compact.length !== length || (end < text.length && isAlnumCode(text.charCodeAt(end)))) return start;
  if (!ibanMod97Valid(compact)) return start;
  const score = context(scan, 'IBAN', start) ? SCORE.strongWithContext : SCORE.strong;
  scan.out.push({ label: 'IBAN', start, end, score });
  return end;
}

// ---- UK National Insurance number, Indian PAN, UK postcode ------------------------------------------------

// First letter not D F I Q U V; second not D F I O Q U V; a suffix A-D.
const NINO_AT = /[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/y;
/** Prefixes never allocated (administrative or reserved). */
const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

function ninoAt(scan: PatternScan, start: number): number {
  NINO_AT.lastIndex = start;
  const m = NINO_AT.exec(scan.text);
  if (m === null || NINO_BAD_PREFIXES.has(m[0].slice(0, 2))) return start;
  const spaces = m[0].length - 9;
  if (spaces !== 0 && spaces !== 4) return start;
  const score = boosted(0.85, context(scan, 'UK_NINO', start));
  scan.out.push({ label: 'UK_NINO', start, end: start + m[0].length, score });
  return start + m[0].length;
}

// Five letters, four digits, a letter; the fourth letter is the holder type (P person, C company, ...).
const PAN_AT = /[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]\b/y;

function panAt(scan: PatternScan, start: number): number {
  PAN_AT.lastIndex = start;
  if (PAN_AT.exec(scan.text) === null) return start;
  const score = context(scan, 'IN_PAN', start) ? SCORE.formatCap : 0.75;
  scan.out.push({ label: 'IN_PAN', start, end: start + 10, score });
  return start + 10;
}

// Outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code (digit + two letters, no C I K M O V).
const UK_POSTCODE_AT = /[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}\b/y;

function postcodeAt(scan: PatternScan, start: number): number {
  UK_POSTCODE_AT.lastIndex = start;
  const m = UK_POSTCODE_AT.exec(scan.text);
  if (m === null) return start;
  const score = boosted(0.65, context(scan, 'STREET_ADDRESS', start));
  scan.out.push({ label: 'STREET_ADDRESS', start, end: start + m[0].length, score });
  return start + m[0].length;
}

// Every identifier of this family starts a word with one to five capitals and reaches a digit within one
// space: "DE89 3704…", "AB 12 34 56 C", "ABCPE1234F", "SW1A 1AA". One pass finds those starts; the
// specific patterns are then tried only there.
const UPPERCASE_ID_SEED = /\b[A-Z]{1,5} ?\d/g;

/** IBANs, UK National Insurance numbers, Indian PANs and UK postcodes (as STREET_ADDRESS). */
export function detectUppercaseIds(scan: PatternScan): void {
  const on = scan.enabled;
  const text = scan.text;
  UPPERCASE_ID_SEED.lastIndex = 0;
  for (let seed = UPPERCASE_ID_SEED.exec(text); seed !== null; seed = UPPERCASE_ID_SEED.exec(text)) {
    const start = seed.index;
    let end = start;
    if (on.has('IBAN')) end = ibanAt(scan, start);
    if (end === start && on.has('UK_NINO')) end = ninoAt(scan, start);
    if (end === start && on.has('IN_PAN')) end = panAt(scan, start);
    if (end === start && on.has('STREET_ADDRESS')) end = postcodeAt(scan, start);
    UPPERCASE_ID_SEED.lastIndex = Math.max(end, start + 1);
  }
}

// ---- MAC and IPv6 addresses ----------------------------------------------------------------------------------

// A separator, two (or four, dotted) hex digits, the same kind of separator: cheap to find because it
// starts with punctuation. The full pattern is then tried where the address would have to start.
const MAC_SEED = /[:-][0-9A-Fa-f]{2}[:-]|\.[0-9A-Fa-f]{4}\./g;
const MAC =
  /(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Za-z]|[:.-][0-9A-Fa-f])/y;

function macAt(text: string, start: number): RegExpExecArray | null {
  if (start < 0) return null;
  const before = start > 0 ? text.charCodeAt(start - 1) : 32;
  if (isAlnumCode(before) || before === 58 || before === 45 || before === 46) return null;
  MAC.lastIndex = start;
  return MAC.exec(text);
}

export function detectMacs(scan: PatternScan): void {
  const text = scan.text;
  MAC_SEED.lastIndex = 0;
  for (let seed = MAC_SEED.exec(text); seed !== null; seed = MAC_SEED.exec(text)) {
    const m = macAt(text, seed.index - (text.charCodeAt(seed.index) === 46 ? 4 : 2));
    if (m === null) {
      MAC_SEED.lastIndex = seed.index + 1;
      continue;
    }
    MAC_SEED.lastIndex = m.index + m[0].length;
    const hex = m[0].replace(/[:.-]/g, '').toLowerCase();
    if (hex === '000000000000' || hex === 'ffffffffffff') continue;
    // Cisco dotted form is also how ordinary hex words can line up ("dead.beef.cafe"); it needs digits.
    const dotted = m[0].includes('.');
    if (dotted && !/\d/.test(hex)) continue;
    const score = boosted(dotted ? 0.6 : 0.7, context(scan, 'MAC_ADDRESS', m.index));
    scan.out.push({ label: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score });
  }
}

// Two colons with at most four hex digits between them: the one thing every IPv6 literal has.
const IPV6_SEED = /:[0-9A-Fa-f]{0,4}:/g;

function isHexCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** Parses an IPv6 literal into its eight 16-bit groups, or null. Accepts "::" once and a dotted IPv4 tail. */
export function parseIpv6(literal: string): number[] | null {
  if (literal.length < 2 || literal.length > 45) return null;
  const halves = literal.split('::');
  if (halves.length > 2) return null;
  const parseSide = (side: string): number[] | null => {
    if (side === '') return [];
    const groups: number[] = [];
    const parts = side.split(':');
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k] as string;
      if (k === parts.length - 1 && part.includes('.')) {
        const v4 = part.split('.');
        if (v4.length !== 4) return null;
        const bytes = v4.map((o) => (/^(?:0|[1-9]\d{0,2})$/.test(o) ? Number(o) : 256));
        if (bytes.some((b) => b > 255)) return null;
        groups.push(
          ((bytes[0] as number) << 8) | (bytes[1] as number),
          ((bytes[2] as number) << 8) | (bytes[3] as number),
        );
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return null;
        groups.push(Number.parseInt(part, 16));
      }
    }
    return groups;
  };
  const left = parseSide(halves[0] as string);
  const right = halves.length === 2 ? parseSide(halves[1] as string) : [];
  if (!left || !right) return null;
  if (halves.length === 1) return left.length === 8 ? left : null;
  const missing = 8 - left.length - right.length;
  if (missing < 1) return null;
  return [...left, ...new Array<number>(missing).fill(0), ...right];
}

/** Loopback, unspecified, link-local, unique-local, documentation, multicast, or a non-public mapped IPv4. */
function ipv6IsNonPublic(groups: readonly number[]): boolean {
  const g0 = groups[0] as number;
  if (groups.every((g, k) => k === 7 || g === 0)) return true; // :: and ::1
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xfe00) === 0xfc00 || (g0 & 0xff00) === 0xff00) return true;
  if (g0 === 0x2001 && groups[1] === 0x0db8) return true;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const a = (groups[6] as number) >> 8;
    return a === 10 || a === 127 || (a === 192 && ((groups[6] as number) & 0xff) === 168);
  }
  return false;
}

export function detectIpv6(scan: PatternScan): void {
  const text = scan.text;
  IPV6_SEED.lastIndex = 0;
  for (let m = IPV6_SEED.exec(text); m !== null; m = IPV6_SEED.exec(text)) {
    let start = m.index;
    while (start > 0 && (isHexCode(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === 58)) start--;
    let end = m.index + 1;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (!isHexCode(code) && code !== 58 && code !== 46) break;
      end++;
    }
    IPV6_SEED.lastIndex = end;
    while (end > start && text.charCodeAt(end - 1) === 46) end--;
    const before = start > 0 ? text.charCodeAt(start - 1) : 32;
    const after = end < text.length ? text.charCodeAt(end) : 32;
    if (isAlnumCode(before) || before === 95 || isAlnumCode(after) || after === 95) continue;
    const groups = parseIpv6(text.slice(start, end));
    if (!groups) continue;
    const base = ipv6IsNonPublic(groups) ? 0.35 : 0.75;
    scan.out.push({ label: 'IP_ADDRESS', start, end, score: boosted(base, context(scan, 'IP_ADDRESS', start)) });
  }
}

// ---- crypto wallets ----------------------------------------------------------------------------------------

const ETH_ADDRESS = /\b0x[0-9a-fA-F]{40}\b/g;
const BASE58_ADDRESS = /\b[13][1-9A-HJ-NP-Za-km-z]{25,34}\b/g;
const SEGWIT_ADDRESS = /\b(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}\b/g;

/** EIP-55 verifications (one Keccak-256 each, ~15 µs) per scan; later mixed-case addresses score unverified. */
export const EIP55_CHECKS_PER_SCAN = 256;

/**
 * Ethereum addresses in one case cannot be verified (EIP-55 only lives in mixed case) and share their shape
 * with any 160-bit hex value, so they score as format-only matches; mixed case must pass EIP-55.
 */
function walletScore(address: string, budget: { eip55: number }): number | null {
  if (address.startsWith('0x')) {
    const hex = address.slice(2);
    if (/^0+$/.test(hex)) return null;
    if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return 0.8;
    if (budget.eip55 <= 0) return 0.8;
    budget.eip55--;
    return eip55Valid(address) ? SCORE.strong : null;
  }
  if (address.charCodeAt(0) === 98 || address.charCodeAt(0) === 66) {
    return segwitAddressValid(address) ? SCORE.strong : null;
  }
  return base58CheckAddressValid(address) ? SCORE.strong : null;
}

/** Each address family is searched only when its prefix occurs, so most texts pay for one regex. */
export function detectWallets(scan: PatternScan): void {
  const text = scan.text;
  const budget = { eip55: EIP55_CHECKS_PER_SCAN };
  if (text.includes('0x')) walletsMatching(scan, ETH_ADDRESS, budget);
  if (text.includes('bc1') || text.includes('BC1')) walletsMatching(scan, SEGWIT_ADDRESS, budget);
  walletsMatching(scan, BASE58_ADDRESS, budget);
}

function walletsMatching(scan: PatternScan, pattern: RegExp, budget: { eip55: number }): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(scan.text); m !== null; m = pattern.exec(scan.text)) {
    const base = walletScore(m[0], budget);
    if (base === null) continue;
    const withContext = context(scan, 'CRYPTO_WALLET', m.index);
    const score = base >= SCORE.strong ? (withContext ? SCORE.strongWithContext : base) : boosted(base, withContext);
    scan.out.push({ label: 'CRYPTO_WALLET', start: m.index, end: m.index + m[0].length, score });
  }
}

// ---- street addresses and postcodes --------------------------------------------------------------------------

const STREET_SUFFIX =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|Way|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Crescent|Close|Row|Alley|Plaza';
const STREET_NAME_WORD = "(?:[A-Z][A-Za-z'’]{1,20}\\.?|\\d{1,3}(?:st|nd|rd|th))";

/**
 * "1600 Pennsylvania Avenue NW", "221B Baker Street", "350 5th Ave, Suite 12, New York, NY 10118": a house
 * number, one to three capitalised (or ordinal) words, a street-type word, then optionally a unit and a
 * "City, ST 12345" tail. Every repeated piece starts with a space and a capital or digit, so pieces cannot
 * trade characters.
 */
const US_STREET = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?(?: [NSEW]\\.?)? ${STREET_NAME_WORD}(?: ${STREET_NAME_WORD}){0,2} (?:${STREET_SUFFIX})\\b\\.?(?: (?:N|S|E|W|NE|NW|SE|SW)\\b)?(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#) ?[A-Za-z0-9-]{1,6})?(?:, [A-Z][A-Za-z]{1,20}(?: [A-Z][A-Za-z]{1,20}){0,2},? [A-Z]{2},? \\d{5}(?:-\\d{4})?)?`,
  'g',
);

// A capitalised street-type word after a space: without one there is no US street address to look for.
const STREET_SUFFIX_WORD = new RegExp(` (?:${STREET_SUFFIX})\\b`);

/** US street addresses (UK postcodes are found with the uppercase identifiers). */
export function detectStreetAddresses(scan: PatternScan): void {
  if (!STREET_SUFFIX_WORD.test(scan.text)) return;
  US_STREET.lastIndex = 0;
  for (let m = US_STREET.exec(scan.text); m !== null; m = US_STREET.exec(scan.text)) {
    const withTail = /\d{5}(?:-\d{4})?$/.test(m[0]) && m[0].includes(',');
    const score = boosted(withTail ? 0.85 : 0.7, context(scan, 'STREET_ADDRESS', m.index));
    scan.out.push({ label: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].length, score });
  }
}
