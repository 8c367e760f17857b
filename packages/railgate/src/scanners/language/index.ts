/**
 * `language`: keeps a rail to the languages an application supports (`allow`) or away from some (`deny`).
 * Identification combines three signals, because the n-gram detector alone (tinyld) calls a whole English
 * sentence French when it holds one French word, and is unsure on short Cyrillic text:
 *  1. an English prior: a share of unambiguous English function words ("the", "would", "which") marks the
 *     text as English whatever words from other languages it quotes;
 *  2. the writing system: text mostly in a script none of the allowed languages use is not allowed;
 *  3. tinyld on a prose sample (code, URLs, numbers and long tokens removed), its confidence taken as the
 *     top language's share against the runner-up, scaled down when tinyld found little evidence.
 * Short texts (under `min_chars` letters of prose) get no decision: greetings and one-word replies are
 * too short to tell. With `per_chunk`, each paragraph is judged alone, so one paragraph in a denied
 * language is found inside an otherwise allowed text.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { didYouMean } from '../../engine/errors.js';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import type { View } from '../../normalize/views.js';

type TinyLd = typeof import('tinyld');

let tinyld: TinyLd | undefined;

/** tinyld takes a few hundred milliseconds to load its profiles: pay that only when a policy uses it. */
function detector(): TinyLd {
  tinyld ??= createRequire(import.meta.url)('tinyld') as TinyLd;
  return tinyld;
}

/** Writing systems, by the code point ranges that matter for telling languages apart. */
type Script =
  | 'latin'
  | 'greek'
  | 'cyrillic'
  | 'armenian'
  | 'hebrew'
  | 'arabic'
  | 'devanagari'
  | 'bengali'
  | 'gujarati'
  | 'tamil'
  | 'telugu'
  | 'kannada'
  | 'thai'
  | 'myanmar'
  | 'ethiopic'
  | 'khmer'
  | 'hangul'
  | 'kana'
  | 'han'
  | 'tifinagh';

/** The languages tinyld (normal profile) identifies, with the scripts they are written in. */
export const LANGUAGE_SCRIPTS: Readonly<Record<string, readonly Script[]>> = {
  af: ['latin'],
  am: ['ethiopic'],
  ber: ['tifinagh', 'latin'],
  rn: ['latin'],
  ja: ['kana', 'han'],
  zh: ['han'],
  ko: ['hangul', 'han'],
  my: ['myanmar'],
  th: ['thai'],
  vi: ['latin'],
  id: ['latin'],
  km: ['khmer'],
  tl: ['latin'],
  bn: ['bengali'],
  ta: ['tamil'],
  hi: ['devanagari'],
  ur: ['arabic'],
  gu: ['gujarati'],
  kn: ['kannada'],
  te: ['telugu'],
  fr: ['latin'],
  en: ['latin'],
  de: ['latin'],
  es: ['latin'],
  pt: ['latin'],
  it: ['latin'],
  nl: ['latin'],
  ga: ['latin'],
  la: ['latin'],
  cs: ['latin'],
  sr: ['cyrillic', 'latin'],
  el: ['greek'],
  mk: ['cyrillic'],
  sk: ['latin'],
  da: ['latin'],
  sv: ['latin'],
  fi: ['latin'],
  no: ['latin'],
  is: ['latin'],
  hu: ['latin'],
  ro: ['latin'],
  bg: ['cyrillic'],
  be: ['cyrillic'],
  ru: ['cyrillic'],
  uk: ['cyrillic'],
  pl: ['latin'],
  lt: ['latin'],
  et: ['latin'],
  lv: ['latin'],
  hy: ['armenian'],
  tr: ['latin'],
  he: ['hebrew'],
  yi: ['hebrew'],
  ar: ['arabic'],
  fa: ['arabic'],
  tt: ['cyrillic'],
  kk: ['cyrillic'],
  mn: ['cyrillic'],
  tk: ['latin'],
  eo: ['latin'],
  vo: ['latin'],
  tlh: ['latin'],
};

export const SUPPORTED_LANGUAGES = Object.keys(LANGUAGE_SCRIPTS);

function languageList(field: 'allow' | 'deny') {
  return z
    .array(z.string())
    .max(SUPPORTED_LANGUAGES.length)
    .superRefine((codes, ctx) => {
      codes.forEach((code, index) => {
        if (code in LANGUAGE_SCRIPTS) return;
        const suggestion = didYouMean(code, SUPPORTED_LANGUAGES);
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `unknown language code '${code}' in ${field}${suggestion ? `; did you mean '${suggestion}'?` : ''} (ISO 639-1 codes: ${SUPPORTED_LANGUAGES.join(', ')})`,
        });
      });
    });
}

