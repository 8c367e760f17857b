/**
 * `pii`: finds personal data — e-mail addresses, phone numbers, payment cards, bank accounts, national
 * identifiers of the US, UK, India, Canada, Australia, Brazil and Germany, passport numbers and dates of
 * birth (when the text says so), IP and MAC addresses, street addresses, crypto wallets and, when a policy
 * asks, names. Checksums are verified wherever the format has one, so a number that merely looks like a
 * card is not masked as one. Spans are found on the clean view (NFKC, invisible characters removed) and
 * mapped back to the raw text, so "４１１１\u200b1111…" is masked exactly where it was written.
 *
 * @example
 * ```yaml
 * - id: pii
 *   scanner: pii
 *   action: mask            # "Call me at +44 20 7946 0958" -> "Call me at [PII:PHONE_1]"
 *   params:
 *     default_region: GB
 *     allow: [support@example.com]
 *     entities:
 *       CREDIT_CARD: { action: block }
 *       IP_ADDRESS: { enabled: false }
 * ```
 */
import { z } from 'zod';
import { applyFindingSettings } from '../../engine/finding-settings.js';
import { ACTIONS, type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { type Candidate, ENTITY_LABELS, type EntityLabel, OFF_BY_DEFAULT } from './entities.js';
import { detectNumbers } from './numbers.js';
import {
  detectEmails,
  detectIpv6,
  detectMacs,
  detectStreetAddresses,
  detectUppercaseIds,
  detectWallets,
  type PatternScan,
} from './patterns.js';
import { type CountryCode, isRegion, PhoneBudget } from './phone.js';
import { redact } from './redact.js';
import { compilePersonTrigger, detectPersons, detectTriggered } from './triggered.js';

export { ENTITY_LABELS, type EntityLabel } from './entities.js';

const entityLabel = z.enum(ENTITY_LABELS);

const entitySettings = z.strictObject({
  /** Report this entity (default true, PERSON false). */
  enabled: z.boolean().optional(),
  /** Score at which findings of this entity fire, instead of the rule's threshold. */
  threshold: z.number().min(0).max(1).optional(),
  /** Action for findings of this entity, instead of the rule's action. */
  action: z.enum(ACTIONS).optional(),
});

export type EntitySettings = z.infer<typeof entitySettings>;

export const DEFAULT_PERSON_CONTEXT = [
  'my name is',
  "my name's",
  'name:',
  'full name:',
  'patient:',
  'patient name:',
  'customer name:',
  'i am called',
];

export const piiParams = z.strictObject({
  /**
   * Which entities to report and how. A list (`[EMAIL, PHONE]`) reports only those; a map adjusts entities
   * one by one (`{ CREDIT_CARD: { action: block }, IP_ADDRESS: { enabled: false } }`) and leaves the rest
   * at their defaults. Default: every entity except PERSON.
   */
  entities: z
    .union([z.array(entityLabel).min(1).max(ENTITY_LABELS.length), z.partialRecord(entityLabel, entitySettings)])
    .default({}),
  /**
   * Values never reported (a support address, a company phone line). Compared case-insensitively, ignoring
   * spaces, hyphens, parentheses and slashes (and dots, except in e-mail addresses).
   */
  allow: z.array(z.string().min(1).max(320)).max(10_000).default([]),
  /**
   * ISO 3166 region for phone numbers written without a country code ("(415) 555-2671" with US). null
   * reports only international (+…) numbers. Default US.
   */
  default_region: z
    .string()
    .refine(isRegion, { message: 'unknown region: use an ISO 3166-1 alpha-2 code such as US, GB, DE, IN' })
    .nullable()
    .default('US'),
  /** Phrases after which capitalised words are a person's name (PERSON must be enabled). Case-insensitive. */
  person_context: z.array(z.string().min(2).max(60)).max(50).default(DEFAULT_PERSON_CONTEXT),
});

export type PiiParams = z.infer<typeof piiParams>;

/** Entity settings after applying the list or map form of `entities`. */
function resolveEntities(entities: PiiParams['entities']): Map<EntityLabel, EntitySettings> {
  const settings = new Map<EntityLabel, EntitySettings>();
  if (Array.isArray(entities)) {
    for (const label of entities) settings.set(label, {});
    return settings;
  }
  for (const label of ENTITY_LABELS) {
    const own = entities[label];
    const enabled = own?.enabled ?? !OFF_BY_DEFAULT.has(label);
    if (enabled) settings.set(label, own ?? {});
  }
  return settings;
}

/** The form of a value the allow list is compared in. */
export function allowKey(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('@') ? lower.replace(/[\s()/-]/g, '') : lower.replace(/[\s().\/-]/g, '');
}

const PRIORITY: ReadonlyMap<EntityLabel, number> = new Map(ENTITY_LABELS.map((label, i) => [label, i]));

/**
 * Keeps the best of overlapping candidates: higher score, then longer, then the label listed first.
 * Kept spans are held sorted, so each candidate costs a binary search.
 */
export function resolveOverlaps(candidates: readonly Candidate[]): Candidate[] {
  const order = [...candidates].sort(
    (a, b) =>
      b.score - a.score ||
      b.end - b.start - (a.end - a.start) ||
      (PRIORITY.get(a.label) ?? 0) - (PRIORITY.get(b.label) ?? 0) ||
      a.start - b.start,
  );
  const kept: Candidate[] = [];
  for (const c of order) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((kept[mid] as Candidate).start < c.start) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && (kept[lo - 1] as Candidate).end > c.start) continue;
    if (lo < kept.length && (kept[lo] as Candidate).start < c.end) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}

