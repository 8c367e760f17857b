/**
 * Scored phrase rules: the engine behind the heuristic intent scanners (prompt_injection, jailbreak).
 *
 * A rule set is a list of families ("instruction override", "system-prompt extraction", ...). Each family
 * has weighted regex patterns written for skeleton views (lowercase, no diacritics); the family scores the
 * weight of its strongest matching pattern, and families combine with noisy-OR, 1 − Π(1 − w): two weak
 * signals make a stronger one, but no pile of weak signals reaches certainty.
 *
 * Speed comes from anchors. Every pattern starts with one of a few literal anchors ("ignor", "<|im_start",
 * "忽略"); one pass over the view finds where anchors occur and a pattern is tried only there, as a sticky
 * match. Ordinary prose holds few anchors, so a view costs one linear pass plus a handful of short
 * matches. A pattern whose anchor occurs very often (adversarial repetition) switches to a single
 * ordinary regex search from that point, so no input costs more than one scan per pattern.
 */
import type { Finding, Rail } from '../engine/types.js';
import type { View } from '../normalize/view.js';
import { Views } from '../normalize/views.js';

export interface PhrasePattern {
  /**
   * Literal strings (written naturally; folded like skeleton views) at which a match starts. An anchor that
   * begins with a letter or digit is only looked for at the start of a word.
   */
  anchors: readonly string[];
  /** Regex source matching from an anchor; compiled with the `y` and `g` flags. Must be ReDoS-safe. */
  source: string;
  /**
   * The same pattern written to begin with its literal start, for searching forward through a whole view:
   * a regex that begins with a lookbehind is evaluated at every position of the text, one that begins with
   * a literal lets the engine skip ahead. Set by `phrase` when the pattern has a lookbehind.
   */
  searchSource?: string;
  /** Score of a match, 0..1. */
  weight: number;
  /** Weight on particular rails (e.g. higher on `retrieval` for text that addresses the model). */
  rails?: Partial<Record<Rail, number>>;
  /**
   * True when the source begins with a lookbehind whose first group is text the match span should include
   * (set by `phrase` from its `lead` option): the pattern is anchored on a rare word after a common one.
   */
  leadGroup?: boolean;
  /** Regex source: a match whose text contains this is not counted (a narrow benign dampener). */
  unless?: string;
  /**
   * Regex source of something every match contains after its anchor (e.g. the object of "ignore ..."). On
   * text that repeats the anchor thousands of times, the pattern first checks this once and gives up when
   * it is absent, instead of trying every occurrence.
   */
  needs?: string;
  /** Extra test on the raw characters of the match, e.g. "DAN" in capitals rather than the name Dan. */
  raw?: (rawMatch: string) => boolean;
}

export interface PhraseFamily<F extends string = string> {
  id: F;
  /** UPPER_SNAKE label reported when this family is the strongest hit. */
  label: string;
  patterns: readonly PhrasePattern[];
}

/** A family found in a view, with the view span of the match that gave its weight. */
export interface FamilyHit {
  family: string;
  label: string;
  weight: number;
  start: number;
  end: number;
}

/** The best-scoring view of a text: noisy-OR score, the view, and its family hits strongest first. */
export interface PhraseVerdict {
  score: number;
  view: View;
  hits: FamilyHit[];
}

export interface RuleSetOptions<F extends string> {
  /** Per family: false disables it, a number in 0..1 rescales it so its strongest pattern weighs that much. */
  families?: Partial<Record<F, boolean | number>>;
  /**
   * Added as its own family when a view decoded from base64/hex/rot13/... holds a hit: hiding a payload in
   * an encoding is itself a signal.
   */
  encoded?: { family: string; label: string; weight: number };
  /** Tenant phrases matched literally (after skeleton folding) in every view. */
  literals?: { family: string; label: string; weight: number; phrases: readonly string[] };
  /** Signals that are not phrases (e.g. a flood of repeated tokens), computed per view. Must be linear. */
  structural?: ReadonlyArray<(view: View) => FamilyHit | null>;
}

/** Weight of "a hit was only visible after decoding base64/hex/rot13/...", unless a policy sets another. */
export const ENCODED_PAYLOAD_WEIGHT = 0.5;

/** The weight of a signal that is not a phrase family: off (false), the default, or the policy's number. */
export function signalWeight(setting: boolean | number | undefined, fallback: number): number {
  if (setting === false) return 0;
  return typeof setting === 'number' ? setting : fallback;
}

