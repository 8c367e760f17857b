/**
 * A compiled multi-pattern phrase matcher (Aho-Corasick). Scanners that look for lists of words or
 * phrases (banned substrings, competitor names, topic keywords) compile their list once at policy load
 * and then find every occurrence in one left-to-right pass, whatever the number of phrases.
 *
 * Matching is case- and diacritic-insensitive because it runs on the normalizer's skeleton family of
 * views (`views.skeleton`, `views.leet`, `views.despaced`, decoded views) and every phrase is folded the
 * same way (see foldPhrase). A run of whitespace in the text matches one space in a phrase, so
 * "Acme   Corp" and "Acme\nCorp" both match "acme corp". Offsets returned are offsets of the searched
 * text (the view): map them to raw offsets with `view.toRaw`.
 *
 * @example
 * const matcher = AhoCorasick.compile(['acme corp', { text: 'gambl', boundary: 'prefix' }]);
 * for (const m of matcher.findAll(views.skeleton.text)) {
 *   const span = views.skeleton.toRaw(m.start, m.end);
 * }
 */
import { type View, Views } from '../normalize/views.js';

/**
 * Where a phrase must sit to count: `word` needs a word boundary at both ends ("cat" does not match
 * "category"), `prefix` only at its start ("gambl" matches "gambling"), `substring` anywhere.
 */
export type BoundaryMode = 'word' | 'prefix' | 'substring';

export interface PhrasePattern {
  text: string;
  /** Overrides the matcher-wide boundary mode for this phrase. */
  boundary?: BoundaryMode;
}

export interface PhraseMatch {
  /** Index of the phrase in the list given to compile. */
  pattern: number;
  /** Half-open span in the searched text. */
  start: number;
  end: number;
}

export interface MatcherOptions {
  /** Boundary mode of phrases that do not set their own. Default `word`. */
  boundary?: BoundaryMode;
  /**
   * Largest transition table (states × distinct characters) built as a dense automaton; bigger phrase
   * lists use a sparse trie with failure links (same results, slower scan, far less memory). Default 2^20.
   */
  maxTableEntries?: number;
}

/** A match mapped back to the raw text, with the view it was found on. */
export interface RawPhraseMatch extends PhraseMatch {
  view: string;
}

/** Called for every match; return false to stop the scan. */
export type MatchVisitor = (pattern: number, start: number, end: number) => boolean | undefined;

const DEFAULT_MAX_TABLE_ENTRIES = 1 << 20;
const SPACE = 0x20;

/**
 * Folds a phrase exactly as the normalizer folds text into the skeleton view (NFKC, invisibles removed,
 * lowercase, diacritics stripped, look-alike letters of spoofed words mapped to Latin), with whitespace
 * runs collapsed to one space and the ends trimmed. An empty result means the phrase has nothing visible.
 */
export function foldPhrase(phrase: string): string {
  const skeleton = new Views(phrase).skeleton.text;
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < skeleton.length; i++) {
    const c = skeleton.charCodeAt(i);
    if (isSpaceUnit(c)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) out += ' ';
    pendingSpace = false;
    out += skeleton[i];
  }
  return out;
}

