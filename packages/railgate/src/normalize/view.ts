/**
 * A view is a transformed copy of the subject text that keeps, for every UTF-16 code unit it holds, the
 * range of the raw text it came from. Scanners search views; spans they find go back through `toRaw`, so
 * a finding made on a lowercased, de-obfuscated or decoded view still points at the right raw characters.
 */
export class View {
  constructor(
    /** `raw`, `clean`, `skeleton`, `leet`, `despaced`, or `decoded:<kind>` for decoded segments. */
    readonly name: string,
    readonly text: string,
    /** Raw start offset per view code unit; null means the view is aligned 1:1 with the raw text. */
    readonly starts: Uint32Array | null,
    /** Raw end offset per view code unit; null means aligned 1:1. */
    readonly ends: Uint32Array | null,
    /** Length of the raw text, used to clamp empty spans at the end. */
    readonly rawLength: number,
    /** For decoded segments: every view position maps to this one raw range (the encoded run). */
    readonly fixedSpan: readonly [number, number] | null = null,
    /** 0 for views of the raw text, 1 or 2 for decoded segments (2 = decoded inside a decoded segment). */
    readonly depth = 0,
  ) {}

  /** Maps a half-open span of this view to the half-open span of the raw text it came from. */
  toRaw(start: number, end: number): [number, number] {
    if (this.fixedSpan) return [this.fixedSpan[0], this.fixedSpan[1]];
    if (this.starts === null || this.ends === null) return [start, end];
    const n = this.text.length;
    if (n === 0) return [0, 0];
    const s = Math.max(0, Math.min(start, n - 1));
    const e = Math.max(s, Math.min(end, n));
    const rawStart = start >= n ? this.rawLength : (this.starts[s] ?? 0);
    const rawEnd = e === s ? rawStart : (this.ends[e - 1] ?? this.rawLength);
    return [rawStart, Math.max(rawStart, rawEnd)];
  }

  /** Raw start offset of one view position (for callers that walk a view character by character). */
  rawOffset(index: number): number {
    return this.toRaw(index, index + 1)[0];
  }

  /** A new view over `text` whose code units map through this view's offsets (for 1:1 substitutions). */
  withSameMap(name: string, text: string): View {
    if (text.length !== this.text.length) throw new Error(`view ${name}: text length differs from ${this.name}`);
    return new View(name, text, this.starts, this.ends, this.rawLength, this.fixedSpan, this.depth);
  }
}

/**
 * Accumulates the output of a transformation together with the raw range of every code unit it emits.
 * Offsets pushed are RAW offsets (callers translate through their source view first), so maps compose
 * by lookup and never chain.
 */
export class ViewBuilder {
  private chunks: string[] = [];
  private starts: Uint32Array;
  private ends: Uint32Array;
  private size = 0;

  /** `capacity`: expected output length (grows as needed). */
  constructor(capacity = 64) {
    this.starts = new Uint32Array(Math.max(16, capacity));
    this.ends = new Uint32Array(Math.max(16, capacity));
  }

  private reserve(extra: number): void {
    const need = this.size + extra;
    if (need <= this.starts.length) return;
    let capacity = this.starts.length * 2;
    while (capacity < need) capacity *= 2;
    const starts = new Uint32Array(capacity);
    starts.set(this.starts.subarray(0, this.size));
    const ends = new Uint32Array(capacity);
    ends.set(this.ends.subarray(0, this.size));
    this.starts = starts;
    this.ends = ends;
  }

  /** Appends `piece`, every code unit of it coming from raw range [rawStart, rawEnd). */
  push(piece: string, rawStart: number, rawEnd: number): void {
    const n = piece.length;
    if (n === 0) return;
    this.chunks.push(piece);
    this.reserve(n);
    this.starts.fill(rawStart, this.size, this.size + n);
    this.ends.fill(rawEnd, this.size, this.size + n);
    this.size += n;
  }

  /**
   * Appends `piece` (default: the source's own text in [from, to)), code unit k of it mapped like code unit
   * from + k of `source`. The piece must have the same length as the range: use it for 1:1 copies.
   */
  pushFrom(source: View, from: number, to: number, piece: string = source.text.slice(from, to)): void {
    if (to <= from) return;
    const n = to - from;
    this.chunks.push(piece);
    this.reserve(n);
    const { starts, ends, fixedSpan } = source;
    if (n <= 8 && starts !== null && ends !== null && !fixedSpan) {
      // Typed-array set/subarray cost more than a few plain stores for the one- or two-character pieces
      // of non-Latin text.
      for (let k = 0; k < n; k++) {
        this.starts[this.size + k] = starts[from + k] as number;
        this.ends[this.size + k] = ends[from + k] as number;
      }
    } else if (fixedSpan) {
      this.starts.fill(fixedSpan[0], this.size, this.size + n);
      this.ends.fill(fixedSpan[1], this.size, this.size + n);
    } else if (starts === null || ends === null) {
      for (let k = 0; k < n; k++) {
        this.starts[this.size + k] = from + k;
        this.ends[this.size + k] = from + k + 1;
      }
    } else {
      this.starts.set(starts.subarray(from, to), this.size);
      this.ends.set(ends.subarray(from, to), this.size);
    }
    this.size += n;
  }

  get length(): number {
    return this.size;
  }

  build(name: string, rawLength: number): View {
    return new View(
      name,
      this.chunks.join(''),
      this.starts.slice(0, this.size),
      this.ends.slice(0, this.size),
      rawLength,
    );
  }
}
