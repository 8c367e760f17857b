/**
 * The BPE token model of a tokenizer.json (RoBERTa, GPT-2, DistilRoBERTa, BART; with the ByteLevel
 * pre-tokenizer for the byte-level ones). A word starts as one symbol per character and the merge with
 * the lowest rank among neighbouring symbols is applied until none is left: a heap keeps that
 * O(n log n) per word, so a long run of characters without a space cannot make it quadratic.
 */
import type { Aligned } from './aligned.js';
import { rangeOf } from './aligned.js';
import { TokenizerError } from './errors.js';
import type { TokenModel, TokenSink } from './models.js';
import { vocabMap } from './vocab.js';

type Json = Record<string, unknown>;

interface Merge {
  rank: number;
  id: number;
}

interface BpeOptions {
  unkId: number | undefined;
  prefix: string;
  suffix: string;
  fuseUnk: boolean;
  byteFallback: boolean;
  ignoreMerges: boolean;
}

/** A candidate merge of the symbol at `pos` with the one after it. */
interface Candidate {
  rank: number;
  pos: number;
  id: number;
}

/** Min-heap on (rank, pos): the reference applies the lowest-ranked merge, leftmost first. */
class CandidateHeap {
  private readonly items: Candidate[] = [];

  get size(): number {
    return this.items.length;
  }

  private less(a: Candidate, b: Candidate): boolean {
    return a.rank < b.rank || (a.rank === b.rank && a.pos < b.pos);
  }

  push(item: Candidate): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i] as Candidate, items[parent] as Candidate)) break;
      [items[i], items[parent]] = [items[parent] as Candidate, items[i] as Candidate];
      i = parent;
    }
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.less(items[left] as Candidate, items[smallest] as Candidate)) smallest = left;
      if (right < items.length && this.less(items[right] as Candidate, items[smallest] as Candidate)) smallest = right;
      if (smallest === i) return top;
      [items[i], items[smallest]] = [items[smallest] as Candidate, items[i] as Candidate];
      i = smallest;
    }
  }
}

/** `<0xAB>` piece names of byte-fallback vocabularies, as the reference spells them. */
const byteName = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

const CACHE_ENTRIES = 10_000;
const CACHED_WORD_LENGTH = 64;

