/**
 * The normalized views of one subject text, computed lazily and cached: a policy that only checks size
 * never pays for decoding. Every view maps back to raw offsets (see View.toRaw).
 */
import { type DecodedSegment, decodeSegments, type SearchText } from './decode.js';
import { toClean, toDespaced, toLeet, toSkeleton } from './transforms.js';
import { View } from './view.js';

export type { DecodedSegment, EncodingKind } from './decode.js';
export { View } from './view.js';

export class Views {
  private cache: {
    raw?: View;
    clean?: View;
    skeleton?: View;
    leet?: View;
    despaced?: View | null;
    segments?: DecodedSegment[];
    decoded?: View[];
    analysis?: View[];
  } = {};

  private memos: Map<object, unknown> | undefined;

  constructor(readonly text: string) {}

  /**
   * Work several scanners of one rail need on the same subject (e.g. one classifier pass scored by four
   * heads), computed by the first that asks and shared with the rest. `key` identifies the computation.
   */
  memo<T>(key: object, compute: () => T): T {
    this.memos ??= new Map();
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  /** The text as received. */
  get raw(): View {
    this.cache.raw ??= new View('raw', this.text, null, null, this.text.length);
    return this.cache.raw;
  }

  /** NFKC, invisible characters removed. Use for formats (PII, secrets, URLs) where case matters. */
  get clean(): View {
    this.cache.clean ??= toClean(this.text);
    return this.cache.clean;
  }

  /** Lowercase, diacritics removed, look-alike letters in spoofed words mapped to Latin. */
  get skeleton(): View {
    this.cache.skeleton ??= toSkeleton(this.clean);
    return this.cache.skeleton;
  }

  /** The skeleton with leetspeak folded ("pr0mpt" → "prompt"); the same object when there is none. */
  get leet(): View {
    this.cache.leet ??= toLeet(this.skeleton);
    return this.cache.leet;
  }

  /** Spaced-out letters joined ("i g n o r e" → "ignore"), or null when the text has none. */
  get despaced(): View | null {
    if (this.cache.despaced === undefined) this.cache.despaced = toDespaced(this.leet);
    return this.cache.despaced;
  }

  /** Decoded segments with their raw spans and original case (for scanners that need exact bytes). */
  get segments(): readonly DecodedSegment[] {
    this.cache.segments ??= decodeSegments(this.text, asSearch(this.clean), asSearch(this.skeleton));
    return this.cache.segments;
  }

  /** Decoded segments as skeleton views named `decoded:<path>`, each mapping to its encoded raw span. */
  get decoded(): readonly View[] {
    this.cache.decoded ??= this.segments.map((segment) => segmentView(segment, this.text.length));
    return this.cache.decoded;
  }

  /**
   * The views an intent detector should search, each distinct one once: skeleton, leet (when it differs),
   * despaced (when present) and every decoded segment.
   */
  analysis(): readonly View[] {
    if (!this.cache.analysis) {
      const views = [this.skeleton];
      if (this.leet !== this.skeleton) views.push(this.leet);
      if (this.despaced) views.push(this.despaced);
      views.push(...this.decoded);
      this.cache.analysis = views;
    }
    return this.cache.analysis;
  }
}

function asSearch(view: View): SearchText {
  return { text: view.text, toRaw: (s, e) => view.toRaw(s, e) };
}

function segmentView(segment: DecodedSegment, rawLength: number): View {
  const text = toSkeleton(toClean(segment.text)).text;
  return new View(`decoded:${segment.path}`, text, null, null, rawLength, [segment.start, segment.end], segment.depth);
}