export const languageParams = z
  .strictObject({
    /** Languages the rail accepts (ISO 639-1). Text identified as another language is flagged. */
    allow: languageList('allow').optional(),
    /** Languages the rail refuses (ISO 639-1). */
    deny: languageList('deny').optional(),
    /** Letters of prose below which no decision is made (per chunk with per_chunk). Default 20. */
    min_chars: z.number().int().min(1).max(10_000).default(20),
    /** Judge each paragraph separately instead of the text as a whole. Default false. */
    per_chunk: z.boolean().default(false),
    /** With per_chunk: most chunks given to the detector per text (English chunks the prior settles are free). */
    max_chunks: z.number().int().min(1).max(256).default(8),
  })
  .superRefine((params, ctx) => {
    const lists = [params.allow, params.deny].filter((list) => list !== undefined && list.length > 0);
    if (lists.length !== 1)
      ctx.addIssue({ code: 'custom', message: 'set exactly one of allow or deny (a non-empty list)' });
  });

export type LanguageParams = z.infer<typeof languageParams>;

// --- prose extraction -------------------------------------------------------------------------------

const MAX_TOKEN = 32;
const UNSPACED_TOKEN = 120;
const SAMPLE_CHARS = 600;
const SAMPLE_WORDS = 40;
const CHUNK_CHARS = 800;
const CODE_CHARS = /[_{}[\]()<>=;\\/|$#*@&^~`]/;
// Words of programming languages that read as English or Latin to an n-gram model.
const CODE_WORDS = new Set(
  'def const let var fn func function return import export from class self this null nil none true false elif async await print println printf int str void public static private struct impl pub use'.split(
    ' ',
  ),
);
// Frequent English words that are not also common words of another language tinyld knows ("die", "in",
// "is", "was", "will", "for", "to", "on" are left out for that reason).
const ENGLISH_MARKERS = new Set(
  'the and you your that this with what how have would could should please are were they them their there which from about into it its be been does did but than when where who why can not these those because very only other then had she his him our us some any get make know want need like tell give write explain'.split(
    ' ',
  ),
);

interface Prose {
  /** Lowercased words, code and numbers removed. */
  words: string[];
  letters: number;
}

/** The words of a text a language model should see: no code, URLs, numbers, identifiers or long tokens. */
function extractProse(text: string, start: number, end: number): Prose {
  const words: string[] = [];
  let letters = 0;
  let i = start;
  let inFence = false;
  while (i < end) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const tokenStart = i;
    let digits = false;
    let asciiAlnum = false;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isBlank(c)) break;
      if (c >= 0x30 && c <= 0x39) digits = true;
      else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) asciiAlnum = true;
    }
    if (i === tokenStart) continue;
    if (text.startsWith('```', tokenStart)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || digits) continue;
    // Long tokens are code, base64 or identifiers, except in scripts written without spaces (a Chinese or
    // Japanese sentence is one token): those are kept, cut to a size the detector handles in linear time.
    if (i - tokenStart > MAX_TOKEN && (asciiAlnum || digits)) continue;
    const word = proseWord(text, tokenStart, Math.min(i, tokenStart + UNSPACED_TOKEN));
    // Single letters ("f o r b i d" or list markers) say nothing about a language and slow the detector.
    if (word === null || (word.length === 1 && word.charCodeAt(0) < 0x250)) continue;
    const lower = word.toLowerCase();
    if (CODE_WORDS.has(lower)) continue;
    words.push(lower);
    letters += word.length;
  }
  return { words, letters };
}

/**
 * The token text[start, end) without surrounding punctuation, or null when it is not a word of prose: it
 * holds a character of code (`_{}[]()<>=;\\/|$#*@&^~` and backtick) or an inner capital (camelCase).
 */
function proseWord(text: string, start: number, end: number): string | null {
  let from = start;
  let to = end;
  while (from < to && isEdgePunctuation(text, from)) from++;
  while (to > from && isEdgePunctuation(text, to - 1)) to--;
  if (from === to) return null;
  let previousLower = false;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x80 && CODE_CHAR[c] === 1) return null;
    if (previousLower && c >= 0x41 && c <= 0x5a) return null;
    previousLower = c >= 0x61 && c <= 0x7a;
  }
  return text.slice(from, to);
}

const CODE_CHAR = Uint8Array.from({ length: 128 }, (_, c) => (CODE_CHARS.test(String.fromCharCode(c)) ? 1 : 0));
const PUNCTUATION_OR_SYMBOL = /^[\p{P}\p{S}]$/u;

function isEdgePunctuation(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c < 0x80) return !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
  return PUNCTUATION_OR_SYMBOL.test(text[at] as string);
}

function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x3000;
}

const WINDOW_CHARS = 700;

/**
 * The prose of a whole text, read from three windows (start, middle, end) when the text is long: the
 * detector only ever sees SAMPLE_CHARS, so reading all of a long text would be wasted work.
 */