export class Bpe implements TokenModel {
  readonly type = 'BPE';
  private readonly cache = new Map<string, Int32Array>();
  /** Merge of a pair of ids: left id → right id → merge. */
  private readonly merges = new Map<number, Map<number, Merge>>();

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    merges: ReadonlyArray<readonly [string, string]>,
    private readonly options: BpeOptions,
    path: string,
  ) {
    merges.forEach(([a, b], rank) => {
      const merged = a + b.slice(options.prefix.length);
      const aId = vocab.get(a);
      const bId = vocab.get(b);
      const id = vocab.get(merged);
      const missing = aId === undefined ? a : bId === undefined ? b : id === undefined ? merged : undefined;
      if (missing !== undefined) {
        throw new TokenizerError(
          'TOKENIZER_INVALID',
          `merge "${a} ${b}" uses ${JSON.stringify(missing)}, which is not in the vocabulary`,
          `${path}.merges[${rank}]`,
        );
      }
      // A pair listed twice keeps its last rank, as in the reference.
      let byRight = this.merges.get(aId as number);
      if (!byRight) {
        byRight = new Map();
        this.merges.set(aId as number, byRight);
      }
      byRight.set(bId as number, { rank, id: id as number });
    });
  }

  idOf(token: string): number | undefined {
    return this.vocab.get(token);
  }

  tokenize(word: Aligned, sink: TokenSink): void {
    const text = word.text;
    if (text.length === 0) return;
    if (this.options.ignoreMerges) {
      const id = this.vocab.get(text);
      if (id !== undefined) {
        const [start, end] = rangeOf(word, 0, text.length);
        sink.push(id, start, end);
        return;
      }
    }
    const pieces = this.cache.get(text) ?? this.merged(text);
    for (let i = 0; i < pieces.length; i += 3) {
      const [start, end] = rangeOf(word, pieces[i + 1] as number, pieces[i + 2] as number);
      sink.push(pieces[i] as number, start, end);
    }
  }

  /** The tokens of `text` as (id, from, to) triples, ranges in code units of `text`; short words are cached. */
  private merged(text: string): Int32Array {
    const { ids, from, to } = this.symbols(text);
    this.mergeAll(ids, to);
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++)
      if (ids[i] !== -1) out.push(ids[i] as number, from[i] as number, to[i] as number);
    const pieces = Int32Array.from(out);
    if (text.length <= CACHED_WORD_LENGTH) {
      // Text repeats its words: a bounded cache, emptied when full, saves most merging.
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(text, pieces);
    }
    return pieces;
  }

  /** One symbol per character (or per byte with byte fallback), with its code-unit range in the word. */
  private symbols(text: string): { ids: number[]; from: number[]; to: number[] } {
    const { prefix, suffix, unkId, fuseUnk, byteFallback } = this.options;
    const ids: number[] = [];
    const from: number[] = [];
    const to: number[] = [];
    const add = (id: number, start: number, end: number): void => {
      ids.push(id);
      from.push(start);
      to.push(end);
    };
    let unknown: { start: number; end: number } | null = null;
    const flushUnknown = (): void => {
      if (unknown && unkId !== undefined) add(unkId, unknown.start, unknown.end);
      unknown = null;
    };
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      const end = i + (cp > 0xffff ? 2 : 1);
      let piece = text.slice(i, end);
      if (i > 0) piece = prefix + piece;
      if (end === text.length) piece += suffix;
      const id = this.vocab.get(piece);
      if (id !== undefined) {
        flushUnknown();
        add(id, i, end);
      } else if (byteFallback && this.addBytes(piece, i, end, add)) {
        flushUnknown();
      } else if (unkId !== undefined) {
        if (unknown && fuseUnk) unknown.end = end;
        else {
          flushUnknown();
          unknown = { start: i, end };
        }
      }
      // Without an unknown token an unknown character is dropped, as the reference does.
      i = end;
    }
    flushUnknown();
    return { ids, from, to };
  }

  /** Adds the byte pieces of `piece` when the vocabulary has all of them. */
  private addBytes(
    piece: string,
    start: number,
    end: number,
    add: (id: number, start: number, end: number) => void,
  ): boolean {
    const ids: number[] = [];
    for (const b of Buffer.from(piece, 'utf8')) {
      const id = this.vocab.get(byteName(b));
      if (id === undefined) return false;
      ids.push(id);
    }
    for (const id of ids) add(id, start, end);
    return true;
  }

  /**
   * Applies merges in rank order over a linked list of symbols: a merge extends the left symbol to the
   * right one's end (`to`) and gives the right one id -1.
   */
  private mergeAll(ids: number[], to: number[]): void {
    const n = ids.length;
    const prev = new Int32Array(n);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
    }
    const heap = new CandidateHeap();
    const consider = (pos: number): void => {
      const right = next[pos] as number;
      if (right < 0) return;
      const merge = this.merges.get(ids[pos] as number)?.get(ids[right] as number);
      if (merge) heap.push({ rank: merge.rank, pos, id: merge.id });
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.size > 0) {
      const top = heap.pop() as Candidate;
      const right = next[top.pos] as number;
      // Stale: the symbol was merged away, is now last, or its pair changed since the entry was pushed.
      if (ids[top.pos] === -1 || right < 0) continue;
      const current = this.merges.get(ids[top.pos] as number)?.get(ids[right] as number);
      if (!current || current.id !== top.id) continue;
      ids[top.pos] = top.id;
      to[top.pos] = to[right] as number;
      ids[right] = -1;
      const after = next[right] as number;
      next[top.pos] = after;
      if (after >= 0) prev[after] = top.pos;
      const before = prev[top.pos] as number;
      if (before >= 0) consider(before);
      consider(top.pos);
    }
  }
}

function mergeList(config: Json, path: string): Array<[string, string]> {
  const merges = config.merges ?? [];
  if (!Array.isArray(merges)) throw new TokenizerError('TOKENIZER_INVALID', 'expected a list', `${path}.merges`);
  return merges.map((entry, i): [string, string] => {
    // Older files write "a b", newer ones ["a", "b"].
    const parts = typeof entry === 'string' ? entry.split(' ') : entry;
    if (!Array.isArray(parts) || parts.length !== 2 || parts.some((p) => typeof p !== 'string')) {
      throw new TokenizerError('TOKENIZER_INVALID', 'expected "a b" or ["a", "b"]', `${path}.merges[${i}]`);
    }
    return [parts[0] as string, parts[1] as string];
  });
}

/** Compiles a `{"type": "BPE"}` model section. Dropout is a training-time device and is not applied. */
export function bpe(config: Json, path: string): TokenModel {
  const map = vocabMap(config, path);
  let unkId: number | undefined;
  if (typeof config.unk_token === 'string') {
    unkId = map.get(config.unk_token);
    if (unkId === undefined) {
      throw new TokenizerError(
        'TOKENIZER_INVALID',
        `unk_token ${JSON.stringify(config.unk_token)} is not in the vocabulary`,
        `${path}.unk_token`,
      );
    }
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return new Bpe(
    map,
    mergeList(config, path),
    {
      unkId,
      prefix: text(config.continuing_subword_prefix),
      suffix: text(config.end_of_word_suffix),
      fuseUnk: config.fuse_unk === true,
      byteFallback: config.byte_fallback === true,
      ignoreMerges: config.ignore_merges === true,
    },
    path,
  );
}
