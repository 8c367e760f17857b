/**
 * `banned_substrings`: finds the words and phrases a tenant never wants to see (profanity, internal
 * code names, forbidden product claims) in any rail. Lists compile once into one Aho-Corasick automaton,
 * so a text is scanned in one pass whatever the size of the lists. Matching is case-, diacritic- and
 * look-alike-insensitive (skeleton view); leetspeak, spaced-out letters and encoded runs are searched too
 * when `views` asks for them.
 */
import { z } from 'zod';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { AhoCorasick, findInViews, foldPhrase, longestNonOverlapping } from '../../match/aho-corasick.js';
import type { View, Views } from '../../normalize/views.js';

const MAX_FINDINGS = 100;
const MAX_TOTAL_CHARS = 200_000;

const phrase = z
  .string()
  .max(200)
  .refine((s) => foldPhrase(s).length > 0, { message: 'is empty once normalized (no visible characters)' });

const label = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,47}$/, 'an UPPER_SNAKE label such as PROFANITY (used in mask placeholders)');

const matchMode = z.enum(['word', 'substring']);

/** Extra views searched besides the skeleton (lowercase, no diacritics, look-alikes folded). */
const extraView = z.enum(['leet', 'despaced', 'decoded']);

const bannedList = z.strictObject({
  /** Label of this list's findings, e.g. PROFANITY or CODENAME. */
  label,
  substrings: z.array(phrase).min(1).max(10_000),
  /** Overrides the scanner-wide `match` for this list. */
  match: matchMode.optional(),
  /** Score of this list's findings. Default 1. */
  score: z.number().min(0).max(1).default(1),
});

export const bannedSubstringsParams = z
  .strictObject({
    /** Words or phrases, matched case- and diacritic-insensitively. */
    substrings: z.array(phrase).max(10_000).default([]),
    /** Label of the findings for `substrings`. Default BANNED_SUBSTRING. */
    label: label.default('BANNED_SUBSTRING'),
    /** `word`: whole words only ("ass" does not match "class"); `substring`: anywhere. Default word. */
    match: matchMode.default('word'),
    /** Also search these views: `leet` (pr0mpt), `despaced` (p r o m p t), `decoded` (base64, hex...). */
    views: z.array(extraView).max(3).default([]),
    /** More lists, each with its own label, match mode and score. */
    lists: z.array(bannedList).max(64).default([]),
  })
  .superRefine((params, ctx) => {
    const total = params.substrings.length + params.lists.reduce((n, list) => n + list.substrings.length, 0);
    if (total === 0) ctx.addIssue({ code: 'custom', message: 'give at least one entry in substrings or lists' });
    const chars =
      params.substrings.reduce((n, s) => n + s.length, 0) +
      params.lists.reduce((n, list) => n + list.substrings.reduce((m, s) => m + s.length, 0), 0);
    if (chars > MAX_TOTAL_CHARS) {
      ctx.addIssue({
        code: 'custom',
        message: `lists hold ${chars} characters in all; the limit is ${MAX_TOTAL_CHARS}`,
      });
    }
  });

export type BannedSubstringsParams = z.infer<typeof bannedSubstringsParams>;

interface Entry {
  text: string;
  label: string;
  score: number;
}

function entriesOf(params: BannedSubstringsParams): Array<Entry & { boundary: 'word' | 'substring' }> {
  const entries = params.substrings.map((text) => ({ text, label: params.label, score: 1, boundary: params.match }));
  for (const list of params.lists) {
    const boundary = list.match ?? params.match;
    for (const text of list.substrings) entries.push({ text, label: list.label, score: list.score, boundary });
  }
  return entries;
}

function viewsToSearch(views: Views, extra: readonly string[]): View[] {
  const out: View[] = [views.skeleton];
  if (extra.includes('leet') && views.leet !== views.skeleton) out.push(views.leet);
  if (extra.includes('despaced') && views.despaced) out.push(views.despaced);
  if (extra.includes('decoded')) out.push(...views.decoded);
  return out;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export const bannedSubstringsScanner: Scanner<BannedSubstringsParams> = {
  id: 'banned_substrings',
  description: 'Finds tenant-listed words and phrases (case, diacritic, look-alike and optionally leet-insensitive).',
  params: bannedSubstringsParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const entries = entriesOf(params);
    const matcher = AhoCorasick.compile(entries.map(({ text, boundary }) => ({ text, boundary })));
    return (_subject, views) => {
      const matches = findInViews(matcher, viewsToSearch(views, params.views), MAX_FINDINGS * 4);
      const findings: Finding[] = [];
      for (const m of longestNonOverlapping(matches)) {
        if (findings.length >= MAX_FINDINGS) break;
        const entry = entries[m.pattern] as Entry;
        findings.push({
          category: 'banned_substring',
          label: entry.label,
          score: entry.score,
          span: [m.start, m.end],
          evidence: `"${shorten(entry.text)}"`,
          view: m.view,
        });
      }
      return findings;
    };
  },
};