const HAS_DIGIT = /\d/;

function detectPatterns(scan: PatternScan): void {
  const on = scan.enabled;
  if (on.has('IBAN') || on.has('UK_NINO') || on.has('IN_PAN') || on.has('STREET_ADDRESS')) detectUppercaseIds(scan);
  if (on.has('MAC_ADDRESS')) detectMacs(scan);
  if (on.has('IP_ADDRESS') && scan.text.includes(':')) detectIpv6(scan);
  if (on.has('CRYPTO_WALLET')) detectWallets(scan);
  if (on.has('STREET_ADDRESS')) detectStreetAddresses(scan);
}

function toFinding(c: Candidate, value: string, span: [number, number], settings: EntitySettings | undefined): Finding {
  const finding: Finding = {
    category: 'pii',
    label: c.label,
    score: c.score,
    span,
    evidence: redact(c.label, value),
    view: 'clean',
  };
  return applyFindingSettings(finding, settings);
}

export const piiScanner: Scanner<PiiParams> = {
  id: 'pii',
  description:
    'Detects personal data (e-mail, phone, cards, IBAN, national IDs, addresses, wallets...) with checksum validation; masks it by default.',
  params: piiParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'mask' },
  create(params) {
    const settings = resolveEntities(params.entities);
    const enabled: ReadonlySet<EntityLabel> = new Set(settings.keys());
    const allowed = new Set(params.allow.map(allowKey));
    const region = (params.default_region ?? undefined) as CountryCode | undefined;
    const personTrigger = enabled.has('PERSON') ? compilePersonTrigger(params.person_context) : null;
    return (_subject, views) => {
      const clean = views.clean;
      const text = clean.text;
      const out: Candidate[] = [];
      if (enabled.has('EMAIL') && text.includes('@')) detectEmails({ text, enabled, out });
      if (HAS_DIGIT.test(text)) {
        detectNumbers({ text, enabled, region, budget: new PhoneBudget(), out });
        detectPatterns({ text, enabled, out });
        detectTriggered({ text, enabled, out });
      }
      if (personTrigger) detectPersons({ text, enabled, out }, personTrigger);
      if (out.length === 0) return [];
      const reportable = allowed.size > 0 ? out.filter((c) => !allowed.has(allowKey(text.slice(c.start, c.end)))) : out;
      return resolveOverlaps(reportable).map((c) => {
        const value = text.slice(c.start, c.end);
        return toFinding(c, value, clean.toRaw(c.start, c.end), settings.get(c.label));
      });
    };
  },
};
