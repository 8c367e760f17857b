/**
 * Phone-number validation through libphonenumber-js (full metadata, so `isValid` checks the digits against
 * each country's numbering plan, not just the length). One library call costs 20-40 µs, more than the whole
 * budget of a 4 KB scan, so callers prefilter hard, results are cached across scans, and each scan gets a
 * fixed number of uncached calls.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type { CountryCode };

/** Uncached library calls allowed per scan; past this, phone candidates are judged by shape alone. */
export const PHONE_CALLS_PER_SCAN = 48;

const CACHE_LIMIT = 4096;
const cache = new Map<string, boolean>();

export function isRegion(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/** Counts the library calls one scan may still make. */
export class PhoneBudget {
  remaining = PHONE_CALLS_PER_SCAN;
}

/**
 * Whether `text` (a number as written: `+44 20 7946 0958`, `(415) 555-2671`) is a valid phone number,
 * national formats read in `region`. Returns null when the budget is spent and the answer is not cached.
 */
export function validPhone(text: string, region: CountryCode | undefined, budget: PhoneBudget): boolean | null {
  const key = `${region ?? ''}|${text}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  if (budget.remaining <= 0) return null;
  budget.remaining--;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
  const valid = parsed?.isValid() ?? false;
  // A whole-cache reset keeps the bound simple; the hit rate of a phone cache comes from the few numbers
  // (a support line, a signature) that recur in every message, which come back after a reset anyway.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, valid);
  return valid;
}