function sampledProse(text: string): Prose {
  if (text.length <= 3 * WINDOW_CHARS) return extractProse(text, 0, text.length);
  const words: string[] = [];
  let letters = 0;
  for (const at of [0, Math.floor(text.length / 2 - WINDOW_CHARS / 2), text.length - WINDOW_CHARS]) {
    // Windows start and end at whitespace so no word is cut.
    let start = at;
    if (start > 0) while (start < at + WINDOW_CHARS && !isBlank(text.charCodeAt(start - 1))) start++;
    let end = at + WINDOW_CHARS;
    if (end < text.length) while (end > start && !isBlank(text.charCodeAt(end))) end--;
    const window = extractProse(text, start, end);
    words.push(...window.words);
    letters += window.letters;
  }
  return { words, letters };
}

/**
 * At most SAMPLE_WORDS distinct words (and SAMPLE_CHARS) of prose, from the start, the middle and the end
 * when there are more. tinyld costs up to ~65 µs per word it cannot place by a unique n-gram, so a
 * repeated nonsense word must not reach it thousands of times.
 */
function sampleOf(words: readonly string[]): string {
  const distinct = [...new Set(words)];
  const joined = (distinct.length > SAMPLE_WORDS ? spread(distinct, SAMPLE_WORDS) : distinct).join(' ');
  if (joined.length <= SAMPLE_CHARS) return joined;
  const third = Math.floor(SAMPLE_CHARS / 3);
  const pieces = [0, Math.floor(joined.length / 2 - third / 2), joined.length - third].map((at) =>
    joined.slice(at, at + third),
  );
  // Cut pieces at spaces so no broken word reaches the detector.
  return pieces.map((piece) => piece.slice(piece.indexOf(' ') + 1, piece.lastIndexOf(' '))).join(' ');
}

/** `count` words taken in three runs from the start, the middle and the end of `words`. */
function spread(words: readonly string[], count: number): readonly string[] {
  const third = Math.floor(count / 3);
  const middle = Math.floor(words.length / 2 - third / 2);
  return [...words.slice(0, third), ...words.slice(middle, middle + third), ...words.slice(words.length - third)];
}

// --- identification ---------------------------------------------------------------------------------

interface Identified {
  lang: string;
  confidence: number;
  /** How the decision was made, for evidence. */
  by: 'english-words' | 'script' | 'tinyld';
}

function englishShare(words: readonly string[]): number {
  let hits = 0;
  for (const word of words) if (ENGLISH_MARKERS.has(word)) hits++;
  return hits >= 2 ? hits / words.length : 0;
}

function scriptOf(c: number): Script | null {
  if (c < 0x250) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0 ? 'latin' : null;
  if (c >= 0x1e00 && c <= 0x1eff) return 'latin';
  if (c >= 0x370 && c <= 0x3ff) return 'greek';
  if (c >= 0x400 && c <= 0x52f) return 'cyrillic';
  if (c >= 0x530 && c <= 0x58f) return 'armenian';
  if (c >= 0x590 && c <= 0x5ff) return 'hebrew';
  if ((c >= 0x600 && c <= 0x6ff) || (c >= 0x750 && c <= 0x77f) || (c >= 0x8a0 && c <= 0x8ff)) return 'arabic';
  if ((c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff)) return 'arabic';
  if (c >= 0x900 && c <= 0x97f) return 'devanagari';
  if (c >= 0x980 && c <= 0x9ff) return 'bengali';
  if (c >= 0xa80 && c <= 0xaff) return 'gujarati';
  if (c >= 0xb80 && c <= 0xbff) return 'tamil';
  if (c >= 0xc00 && c <= 0xc7f) return 'telugu';
  if (c >= 0xc80 && c <= 0xcff) return 'kannada';
  if (c >= 0xe00 && c <= 0xe7f) return 'thai';
  if (c >= 0x1000 && c <= 0x109f) return 'myanmar';
  if (c >= 0x1200 && c <= 0x137f) return 'ethiopic';
  if (c >= 0x1780 && c <= 0x17ff) return 'khmer';
  if ((c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f) || (c >= 0xac00 && c <= 0xd7af)) return 'hangul';
  if (c >= 0x3040 && c <= 0x30ff) return 'kana';
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) return 'han';
  if (c >= 0x2d30 && c <= 0x2d7f) return 'tifinagh';
  return null;
}

/** Share of the sample's letters written in scripts none of the allowed languages use. */
function foreignScriptShare(sample: string, allowed: ReadonlySet<Script>): number {
  let total = 0;
  let foreign = 0;
  for (let i = 0; i < sample.length; i++) {
    const script = scriptOf(sample.charCodeAt(i));
    if (script === null) continue;
    total++;
    if (!allowed.has(script)) foreign++;
  }
  return total === 0 ? 0 : foreign / total;
}