/** The params every phrase-rule scanner shares (see the prompt_injection and jailbreak schemas). */
export interface PhraseScannerParams<F extends string> {
  families: Partial<Record<F, boolean | number>>;
  extra_phrases: readonly string[];
  extra_phrase_weight: number;
}

/** Rule-set options from a phrase scanner's params: family settings, encoded-payload signal, tenant phrases. */
export function phraseScannerOptions<F extends string>(
  params: PhraseScannerParams<F | 'encoded_payload'>,
  structural: RuleSetOptions<F>['structural'] = [],
): RuleSetOptions<F> {
  const encoded = signalWeight(params.families.encoded_payload, ENCODED_PAYLOAD_WEIGHT);
  return {
    families: params.families as Partial<Record<F, boolean | number>>,
    encoded: encoded > 0 ? { family: 'encoded_payload', label: 'ENCODED_PAYLOAD', weight: encoded } : undefined,
    literals:
      params.extra_phrases.length > 0
        ? {
            family: 'extra_phrase',
            label: 'EXTRA_PHRASE',
            weight: params.extra_phrase_weight,
            phrases: params.extra_phrases,
          }
        : undefined,
    structural,
  };
}

/** Sticky attempts per pattern and view before the pattern falls back to one plain search. */
const STICKY_ATTEMPTS = 32;
/** Sticky attempts per view, all patterns together; past it every pattern falls back to a plain search. */
const VIEW_STICKY_BUDGET = 1024;
/** Matches tried per pattern when an `unless` or raw-text check rejects them (bounds adversarial input). */
const MAX_REJECTED = 16;
const RAILS_ORDER: readonly Rail[] = ['input', 'output', 'retrieval', 'tool_call', 'tool_result'];

interface CompiledPattern {
  sticky: RegExp;
  global: RegExp;
  leadGroup: boolean;
  /** Weight per rail, indexed like RAILS_ORDER. */
  weights: Float64Array;
  family: number;
  unless: RegExp | undefined;
  needs: RegExp | undefined;
  raw: ((rawMatch: string) => boolean) | undefined;
}

interface CompiledFamily {
  id: string;
  label: string;
}

/**
 * Folds a pattern or anchor the way skeleton views fold text (compatibility decomposition, combining marks
 * dropped), so sources can be written in natural spelling: "précédentes", "игнорируй", "무시", "ください".
 * Regex syntax is ASCII and passes through unchanged.
 */
