/**
 * `topics`: keeps a rail on or off subjects. In `deny` mode it flags text about a denied topic (a
 * children's tutor denying gambling and weapons); in `allow` mode it flags text about none of the allowed
 * topics (a cooking assistant that should stay on cooking). Topics are keyword sets: a dozen built in
 * (see keywords.ts) and any the tenant defines under `custom`.
 *
 * A topic's score grows with the number of distinct keywords found and their weights:
 * 1 − Π(1 − weight). An ambiguous word (weight 0.2, "shoot" in "photo shoot") never decides alone, a clear
 * phrase (0.6, "assault rifle") does. All keywords compile into one Aho-Corasick automaton searched on the
 * skeleton and leetspeak views, so spelling tricks (c0caine, саsino with Cyrillic letters) still match.
 *
 * `source: keywords` is the only source today; a trained topic classifier will plug in behind the same
 * params as another source.
 */
import { z } from 'zod';
import { didYouMean } from '../../engine/errors.js';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { AhoCorasick, findInViews, foldPhrase, type PhrasePattern } from '../../match/aho-corasick.js';
import type { View, Views } from '../../normalize/views.js';
import { BUILTIN_TOPICS, TIER_WEIGHTS, type TopicKeywords } from './keywords.js';

export { BUILTIN_TOPICS } from './keywords.js';

const MAX_MATCHES = 2000;
const MAX_FINDINGS_PER_TOPIC = 16;
const DEFAULT_CUSTOM_WEIGHT = 0.6;

/** A keyword with an optional trailing `*` (prefix match). */
const keywordText = z
  .string()
  .max(100)
  .refine((k) => foldPhrase(k.endsWith('*') ? k.slice(0, -1) : k).length > 0, {
    message: 'is empty once normalized (no visible characters)',
  });

const customTopic = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a snake_case name such as cooking or billing'),
  /** Keywords; `word*` matches word prefixes. A string uses the topic's `weight`. */
  keywords: z
    .array(z.union([keywordText, z.strictObject({ keyword: keywordText, weight: z.number().gt(0).max(1) })]))
    .min(1)
    .max(5000),
  /** Weight of the plain-string keywords. Default 0.6 (one keyword is enough at the default threshold). */
  weight: z.number().gt(0).max(1).default(DEFAULT_CUSTOM_WEIGHT),
});

export const topicsParams = z
  .strictObject({
    /** `deny`: flag text about any listed topic. `allow`: flag text about none of them. Default deny. */
    mode: z.enum(['deny', 'allow']).default('deny'),
    /** Topic names: built-in ones or `custom` ones. */
    topics: z.array(z.string()).min(1).max(64),
    /** Tenant topics. A custom topic with a built-in name adds its keywords to the built-in set. */
    custom: z.array(customTopic).max(64).default([]),
    /**
     * Texts shorter than this (visible characters) get no decision. Default: 30 in allow mode (greetings and
     * "thanks!" are not off-topic), 0 in deny mode.
     */
    min_chars: z.number().int().min(0).max(100_000).optional(),
    /** Where topic evidence comes from. Only `keywords` today; a classifier source comes later. */
    source: z.enum(['keywords']).default('keywords'),
  })
  .superRefine((params, ctx) => {
    const known = new Set([...Object.keys(BUILTIN_TOPICS), ...params.custom.map((t) => t.name)]);
    params.topics.forEach((name, index) => {
      if (known.has(name)) return;
      const suggestion = didYouMean(name, known);
      ctx.addIssue({
        code: 'custom',
        path: ['topics', index],
        message: `unknown topic '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (built-in: ${Object.keys(BUILTIN_TOPICS).join(', ')}; or define it under custom)`,
      });
    });
    const seen = new Set<string>();
    params.custom.forEach((topic, index) => {
      if (seen.has(topic.name)) {
        ctx.addIssue({ code: 'custom', path: ['custom', index, 'name'], message: `duplicate topic '${topic.name}'` });
      }
      seen.add(topic.name);
    });
  });

export type TopicsParams = z.infer<typeof topicsParams>;

interface Keyword {
  topic: string;
  text: string;
  weight: number;
}

function patternOf(keyword: string): PhrasePattern {
  return keyword.endsWith('*')
    ? { text: keyword.slice(0, -1), boundary: 'prefix' }
    : { text: keyword, boundary: 'word' };
}

