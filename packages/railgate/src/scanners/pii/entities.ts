/**
 * The catalogue of personal-data entities the pii scanner reports: their labels, the words that make a
 * nearby match more likely to be that entity, and the score scale shared by every detector.
 */

/** Entity labels, in the order used to break ties between equally scored matches of the same text. */
export const ENTITY_LABELS = [
  'EMAIL',
  'CREDIT_CARD',
  'IBAN',
  'CRYPTO_WALLET',
  'US_SSN',
  'US_ITIN',
  'BR_CPF',
  'DE_STEUER_ID',
  'IN_AADHAAR',
  'IN_PAN',
  'UK_NHS',
  'UK_NINO',
  'CA_SIN',
  'AU_TFN',
  'AU_MEDICARE',
  'PASSPORT',
  'DATE_OF_BIRTH',
  'PHONE',
  'IP_ADDRESS',
  'MAC_ADDRESS',
  'STREET_ADDRESS',
  'PERSON',
] as const;

export type EntityLabel = (typeof ENTITY_LABELS)[number];

/** Entities reported unless a policy turns them on explicitly: names are too ambiguous to guess at. */
export const OFF_BY_DEFAULT: ReadonlySet<EntityLabel> = new Set<EntityLabel>(['PERSON']);

/** A match on the clean view, before overlap resolution and before mapping to raw offsets. */
export interface Candidate {
  label: EntityLabel;
  /** Half-open span in the clean view. */
  start: number;
  end: number;
  score: number;
}

/**
 * Scores. A valid checksum that is strong on its own (IBAN mod-97, two CPF check digits, card Luhn + issuer
 * range + length, Bitcoin/Ethereum checksums) or a weak one (a single mod-10/11 digit) backed by the
 * entity's own format or a context word reaches 0.95 or more. Format-only matches sit lower; a context word
 * raises them. A bare digit run that merely passes a one-in-ten checksum stays under the default threshold.
 */
export const SCORE = {
  strong: 0.95,
  strongWithContext: 0.99,
  /** A strong checksum on an unformatted run that many other numbers share the shape of (11 digits). */
  strongBare: 0.8,
  weakWithContext: 0.97,
  weakFormatted: 0.7,
  weakBare: 0.4,
  contextBoost: 0.1,
  formatCap: 0.95,
} as const;

/** Adds the context boost to a format-only score, capped below checksum-validated scores. */
export function boosted(base: number, hasContext: boolean): number {
  return hasContext ? Math.min(SCORE.formatCap, Math.round((base + SCORE.contextBoost) * 100) / 100) : base;
}

// ASCII word edges keep these small regexes on the fast path; a plural "s" is allowed ("phones", "cards").
function words(list: string): RegExp {
  return new RegExp(`(?:^|[^a-z0-9])(?:${list})s?(?![a-z0-9])`, 'i');
}

/** Words that, shortly before a match, name the entity (matched case-insensitively as whole words). */
export const CONTEXT_WORDS: Readonly<Record<EntityLabel, RegExp>> = {
  EMAIL: words('e-?mail|mail|contact|address'),
  CREDIT_CARD: words('card|credit|debit|visa|mastercard|amex|cc|cc#|pan|payment|kreditkarte|carte|tarjeta'),
  IBAN: words('iban|bank|account|konto|compte|cuenta'),
  CRYPTO_WALLET: words('wallet|btc|bitcoin|eth|ether|ethereum|address|send|deposit'),
  US_SSN: words('ssn|ss#|social security|social sec'),
  US_ITIN: words('itin|taxpayer|tax id|tin'),
  BR_CPF: words('cpf|cadastro'),
  DE_STEUER_ID: words('steuer-?id|steuer-?identifikationsnummer|steueridentifikationsnummer|idnr|tin|tax id'),
  IN_AADHAAR: words('aadhaar|aadhar|uidai|uid'),
  IN_PAN: words('pan|permanent account|income tax'),
  UK_NHS: words('nhs|health service|patient'),
  UK_NINO: words('nino|ni number|ni no|national insurance'),
  CA_SIN: words('sin|social insurance|nas'),
  AU_TFN: words('tfn|tax file'),
  AU_MEDICARE: words('medicare'),
  PASSPORT: words('passport|passeport|reisepass|pasaporte|passaporto|paspoort'),
  DATE_OF_BIRTH: words('dob|d\\.o\\.b|birth|born'),
  PHONE: words(
    'phone|telephone|tel|call|mobile|cell|cellphone|whatsapp|fax|text me|sms|contact|ring|reach me|number|handy|telefon|telefone|t[ée]l[ée]phone|tel[ée]fono|celular|m[óo]vil|電話|电话|手机|携帯',
  ),
  IP_ADDRESS: words('ip|ip address|ipv4|ipv6|host|server|router|gateway|address'),
  MAC_ADDRESS: words('mac|mac address|hardware address|ethernet|wi-?fi|bssid|device'),
  STREET_ADDRESS: words('address|live at|lives at|located at|ship to|deliver to|street'),
  PERSON: words('name'),
};

/** Words that mark a number as an order, ticket, version or other non-personal identifier. */
export const NOT_PERSONAL_WORDS = words(
  'order|invoice|ticket|tracking|ref|reference|serial|sku|version|ver|build|release|transaction|txn|id|isbn|doi',
);

const CONTEXT_WINDOW = 48;

/**
 * True when one of `words` occurs in the `CONTEXT_WINDOW` characters before `start` and no non-personal
 * word ("order", "invoice", "version", ...) stands between it and the match: in "SSN 536228751 vs order
 * 536228751" only the first number has SSN context.
 */
export function hasContextBefore(text: string, start: number, words: RegExp): boolean {
  const window = text.slice(Math.max(0, start - CONTEXT_WINDOW), start);
  const found = lastMatchEnd(window, words);
  return found >= 0 && !NOT_PERSONAL_WORDS.test(window.slice(found));
}

/** End of the last match of `words` in `window`, or -1. */
function lastMatchEnd(window: string, words: RegExp): number {
  let end = -1;
  let from = 0;
  while (from < window.length) {
    const m = words.exec(window.slice(from));
    if (m === null) break;
    end = from + m.index + m[0].length;
    from = end;
  }
  return end;
}