export function foldSource(source: string): string {
  return source.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** Folds a tenant phrase like the skeleton views it is searched in (case, diacritics, look-alike letters). */
export function foldPhrase(phrase: string): string {
  return new Views(phrase).skeleton.text;
}

function railIndex(rail: Rail): number {
  return Math.max(RAILS_ORDER.indexOf(rail), 0);
}

function familyScale(family: PhraseFamily, setting: boolean | number | undefined): number {
  if (typeof setting !== 'number') return 1;
  const strongest = Math.max(...family.patterns.map((p) => Math.max(p.weight, ...Object.values(p.rails ?? {}))));
  return strongest > 0 ? setting / strongest : 0;
}

function compilePattern(pattern: PhrasePattern, family: number, scale: number): CompiledPattern {
  const weights = new Float64Array(RAILS_ORDER.length);
  RAILS_ORDER.forEach((rail, i) => {
    weights[i] = Math.min(1, (pattern.rails?.[rail] ?? pattern.weight) * scale);
  });
  const source = foldSource(pattern.source);
  const leadGroup = pattern.leadGroup === true;
  // The `d` flag (match indices) costs time; only patterns with a lead need the start of group 1.
  return {
    sticky: new RegExp(source, leadGroup ? 'dy' : 'y'),
    global: new RegExp(
      pattern.searchSource === undefined ? source : foldSource(pattern.searchSource),
      leadGroup ? 'dg' : 'g',
    ),
    leadGroup,
    weights,
    family,
    unless: pattern.unless === undefined ? undefined : new RegExp(foldSource(pattern.unless)),
    needs: pattern.needs === undefined ? undefined : new RegExp(foldSource(pattern.needs), 'g'),
    raw: pattern.raw,
  };
}

/** Per-view state of a pattern: settled (matched, given up, or unable to change the verdict). */
const SETTLED = 1;

export class PhraseRuleSet<F extends string = string> {
  private readonly families: CompiledFamily[] = [];
  private readonly patterns: CompiledPattern[] = [];
  private readonly anchors = new AnchorIndex();
  private readonly encoded: RuleSetOptions<F>['encoded'];
  private readonly literals: { family: string; label: string; weight: number; phrases: string[] } | undefined;
  private readonly structural: ReadonlyArray<(view: View) => FamilyHit | null>;

  constructor(families: readonly PhraseFamily<F>[], options: RuleSetOptions<F> = {}) {
    const anchorPatterns = new Map<string, number[]>();
    for (const family of families) {
      const setting = options.families?.[family.id];
      if (setting === false || setting === 0) continue;
      const familyIndex = this.families.length;
      this.families.push({ id: family.id, label: family.label });
      const scale = familyScale(family, setting);
      for (const pattern of family.patterns) {
        const index = this.patterns.length;
        this.patterns.push(compilePattern(pattern, familyIndex, scale));
        for (const raw of pattern.anchors) {
          const anchor = foldSource(raw);
          if (anchor.length < 2) throw new Error(`anchor "${raw}" is shorter than two characters`);
          const list = anchorPatterns.get(anchor) ?? [];
          list.push(index);
          anchorPatterns.set(anchor, list);
        }
      }
    }
    for (const [anchor, patternIds] of anchorPatterns) this.anchors.add(anchor, patternIds);
    this.encoded = options.encoded;
    this.structural = options.structural ?? [];
    const phrases = (options.literals?.phrases ?? []).map(foldPhrase).filter((p) => p.trim().length > 0);
    this.literals = options.literals && phrases.length > 0 ? { ...options.literals, phrases } : undefined;
  }

  /** Ids of the families that run (after `families` disabled some). */
  get familyIds(): string[] {
    return this.families.map((f) => f.id);
  }

  /**
   * Scores every view and returns the best one, or null when no family matched anywhere. `raw` is the
   * subject text, read only by patterns with a raw-text check.
   */
  scan(views: readonly View[], rail: Rail, raw: string): PhraseVerdict | null {
    const r = railIndex(rail);
    let best: PhraseVerdict | null = null;
    let base: { view: View; phraseHits: FamilyHit[] } | null = null;
    for (const view of views) {
      // A view that substitutes characters one for one on another view (leet on skeleton) only needs to
      // be searched around the characters that differ; elsewhere it finds what the other view found.
      const windows: number[] | null = base ? changedWindows(base.view, view) : null;
      const phraseHits: FamilyHit[] =
        windows && base ? this.windowHits(view, r, raw, windows, base.phraseHits) : this.phraseHits(view, r, raw);
      if (base === null && view.depth === 0) base = { view, phraseHits };
      const verdict = this.verdict(view, phraseHits);
      if (verdict && (best === null || verdict.score > best.score)) best = verdict;
    }
    return best;
  }

  /** Family hits of the anchored patterns in a whole view (or only in the given windows of it). */
  private phraseHits(view: View, rail: number, raw: string, windows?: readonly number[]): FamilyHit[] {
    const search = new ViewSearch(this.patterns, this.families.length, view, rail, raw);
    if (windows) {
      for (let k = 0; k < windows.length; k += 2)
        this.anchors.walk(view.text, search, windows[k] ?? 0, windows[k + 1] ?? 0);
    } else {
      this.anchors.walk(view.text, search, 0, view.text.length);
    }
    const hits: FamilyHit[] = [];
    for (let f = 0; f < this.families.length; f++) {
      const weight = search.familyWeight[f] ?? 0;
      if (weight <= 0) continue;
      const family = this.families[f] as CompiledFamily;
      hits.push({
        family: family.id,
        label: family.label,
        weight,
        start: search.familyStart[f] ?? 0,
        end: search.familyEnd[f] ?? 0,
      });
    }
    return hits;
  }

  /** Hits of a one-for-one variant view: its own hits near the changes, the base view's everywhere else. */
  private windowHits(
    view: View,
    rail: number,
    raw: string,
    windows: readonly number[],
    baseHits: readonly FamilyHit[],
  ): FamilyHit[] {
    const hits = this.phraseHits(view, rail, raw, windows);
    for (const hit of baseHits) {
      const same = hits.find((h) => h.family === hit.family);
      if (!same) hits.push(hit);
      else if (hit.weight > same.weight) Object.assign(same, hit);
    }
    return hits;
  }

  private verdict(view: View, phraseHits: readonly FamilyHit[]): PhraseVerdict | null {
    const hits = [...phraseHits];
    const literal = this.matchLiterals(view.text);
    if (literal) hits.push(literal);
    for (const signal of this.structural) {
      const hit = signal(view);
      if (hit && hit.weight > 0) hits.push(hit);
    }
    if (hits.length === 0) return null;
    hits.sort((a, b) => b.weight - a.weight);
    if (this.encoded && this.encoded.weight > 0 && view.depth > 0) {
      const top = hits[0] as FamilyHit;
      hits.push({ ...this.encoded, start: top.start, end: top.end });
      hits.sort((a, b) => b.weight - a.weight);
    }
    let miss = 1;
    for (const hit of hits) miss *= 1 - hit.weight;
    return { score: Math.round((1 - miss) * 1000) / 1000, view, hits };
  }

  private matchLiterals(text: string): FamilyHit | null {
    const literals = this.literals;
    if (!literals) return null;
    for (const phrase of literals.phrases) {
      const at = text.indexOf(phrase);
      if (at >= 0) {
        return {
          family: literals.family,
          label: literals.label,
          weight: literals.weight,
          start: at,
          end: at + phrase.length,
        };
      }
    }
    return null;
  }
}

/** Anchors that share their first three symbols, longest first, each with the patterns it starts. */
interface AnchorBucket {
  anchors: string[];
  /** Fourth code unit of each anchor (-1 when shorter): a cheap test before startsWith. */
  fourths: number[];
  patterns: number[][];
}

/** Receives anchor occurrences from AnchorIndex.walk; returns true to stop the walk early. */
interface AnchorVisitor {
  visit(patterns: readonly number[], at: number): void;
  finished(): boolean;
}

const SYMBOL_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789 \n<|![]#/-_.:\'"(){}%=*>$&,`';
/** 6-bit symbol of an ASCII code unit (letters, digits, the punctuation anchors use); 0 for anything else. */
const SYMBOL = new Uint8Array(128);
for (let k = 0; k < SYMBOL_CHARS.length; k++) SYMBOL[SYMBOL_CHARS.charCodeAt(k)] = k + 1;
/** Bit 1: ASCII word character (what `\\b` separates from the rest). */
const WORD_BIT = 1;
/** Bit 2: some anchor starts with this ASCII code unit. */
const FIRST_BIT = 2;

function symbolOf(code: number): number {
  return code < 128 ? (SYMBOL[code] ?? 0) : 0;
}

const KEY_SPACE = 1 << 18;

/**
 * Finds anchor occurrences in one pass. ASCII anchors are indexed by the symbols of their first three code
 * units (a 2¹⁸-slot table), so a word start costs one lookup and a candidate is almost always a real
 * anchor; anchors that begin outside ASCII (Cyrillic, CJK, Hangul) go through a map on two code units.
 */
class AnchorIndex {
  private readonly table = new Uint16Array(KEY_SPACE);
  /** One bit per table slot in use: a 32 KB filter that stays in cache, consulted before the table. */
  private readonly used = new Uint32Array(KEY_SPACE >>> 5);
  private readonly classes = new Uint8Array(128).map((_, c) => (/\w/.test(String.fromCharCode(c)) ? WORD_BIT : 0));
  private readonly others = new Map<number, number>();
  private readonly buckets: AnchorBucket[] = [];

  add(anchor: string, patterns: number[]): void {
    const c0 = anchor.charCodeAt(0);
    if (c0 >= 128) {
      const key = c0 * 65536 + anchor.charCodeAt(1);
      this.others.set(key, this.addToBucket((this.others.get(key) ?? 0) - 1, anchor, patterns) + 1);
      return;
    }
    this.classes[c0] = (this.classes[c0] ?? 0) | FIRST_BIT;
    const prefix = (symbolOf(c0) << 12) | (symbolOf(anchor.charCodeAt(1)) << 6);
    // A two-unit anchor matches whatever follows it: it is filed under every third symbol.
    const thirds = anchor.length > 2 ? [symbolOf(anchor.charCodeAt(2))] : Array.from({ length: 64 }, (_, k) => k);
    for (const third of thirds) {
      const key = prefix | third;
      this.table[key] = this.addToBucket((this.table[key] ?? 0) - 1, anchor, patterns) + 1;
      this.used[key >>> 5] = (this.used[key >>> 5] ?? 0) | (1 << (key & 31));
    }
  }

  private addToBucket(slot: number, anchor: string, patterns: number[]): number {
    if (slot < 0) {
      slot = this.buckets.length;
      if (slot >= 0xffff) throw new Error('too many anchor buckets');
      this.buckets.push({ anchors: [], fourths: [], patterns: [] });
    }
    const bucket = this.buckets[slot] as AnchorBucket;
    // Longest first, so that a bucket reads like the alternation a regex would try.
    let at = bucket.anchors.findIndex((a) => a.length < anchor.length);
    if (at < 0) at = bucket.anchors.length;
    bucket.anchors.splice(at, 0, anchor);
    bucket.fourths.splice(at, 0, anchor.length > 3 ? anchor.charCodeAt(3) : -1);
    bucket.patterns.splice(at, 0, patterns);
    return slot;
  }

  /** Visits the anchors that start in [from, to). */
  walk(text: string, visitor: AnchorVisitor, from: number, to: number): void {
    const n = Math.min(to, text.length - 1);
    const classes = this.classes;
    let previousIsWord = from > 0 ? (classes[text.charCodeAt(from - 1)] ?? 0) & WORD_BIT : 0;
    for (let i = from; i < n; i++) {
      const c0 = text.charCodeAt(i);
      let slot: number;
      if (c0 < 128) {
        const cls = classes[c0] ?? 0;
        const isWord = cls & WORD_BIT;
        // Anchors that start with a word character are only searched at the start of a word.
        if ((isWord & previousIsWord) !== 0) continue;
        previousIsWord = isWord;
        if ((cls & FIRST_BIT) === 0) continue;
        const c2 = i + 2 < text.length ? text.charCodeAt(i + 2) : 0;
        const key = (symbolOf(c0) << 12) | (symbolOf(text.charCodeAt(i + 1)) << 6) | symbolOf(c2);
        if (((this.used[key >>> 5] ?? 0) & (1 << (key & 31))) === 0) continue;
        slot = (this.table[key] ?? 0) - 1;
      } else {
        previousIsWord = 0;
        slot = (this.others.get(c0 * 65536 + text.charCodeAt(i + 1)) ?? 0) - 1;
      }
      if (slot < 0) continue;
      const bucket = this.buckets[slot] as AnchorBucket;
      const c3 = text.charCodeAt(i + 3);
      for (let k = 0; k < bucket.anchors.length; k++) {
        const fourth = bucket.fourths[k] as number;
        if (fourth >= 0 && fourth !== c3) continue;
        if (text.startsWith(bucket.anchors[k] as string, i)) visitor.visit(bucket.patterns[k] as number[], i);
      }
      if (visitor.finished()) return;
    }
  }
}

/** The state of one view's search: which patterns are settled and the best weight per family. */
class ViewSearch implements AnchorVisitor {
  readonly familyWeight: Float64Array;
  readonly familyStart: Int32Array;
  readonly familyEnd: Int32Array;
  private readonly progress: Uint8Array;
  private readonly attempts: Uint16Array;
  private stickyLeft = VIEW_STICKY_BUDGET;
  private pending: number;

  constructor(
    private readonly patterns: readonly CompiledPattern[],
    families: number,
    private readonly view: View,
    private readonly rail: number,
    private readonly raw: string,
  ) {
    this.familyWeight = new Float64Array(families);
    this.familyStart = new Int32Array(families);
    this.familyEnd = new Int32Array(families);
    this.progress = new Uint8Array(patterns.length);
    this.attempts = new Uint16Array(patterns.length);
    this.pending = patterns.length;
    patterns.forEach((pattern, id) => {
      if ((pattern.weights[rail] ?? 0) <= 0) this.settle(id);
    });
  }

  finished(): boolean {
    return this.pending === 0;
  }

  private settle(id: number): void {
    if (this.progress[id] === SETTLED) return;
    this.progress[id] = SETTLED;
    this.pending--;
  }

  visit(patterns: readonly number[], at: number): void {
    for (const id of patterns) this.tryAt(id, at);
  }

  /** Tries pattern `id` at an anchor occurrence at `at`. */
  private tryAt(id: number, at: number): void {
    if (this.progress[id] === SETTLED) return;
    const pattern = this.patterns[id] as CompiledPattern;
    const weight = pattern.weights[this.rail] ?? 0;
    // A family keeps its strongest pattern; a weaker one can no longer change the verdict.
    if (weight <= (this.familyWeight[pattern.family] ?? 0)) {
      this.settle(id);
      return;
    }
    const attempts = (this.attempts[id] ?? 0) + 1;
    this.attempts[id] = attempts;
    const sticky = attempts <= STICKY_ATTEMPTS && this.stickyLeft > 0;
    this.stickyLeft--;
    const span = sticky ? this.matchSticky(pattern, at) : this.matchFrom(pattern, at);
    if (span) this.record(pattern, weight, span);
    if (span || !sticky) this.settle(id);
  }

  private matchSticky(pattern: CompiledPattern, at: number): [number, number] | null {
    const re = pattern.sticky;
    re.lastIndex = at;
    const m = re.exec(this.view.text);
    if (m === null) return null;
    const span = matchSpan(pattern, m);
    return this.accepts(pattern, span) ? span : null;
  }

  /** One plain search from `from` to the end, skipping a bounded number of rejected matches. */
  private matchFrom(pattern: CompiledPattern, from: number): [number, number] | null {
    if (pattern.needs) {
      pattern.needs.lastIndex = from;
      if (!pattern.needs.test(this.view.text)) return null;
    }
    const re = pattern.global;
    re.lastIndex = from;
    for (let rejected = 0; rejected < MAX_REJECTED; rejected++) {
      const m = re.exec(this.view.text);
      if (m === null) return null;
      if (m[0].length === 0) re.lastIndex++;
      const span = matchSpan(pattern, m);
      if (this.accepts(pattern, span)) return span;
    }
    return null;
  }

  private accepts(pattern: CompiledPattern, span: [number, number]): boolean {
    if (pattern.unless?.test(this.view.text.slice(span[0], span[1]))) return false;
    if (!pattern.raw) return true;
    // Decoded views map every position to the whole encoded run: there are no raw characters to check.
    if (this.view.fixedSpan !== null) return false;
    const [start, end] = this.view.toRaw(span[0], span[1]);
    return pattern.raw(this.raw.slice(start, end));
  }

  private record(pattern: CompiledPattern, weight: number, span: [number, number]): void {
    const f = pattern.family;
    if (weight <= (this.familyWeight[f] ?? 0)) return;
    this.familyWeight[f] = weight;
    this.familyStart[f] = span[0];
    this.familyEnd[f] = span[1];
  }
}

/** Context searched on each side of a changed character: longer than any pattern's reach. */
const WINDOW_REACH = 400;
const CHUNK = 64;

/**
 * For a view that maps one for one onto `base` (same offset map, same length), the [start, end) windows
 * around the characters that differ, as a flat list; null when the views are not such a pair. Compares
 * 64-character chunks first, so identical stretches cost a memory comparison.
 */
function changedWindows(base: View, view: View): number[] | null {
  if (view === base || view.starts !== base.starts || view.text.length !== base.text.length || view.depth !== 0) {
    return null;
  }
  const a = base.text;
  const b = view.text;
  const windows: number[] = [];
  for (let chunk = 0; chunk < a.length; chunk += CHUNK) {
    const end = Math.min(a.length, chunk + CHUNK);
    if (a.slice(chunk, end) === b.slice(chunk, end)) continue;
    for (let i = chunk; i < end; i++) {
      if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
      const from = Math.max(0, i - WINDOW_REACH);
      const to = Math.min(a.length, i + WINDOW_REACH);
      const last = windows.length - 1;
      if (last > 0 && from <= (windows[last] ?? 0)) windows[last] = to;
      else windows.push(from, to);
    }
  }
  return windows;
}

/** View span of a match, widened to the start of its lead group when the pattern has one. */
function matchSpan(pattern: CompiledPattern, m: RegExpExecArray): [number, number] {
  const end = m.index + m[0].length;
  const lead = pattern.leadGroup ? m.indices?.[1] : undefined;
  return [lead ? lead[0] : m.index, end];
}

/**
 * The finding a scanner reports for a verdict: the noisy-OR score, the strongest family as label, its span
 * mapped to the raw text, and the families that contributed (ids and weights only, never matched text, so
 * the evidence is safe to log whatever the subject holds).
 */
export function verdictFinding(category: string, verdict: PhraseVerdict): Finding {
  const top = verdict.hits[0] as FamilyHit;
  const families = verdict.hits.map((hit) => `${hit.family} ${hit.weight.toFixed(2)}`).join(', ');
  return {
    category,
    label: top.label,
    score: verdict.score,
    span: verdict.view.toRaw(top.start, top.end),
    view: verdict.view.name,
    evidence: families,
  };
}

/**
 * The literal every match of a regex alternative starts with: its characters up to the first regex
 * construct, minus a character made optional by a quantifier ("don'?t" → "don", "pre-?set" → "pre").
 */
export function literalPrefix(alternative: string): string {
  let out = '';
  for (let i = 0; i < alternative.length; i++) {
    const ch = alternative[i] as string;
    if (ch === '\\') {
      const next = alternative[i + 1] ?? '';
      if (next === '' || /[A-Za-z0-9]/.test(next)) break;
      out += next;
      i++;
      continue;
    }
    if ('()[]{}|*+?.^$'.includes(ch)) {
      if (ch === '?' || ch === '*' || ch === '{') out = out.slice(0, -1);
      break;
    }
    out += ch;
  }
  return out;
}

/** Where a pattern starts: regex alternatives, and the anchors derived from them. */
export interface PatternStart {
  anchors: string[];
  source: string;
}

/** Regex source helpers for writing families readably. */
export const rx = {
  /** Non-capturing alternation of regex sources. */
  any: (...alternatives: readonly string[]): string => `(?:${alternatives.join('|')})`,
  /**
   * Up to `n` extra words between two words, each preceded by whitespace. Words are bounded runs without
   * whitespace or sentence punctuation, so the gap never crosses a sentence and backtracks at most n + 1 ways.
   */
  words: (n: number): string => `(?:\\s+[^\\s.!?;]{1,24}){0,${n}}`,
  /**
   * The start of a pattern: alternatives that each begin with a literal of two characters or more, which
   * becomes an anchor. Alternatives that begin with a Latin letter or digit get a word boundary.
   */
  start: (...alternatives: readonly string[]): PatternStart => {
    const anchors = alternatives.map((alternative) => {
      const prefix = literalPrefix(alternative);
      if (foldSource(prefix).length < 2) throw new Error(`pattern alternative "${alternative}" has no literal start`);
      return prefix;
    });
    const bounded = alternatives.map((a) => (/^[a-z0-9]/i.test(a) ? `\\b${a}` : a));
    return { anchors, source: `(?:${bounded.join('|')})` };
  },
};

/** A pattern from its start, the regex that follows, and its weight and options. */
export function phrase(start: PatternStart, rest: string, options: PhraseOptions): PhrasePattern {
  const { after, notAfter, lead, ...pattern } = options;
  let lookbehind = notAfter === undefined ? '' : `(?<!${notAfter})`;
  if (lead !== undefined) lookbehind += `(?<=${after ?? ''}(${lead}))`;
  else if (after !== undefined) lookbehind += `(?<=${after})`;
  // For forward searches the start comes first and the lookbehinds check what precedes it, start included.
  let behindStart = notAfter === undefined ? '' : `(?<!${notAfter}${start.source})`;
  if (lead !== undefined) behindStart += `(?<=${after ?? ''}(${lead})${start.source})`;
  else if (after !== undefined) behindStart += `(?<=${after}${start.source})`;
  return {
    anchors: start.anchors,
    source: lookbehind + start.source + rest,
    ...(lookbehind !== '' && { searchSource: start.source + behindStart + rest }),
    leadGroup: lead !== undefined,
    ...pattern,
  };
}

export interface PhraseOptions extends Omit<PhrasePattern, 'anchors' | 'source' | 'leadGroup'> {
  /** Regex source that must come right before the start (a bounded lookbehind, e.g. a line start). */
  after?: string;
  /** Regex source that must not come right before the start ("I can't refuse" is not refusal suppression). */
  notAfter?: string;
  /**
   * Regex source that must come right before the start and belongs to the match: write a pattern whose
   * common first words ("print ... your") lead to a rare anchor ("system prompt") this way, so it is only
   * tried where the rare word occurs. Must not contain capturing groups.
   */
  lead?: string;
}