/** The keywords of the topics a rule looks at, built-in and custom merged. */
function keywordsOf(params: TopicsParams): Keyword[] {
  const keywords: Keyword[] = [];
  for (const topic of params.topics) {
    const builtin: TopicKeywords | undefined = (BUILTIN_TOPICS as Record<string, TopicKeywords>)[topic];
    if (builtin) {
      for (const tier of ['strong', 'medium', 'weak'] as const) {
        for (const text of builtin[tier]) keywords.push({ topic, text, weight: TIER_WEIGHTS[tier] });
      }
    }
    for (const custom of params.custom.filter((t) => t.name === topic)) {
      for (const entry of custom.keywords) {
        keywords.push(
          typeof entry === 'string'
            ? { topic, text: entry, weight: custom.weight }
            : { topic, text: entry.keyword, weight: entry.weight },
        );
      }
    }
  }
  return keywords;
}

const WORD_UNIT = /[\p{L}\p{N}\p{M}]/u;
const MAX_WORD_TAIL = 64;

/** A prefix keyword's span, extended to the end of the word it starts ("gambl" → "gambling"). */
function toWordEnd(text: string, end: number): number {
  let at = end;
  while (at < text.length && at - end < MAX_WORD_TAIL && WORD_UNIT.test(text[at] as string)) at++;
  return at;
}

interface TopicHits {
  /** First raw span of each distinct keyword (by keyword index). */
  spans: Map<number, [number, number]>;
  score: number;
}

function viewsToSearch(views: Views): View[] {
  return views.leet === views.skeleton ? [views.skeleton] : [views.skeleton, views.leet];
}

/** Distinct keyword hits per topic, and each topic's score. */
function scoreTopics(
  matcher: AhoCorasick,
  keywords: readonly Keyword[],
  views: Views,
  text: string,
): Map<string, TopicHits> {
  const topics = new Map<string, TopicHits>();
  for (const match of findInViews(matcher, viewsToSearch(views), MAX_MATCHES)) {
    const keyword = keywords[match.pattern] as Keyword;
    let hits = topics.get(keyword.topic);
    if (!hits) {
      hits = { spans: new Map(), score: 0 };
      topics.set(keyword.topic, hits);
    }
    if (!hits.spans.has(match.pattern)) {
      const end = keyword.text.endsWith('*') ? toWordEnd(text, match.end) : match.end;
      hits.spans.set(match.pattern, [match.start, end]);
      hits.score = 1 - (1 - hits.score) * (1 - keyword.weight);
    }
  }
  return topics;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function denyFindings(topics: Map<string, TopicHits>, keywords: readonly Keyword[]): Finding[] {
  const findings: Finding[] = [];
  for (const [topic, hits] of topics) {
    const ordered = [...hits.spans].sort((a, b) => a[1][0] - b[1][0]).slice(0, MAX_FINDINGS_PER_TOPIC);
    for (const [index, span] of ordered) {
      findings.push({
        category: 'topic',
        label: topic.toUpperCase(),
        score: round(hits.score),
        span,
        evidence: `${topic}: "${(keywords[index] as Keyword).text}" (${hits.spans.size} distinct keyword${hits.spans.size === 1 ? '' : 's'})`,
      });
    }
  }
  return findings.sort((a, b) => (a.span?.[0] ?? 0) - (b.span?.[0] ?? 0));
}

function visibleLength(text: string): number {
  return text.replace(/\s+/g, '').length;
}

export const topicsScanner: Scanner<TopicsParams> = {
  id: 'topics',
  description: 'Flags text about denied topics, or about none of the allowed topics, using keyword sets.',
  params: topicsParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const keywords = keywordsOf(params);
    const matcher = AhoCorasick.compile(keywords.map((k) => patternOf(k.text)));
    const minChars = params.min_chars ?? (params.mode === 'allow' ? 30 : 0);
    return (subject, views) => {
      if (minChars > 0 && visibleLength(views.clean.text) < minChars) return [];
      const topics = scoreTopics(matcher, keywords, views, subject.text);
      if (params.mode === 'deny') return denyFindings(topics, keywords);
      let best = 0;
      let bestTopic = '';
      for (const [topic, hits] of topics) {
        if (hits.score > best) {
          best = hits.score;
          bestTopic = topic;
        }
      }
      // Any medium keyword (0.35) of an allowed topic is enough to be on topic; one weak word is not.
      const score = round(1 - Math.min(1, 2 * best));
      if (score <= 0) return [];
      const evidence = bestTopic
        ? `closest allowed topic ${bestTopic} at ${round(best)}`
        : `none of the allowed topics (${params.topics.join(', ')}) matched`;
      return [{ category: 'topic', label: 'OFF_TOPIC', score, evidence }];
    };
  },
};