/** Whitespace code units (the ones a skeleton view may still hold after NFKC). */
export function isSpaceUnit(c: number): boolean {
  if (c === SPACE || (c >= 0x09 && c <= 0x0d)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
// Scripts written without spaces between words: a boundary can never be required inside them.
const UNSPACED_SCRIPT =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]$/u;

function codePointBefore(text: string, index: number): number {
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

/** Word-ish for boundary purposes: letters, digits and combining marks (which belong to their letter). */
function isWordCodePoint(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

function isUnspaced(cp: number): boolean {
  return cp >= 0x0e00 && UNSPACED_SCRIPT.test(String.fromCodePoint(cp));
}

/**
 * True when offset `at` of `text` is not inside a word: the characters on its two sides are not both
 * letters/digits, or one of them belongs to a script written without spaces (Chinese, Japanese, Thai...).
 */
export function isWordBoundary(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return true;
  const before = codePointBefore(text, at);
  if (!isWordCodePoint(before)) return true;
  const after = text.codePointAt(at) ?? 0;
  if (!isWordCodePoint(after)) return true;
  return isUnspaced(before) || isUnspaced(after);
}

/** Keeps the leftmost-longest matches that do not overlap (input in any order; output sorted by start). */
export function longestNonOverlapping<M extends PhraseMatch>(matches: readonly M[]): M[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end || a.pattern - b.pattern);
  const kept: M[] = [];
  let reached = -1;
  for (const m of sorted) {
    if (m.start >= reached) {
      kept.push(m);
      reached = m.end;
    }
  }
  return kept;
}

/**
 * Searches several views of one text and returns raw-span matches, each (phrase, raw span) once: the
 * first view that found it names it. At most `limit` matches in all.
 */
export function findInViews(matcher: AhoCorasick, views: readonly View[], limit: number): RawPhraseMatch[] {
  const found: RawPhraseMatch[] = [];
  const seen = new Set<string>();
  for (const view of views) {
    if (found.length >= limit) break;
    matcher.scan(view.text, (pattern, start, end) => {
      const [rawStart, rawEnd] = view.toRaw(start, end);
      const key = `${pattern}:${rawStart}:${rawEnd}`;
      if (!seen.has(key)) {
        seen.add(key);
        found.push({ pattern, start: rawStart, end: rawEnd, view: view.name });
      }
      return found.length < limit;
    });
  }
  return found;
}

/** Character classes: every distinct code unit of the phrases gets one; everything else is class 0. */
class Alphabet {
  readonly ascii = new Int32Array(128);
  readonly other = new Map<number, number>();
  size = 1;

  add(c: number): void {
    if (this.classOf(c) !== 0) return;
    const cls = this.size++;
    if (c < 128) this.ascii[c] = cls;
    else this.other.set(c, cls);
  }

  classOf(c: number): number {
    return c < 128 ? (this.ascii[c] as number) : (this.other.get(c) ?? 0);
  }
}

/**
 * The phrase trie in flat arrays: one map for all edges (keyed state × classes + class) and sibling lists
 * to enumerate a state's children. Far lighter than a map per state for lists of thousands of phrases.
 */
class Trie {
  readonly edges = new Map<number, number>();
  readonly firstChild: number[] = [-1];
  readonly sibling: number[] = [-1];
  readonly incoming: number[] = [0];
  /** First phrase ending exactly at a state, or -1; more phrases with the same text chain via nextSame. */
  readonly outFirst: number[] = [-1];

  constructor(readonly classes: number) {}

  get size(): number {
    return this.firstChild.length;
  }

  child(state: number, cls: number): number | undefined {
    return this.edges.get(state * this.classes + cls);
  }

  addChild(state: number, cls: number): number {
    const next = this.firstChild.length;
    this.edges.set(state * this.classes + cls, next);
    this.firstChild.push(-1);
    this.sibling.push(this.firstChild[state] as number);
    this.incoming.push(cls);
    this.outFirst.push(-1);
    this.firstChild[state] = next;
    return next;
  }
}

export class AhoCorasick {
  /** The folded phrases, in the order given to compile. */
  readonly phrases: readonly string[];
  private readonly boundaries: Uint8Array;
  private readonly lengths: Int32Array;
  private readonly alphabet: Alphabet;
  private readonly spaceClass: number;
  /** Ring buffer of the text offsets of the last emitted characters: a power of two ≥ the longest phrase. */
  private readonly ringMask: number;
  /** ASCII classes for the scan loop, with whitespace marked -1. */
  private readonly asciiScan: Int32Array;
  private readonly outFirst: Int32Array;
  private readonly nextSame: Int32Array;
  /** Nearest state on the failure chain (excluding the state itself) where a phrase ends, or -1. */
  private readonly outLink: Int32Array;
  private readonly emits: Uint8Array;
  /** Dense automaton: delta[state * classes + class]; null when the sparse trie is used. */
  private readonly delta: Int32Array | null;
  private readonly sparse: Map<number, number> | null;
  private readonly fail: Int32Array;

  private constructor(
    phrases: string[],
    boundaries: Uint8Array,
    alphabet: Alphabet,
    trie: Trie,
    nextSame: Int32Array,
    maxTableEntries: number,
  ) {
    this.phrases = phrases;
    this.boundaries = boundaries;
    this.lengths = Int32Array.from(phrases, (p) => p.length);
    this.alphabet = alphabet;
    this.spaceClass = alphabet.classOf(SPACE);
    const longest = Math.max(1, ...this.lengths);
    this.ringMask = 2 ** Math.ceil(Math.log2(longest)) - 1;
    this.asciiScan = Int32Array.from(alphabet.ascii, (cls, c) => (isSpaceUnit(c) ? -1 : cls));
    this.nextSame = nextSame;
    const states = trie.size;
    this.outFirst = Int32Array.from(trie.outFirst);
    this.fail = new Int32Array(states);
    this.outLink = new Int32Array(states).fill(-1);
    const order = this.linkFailures(trie);
    this.emits = new Uint8Array(states);
    for (let s = 0; s < states; s++) {
      this.emits[s] = (this.outFirst[s] as number) >= 0 || (this.outLink[s] as number) >= 0 ? 1 : 0;
    }
    const dense = states * alphabet.size <= maxTableEntries;
    this.delta = dense ? this.buildDense(trie, order) : null;
    this.sparse = dense ? null : trie.edges;
  }

  /**
   * Compiles phrases (folded with foldPhrase). Throws when a phrase folds to nothing: params schemas should
   * reject those first, with foldPhrase, so the user sees which one.
   */
  static compile(patterns: ReadonlyArray<string | PhrasePattern>, options: MatcherOptions = {}): AhoCorasick {
    const fallback = BOUNDARY_CODES[options.boundary ?? 'word'];
    const phrases: string[] = [];
    const boundaries = new Uint8Array(patterns.length);
    const alphabet = new Alphabet();
    patterns.forEach((pattern, index) => {
      const text = typeof pattern === 'string' ? pattern : pattern.text;
      const folded = foldPhrase(text);
      if (folded.length === 0) throw new Error(`phrase ${index} has no visible characters`);
      for (let i = 0; i < folded.length; i++) alphabet.add(folded.charCodeAt(i));
      phrases.push(folded);
      const own = typeof pattern === 'string' ? undefined : pattern.boundary;
      boundaries[index] = own === undefined ? fallback : BOUNDARY_CODES[own];
    });
    const trie = new Trie(alphabet.size);
    const nextSame = new Int32Array(phrases.length).fill(-1);
    phrases.forEach((phrase, index) => {
      let state = 0;
      for (let i = 0; i < phrase.length; i++) {
        const cls = alphabet.classOf(phrase.charCodeAt(i));
        state = trie.child(state, cls) ?? trie.addChild(state, cls);
      }
      nextSame[index] = trie.outFirst[state] as number;
      trie.outFirst[state] = index;
    });
    return new AhoCorasick(
      phrases,
      boundaries,
      alphabet,
      trie,
      nextSame,
      options.maxTableEntries ?? DEFAULT_MAX_TABLE_ENTRIES,
    );
  }

  /** Number of states of the automaton (for tests and memory estimates). */
  get states(): number {
    return this.fail.length;
  }

  /** True when the dense transition table was built. */
  get isDense(): boolean {
    return this.delta !== null;
  }

  /** Breadth-first failure and output links; returns the states in BFS order. */
  private linkFailures(trie: Trie): number[] {
    const order: number[] = [0];
    for (let head = 0; head < order.length; head++) {
      const state = order[head] as number;
      for (let child = trie.firstChild[state] as number; child >= 0; child = trie.sibling[child] as number) {
        order.push(child);
        if (state === 0) continue;
        const cls = trie.incoming[child] as number;
        let f = this.fail[state] as number;
        while (f !== 0 && trie.child(f, cls) === undefined) f = this.fail[f] as number;
        const link = trie.child(f, cls) ?? 0;
        this.fail[child] = link;
        this.outLink[child] = (this.outFirst[link] as number) >= 0 ? link : (this.outLink[link] as number);
      }
    }
    return order;
  }

  private buildDense(trie: Trie, order: number[]): Int32Array {
    const classes = this.alphabet.size;
    const delta = new Int32Array(trie.size * classes);
    // BFS order: a state's failure row is complete before the state's own row copies it. Class 0
    // (characters in no phrase) always leads back to the root, which the zeroed table already says.
    for (const state of order) {
      const row = state * classes;
      if (state !== 0) {
        const failRow = (this.fail[state] as number) * classes;
        delta.copyWithin(row, failRow, failRow + classes);
      }
      for (let child = trie.firstChild[state] as number; child >= 0; child = trie.sibling[child] as number) {
        delta[row + (trie.incoming[child] as number)] = child;
      }
    }
    return delta;
  }

  private sparseStep(state: number, cls: number): number {
    const sparse = this.sparse as Map<number, number>;
    const classes = this.alphabet.size;
    let s = state;
    for (;;) {
      const next = sparse.get(s * classes + cls);
      if (next !== undefined) return next;
      if (s === 0) return 0;
      s = this.fail[s] as number;
    }
  }

  /**
   * Visits every occurrence of every phrase, overlapping ones included, in order of end offset. Linear in
   * the text plus the number of matches visited.
   */
  scan(text: string, visit: MatchVisitor): void {
    const mask = this.ringMask;
    const ring = new Int32Array(mask + 1);
    const { asciiScan, delta, emits, spaceClass } = this;
    const other = this.alphabet.other;
    const classes = this.alphabet.size;
    let state = 0;
    let emitted = 0;
    let lastWasSpace = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let cls = c < 128 ? (asciiScan[c] as number) : isSpaceUnit(c) ? -1 : (other.get(c) ?? 0);
      if (cls < 0) {
        // A run of whitespace is one space to the automaton.
        if (lastWasSpace) continue;
        lastWasSpace = true;
        cls = spaceClass;
      } else lastWasSpace = false;
      ring[emitted & mask] = i;
      emitted++;
      if (cls === 0) state = 0;
      else state = delta ? (delta[state * classes + cls] as number) : this.sparseStep(state, cls);
      if (emits[state] === 1 && !this.report(text, state, i + 1, ring, emitted, visit)) return;
    }
  }

  /** Reports the phrases ending at `end` in `state`; false when the visitor asked to stop. */
  private report(
    text: string,
    state: number,
    end: number,
    ring: Int32Array,
    emitted: number,
    visit: MatchVisitor,
  ): boolean {
    const mask = this.ringMask;
    let s = (this.outFirst[state] as number) >= 0 ? state : (this.outLink[state] as number);
    while (s >= 0) {
      for (let p = this.outFirst[s] as number; p >= 0; p = this.nextSame[p] as number) {
        const start = ring[(emitted - (this.lengths[p] as number)) & mask] as number;
        if (this.fits(text, p, start, end) && visit(p, start, end) === false) return false;
      }
      s = this.outLink[s] as number;
    }
    return true;
  }

  private fits(text: string, pattern: number, start: number, end: number): boolean {
    const mode = this.boundaries[pattern] as number;
    if (mode === SUBSTRING) return true;
    if (!isWordBoundary(text, start)) return false;
    return mode === PREFIX || isWordBoundary(text, end);
  }

  /** Every match, up to `limit` of them, in order of end offset. */
  findAll(text: string, limit = Number.POSITIVE_INFINITY): PhraseMatch[] {
    const matches: PhraseMatch[] = [];
    if (limit <= 0) return matches;
    this.scan(text, (pattern, start, end) => {
      matches.push({ pattern, start, end });
      return matches.length < limit;
    });
    return matches;
  }

  /** True when any phrase occurs in the text. */
  test(text: string): boolean {
    let found = false;
    this.scan(text, () => {
      found = true;
      return false;
    });
    return found;
  }
}

const WORD = 0;
const PREFIX = 1;
const SUBSTRING = 2;
const BOUNDARY_CODES: Readonly<Record<BoundaryMode, number>> = { word: WORD, prefix: PREFIX, substring: SUBSTRING };
