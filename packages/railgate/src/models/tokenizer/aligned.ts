/**
 * Text that remembers where it came from: every UTF-16 code unit carries the [start, end) range of the
 * input string it was produced from. Normalizers and pre-tokenizers rewrite it piece by piece, so a token
 * found after lowercasing, NFKC or accent stripping still maps to exact input offsets.
 */
export interface Aligned {
  readonly text: string;
  /** Input start offset per code unit of `text`. */
  readonly starts: readonly number[];
  /** Input end offset per code unit of `text`. */
  readonly ends: readonly number[];
}

export function alignedFrom(text: string, offset = 0): Aligned {
  const starts = new Array<number>(text.length);
  const ends = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) {
    starts[i] = offset + i;
    ends[i] = offset + i + 1;
  }
  return { text, starts, ends };
}

/** Accumulates output text with the input range of every code unit. */
export class AlignedBuilder {
  private text = '';
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Appends `piece`; all of its code units come from input range [start, end). */
  push(piece: string, start: number, end: number): void {
    this.text += piece;
    for (let i = 0; i < piece.length; i++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** Appends code units [from, to) of `source` unchanged, with their own ranges. */
  copy(source: Aligned, from: number, to: number): void {
    if (to <= from) return;
    this.text += source.text.slice(from, to);
    for (let i = from; i < to; i++) {
      this.starts.push(source.starts[i] as number);
      this.ends.push(source.ends[i] as number);
    }
  }

  build(): Aligned {
    return { text: this.text, starts: this.starts, ends: this.ends };
  }
}

/** Code units [from, to) of `source` as their own aligned text. */
export function slice(source: Aligned, from: number, to: number): Aligned {
  return {
    text: source.text.slice(from, to),
    starts: source.starts.slice(from, to),
    ends: source.ends.slice(from, to),
  };
}

/** Input range covered by code units [from, to) of `source`. */
export function rangeOf(source: Aligned, from: number, to: number): [number, number] {
  const start = source.starts[from] ?? 0;
  return [start, Math.max(start, source.ends[to - 1] ?? start)];
}

/**
 * Rewrites `source` one unit at a time: `unit` matches the pieces to consider together (a code point, a
 * character with its combining marks...), `rewrite` returns the replacement, or null to keep the piece.
 * Every output unit of a rewritten piece maps to the input range of the whole piece.
 */
export function rewriteUnits(source: Aligned, unit: RegExp, rewrite: (piece: string) => string | null): Aligned {
  const out = new AlignedBuilder();
  let copied = 0;
  unit.lastIndex = 0;
  for (let m = unit.exec(source.text); m !== null; m = unit.exec(source.text)) {
    const piece = m[0];
    const replaced = rewrite(piece);
    if (replaced === null || replaced === piece) continue;
    out.copy(source, copied, m.index);
    const [start, end] = rangeOf(source, m.index, m.index + piece.length);
    out.push(replaced, start, end);
    copied = m.index + piece.length;
  }
  if (copied === 0) return source;
  out.copy(source, copied, source.text.length);
  return out.build();
}