/**
 * tinyld's answer as one language and a confidence: the top language's share against the runner-up,
 * scaled down when its accuracy is low (tinyld found few n-grams it knows).
 */
function detect(sample: string): Identified | null {
  const results = detector().detectAll(sample);
  const top = results[0];
  if (!top || top.accuracy <= 0) return null;
  const second = results[1]?.accuracy ?? 0;
  const margin = top.accuracy / (top.accuracy + second);
  return { lang: top.lang, confidence: round(margin * Math.min(1, top.accuracy / 0.25)), by: 'tinyld' };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// --- decisions --------------------------------------------------------------------------------------

interface Policy {
  allow: ReadonlySet<string> | null;
  deny: ReadonlySet<string>;
  allowedScripts: ReadonlySet<Script>;
}

/** The finding one chunk of prose deserves, if any. */
function judge(prose: Prose, policy: Policy): Identified | null {
  const sample = sampleOf(prose.words);
  const english = englishShare(prose.words);
  if (english >= 0.15) {
    const isFlagged = policy.allow ? !policy.allow.has('en') : policy.deny.has('en');
    return isFlagged ? { lang: 'en', confidence: round(Math.min(1, english / 0.25)), by: 'english-words' } : null;
  }
  if (policy.allow) {
    const share = foreignScriptShare(sample, policy.allowedScripts);
    if (share >= 0.6) {
      const named = detect(sample);
      const lang = named && !policy.allow.has(named.lang) ? named.lang : 'und';
      return { lang, confidence: round(share), by: 'script' };
    }
    const found = detect(sample);
    return found && !policy.allow.has(found.lang) ? found : null;
  }
  const found = detect(sample);
  return found && policy.deny.has(found.lang) ? found : null;
}

function evidenceOf(found: Identified, policy: Policy): string {
  const how = found.by === 'tinyld' ? '' : ` by ${found.by}`;
  const rule = policy.allow ? `allowed: ${[...policy.allow].join(', ')}` : 'denied';
  return `${found.lang} (confidence ${found.confidence}${how}); ${rule}`;
}

/** Paragraphs (split at blank lines), long ones cut at a sentence end or space near CHUNK_CHARS. */
function chunksOf(text: string): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  const paragraph = /\n[ \t\r]*\n/g;
  let start = 0;
  const push = (from: number, to: number) => {
    let at = from;
    while (to - at > CHUNK_CHARS) {
      const window = text.slice(at, at + CHUNK_CHARS);
      const cut = Math.max(
        window.lastIndexOf('. '),
        window.lastIndexOf('? '),
        window.lastIndexOf('! '),
        window.lastIndexOf('。'),
      );
      const space = window.lastIndexOf(' ');
      const end = at + (cut > CHUNK_CHARS / 2 ? cut + 1 : space > 0 ? space : CHUNK_CHARS);
      chunks.push([at, end]);
      at = end;
    }
    if (to > at) chunks.push([at, to]);
  };
  for (const match of text.matchAll(paragraph)) {
    push(start, match.index);
    start = match.index + match[0].length;
  }
  push(start, text.length);
  return chunks;
}

function finding(found: Identified, policy: Policy, span: [number, number]): Finding {
  return {
    category: 'language',
    label: found.lang.toUpperCase(),
    score: found.confidence,
    span,
    evidence: evidenceOf(found, policy),
  };
}

export const languageScanner: Scanner<LanguageParams> = {
  id: 'language',
  description: 'Flags text in languages a rail does not allow (or denies), whole text or per paragraph.',
  params: languageParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    detector();
    const allow = params.allow && params.allow.length > 0 ? new Set(params.allow) : null;
    const policy: Policy = {
      allow,
      deny: new Set(params.deny ?? []),
      allowedScripts: new Set(allow ? [...allow].flatMap((lang) => LANGUAGE_SCRIPTS[lang] ?? []) : []),
    };
    const judgeWhole = (clean: View, rawLength: number): Finding[] => {
      const prose = sampledProse(clean.text);
      if (prose.letters < params.min_chars) return [];
      const found = judge(prose, policy);
      return found ? [finding(found, policy, [0, rawLength])] : [];
    };
    const judgeChunks = (clean: View): Finding[] => {
      const findings: Finding[] = [];
      let detectorCalls = 0;
      for (const [start, end] of chunksOf(clean.text)) {
        if (detectorCalls >= params.max_chunks) break;
        const prose = extractProse(clean.text, start, end);
        if (prose.letters < params.min_chars) continue;
        if (englishShare(prose.words) < 0.15) detectorCalls++;
        const found = judge(prose, policy);
        if (found) findings.push(finding(found, policy, clean.toRaw(start, end)));
      }
      return findings;
    };
    return (subject, views) =>
      params.per_chunk ? judgeChunks(views.clean) : judgeWhole(views.clean, subject.text.length);
  },
};
