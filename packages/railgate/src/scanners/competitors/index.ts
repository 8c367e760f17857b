/**
 * `competitors`: finds mentions of competitors' names and their aliases, mostly in what the model says
 * (output rail), so an application can mask or flag them. Names match as whole words, whatever the case,
 * diacritics or look-alike letters ("ΑcmeCloud" with a Greek Α is still AcmeCloud); evidence is the
 * canonical name, so logs group "ACME", "Acme Corp" and "acme.io" under one competitor.
 */
import { z } from 'zod';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { AhoCorasick, foldPhrase, longestNonOverlapping } from '../../match/aho-corasick.js';
import { invisibleKind } from '../../normalize/invisible.js';

const MAX_FINDINGS = 100;

const name = z
  .string()
  .max(100)
  .refine((s) => foldPhrase(s).length > 0, { message: 'is empty once normalized (no visible characters)' });

const competitor = z.strictObject({
  /** Canonical name, reported as evidence and matched itself. */
  name,
  /** Other spellings, product names, domains. */
  aliases: z.array(name).max(50).default([]),
  /**
   * Match only the exact spelling (case and accents) of the name or an alias, for names that are also
   * common words ("Notion", "Box"). Default false.
   */
  case_sensitive: z.boolean().default(false),
});

export const competitorsParams = z.strictObject({
  competitors: z.array(competitor).min(1).max(1000),
  /** Score of a mention. Default 1. */
  score: z.number().min(0).max(1).default(1),
});

export type CompetitorsParams = z.infer<typeof competitorsParams>;
type Competitor = CompetitorsParams['competitors'][number];

interface Spelling {
  competitor: Competitor;
  text: string;
}

/** NFKC with invisible characters removed, for the exact-spelling check of case-sensitive names. */
function visibleForm(raw: string): string {
  let out = '';
  for (const ch of raw) if (invisibleKind(ch.codePointAt(0) ?? 0) === null) out += ch;
  return out.normalize('NFKC').replace(/\s+/g, ' ');
}

export const competitorsScanner: Scanner<CompetitorsParams> = {
  id: 'competitors',
  description: 'Finds mentions of competitor names and aliases (whole words, case and diacritic-insensitive).',
  params: competitorsParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'mask' },
  create(params) {
    const spellings: Spelling[] = params.competitors.flatMap((competitor) =>
      [competitor.name, ...competitor.aliases].map((text) => ({ competitor, text })),
    );
    const exact = spellings.map((s) => (s.competitor.case_sensitive ? visibleForm(s.text).trim() : null));
    const matcher = AhoCorasick.compile(spellings.map((s) => s.text));
    return (subject, views) => {
      const skeleton = views.skeleton;
      const matches = [];
      for (const m of matcher.findAll(skeleton.text, MAX_FINDINGS * 4)) {
        const [start, end] = skeleton.toRaw(m.start, m.end);
        const required = exact[m.pattern];
        if (required && visibleForm(subject.text.slice(start, end)) !== required) continue;
        matches.push({ pattern: m.pattern, start, end });
      }
      const findings: Finding[] = [];
      for (const m of longestNonOverlapping(matches).slice(0, MAX_FINDINGS)) {
        findings.push({
          category: 'competitor',
          label: 'COMPETITOR',
          score: params.score,
          span: [m.start, m.end],
          evidence: (spellings[m.pattern] as Spelling).competitor.name,
        });
      }
      return findings;
    };
  },
};
