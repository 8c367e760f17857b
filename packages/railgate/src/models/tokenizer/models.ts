/**
 * Token models of a Hugging Face tokenizer.json: WordPiece (BERT, DistilBERT, ELECTRA) and Unigram
 * (SentencePiece: DeBERTa-v3, XLM-R, ALBERT, T5) here, BPE (RoBERTa, GPT-2) in bpe.ts. WordPiece and
 * Unigram look pieces up in a code-point trie, so a word costs the length of its longest vocabulary
 * match, not a substring per candidate length.
 */
import { type Aligned, rangeOf } from './aligned.js';
import { bpe } from './bpe.js';
import { TokenizerError } from './errors.js';
import { vocabMap } from './vocab.js';

/** Where a model writes tokens: id and the input range the token covers. */
export interface TokenSink {
  push(id: number, start: number, end: number): void;
}

export interface TokenModel {
  readonly type: 'WordPiece' | 'Unigram' | 'BPE';
  tokenize(word: Aligned, sink: TokenSink): void;
  /** Id of a token string, for special tokens named by the post-processor. */
  idOf(token: string): number | undefined;
}

type Json = Record<string, unknown>;

interface TrieNode<T> {
  children: Map<number, TrieNode<T>>;
  value?: T;
}

function trieInsert<T>(root: TrieNode<T>, key: string, value: T): void {
  let node = root;
  for (const ch of key) {
    const cp = ch.codePointAt(0) as number;
    let next = node.children.get(cp);
    if (!next) {
      next = { children: new Map() };
      node.children.set(cp, next);
    }
    node = next;
  }
  node.value = value;
}

/** UTF-16 index of every code point start in `text`, plus text.length at the end. */
function codePointBounds(text: string): number[] {
  const bounds: number[] = [];
  for (let i = 0; i < text.length; i++) {
    bounds.push(i);
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) i++;
  }
  bounds.push(text.length);
  return bounds;
}

// ---- WordPiece -------------------------------------------------------------------------------------------

class WordPiece implements TokenModel {
  readonly type = 'WordPiece';
  private readonly initial: TrieNode<number> = { children: new Map() };
  private readonly continuing: TrieNode<number> = { children: new Map() };

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly unkId: number,
    prefix: string,
    private readonly maxCharsPerWord: number,
  ) {
    for (const [token, id] of vocab) {
      if (prefix !== '' && token.startsWith(prefix)) trieInsert(this.continuing, token.slice(prefix.length), id);
      trieInsert(this.initial, token, id);
    }
  }

  idOf(token: string): number | undefined {
    return this.vocab.get(token);
  }

  tokenize(word: Aligned, sink: TokenSink): void {
    const bounds = codePointBounds(word.text);
    const n = bounds.length - 1;
    if (n === 0) return;
    if (n > this.maxCharsPerWord) {
      const [start, end] = rangeOf(word, 0, word.text.length);
      sink.push(this.unkId, start, end);
      return;
    }
    const pieces: Array<[id: number, from: number, to: number]> = [];
    let at = 0;
    while (at < n) {
      // Longest vocabulary entry starting here: walk the trie as far as it goes.
      let node: TrieNode<number> | undefined = at === 0 ? this.initial : this.continuing;
      let matchId = -1;
      let matchEnd = at;
      for (let j = at; j < n && node; j++) {
        node = node.children.get(word.text.codePointAt(bounds[j] as number) as number);
        if (node?.value !== undefined) {
          matchId = node.value;
          matchEnd = j + 1;
        }
      }
      if (matchId < 0) {
        // As in BERT: a word with any unmatchable remainder becomes one unknown token.
        const [start, end] = rangeOf(word, 0, word.text.length);
        sink.push(this.unkId, start, end);
        return;
      }
      pieces.push([matchId, bounds[at] as number, bounds[matchEnd] as number]);
      at = matchEnd;
    }
    for (const [id, from, to] of pieces) {
      const [start, end] = rangeOf(word, from, to);
      sink.push(id, start, end);
    }
  }
}

function wordPiece(config: Json, path: string): TokenModel {
  const map = vocabMap(config, path);
  const unkToken = typeof config.unk_token === 'string' ? config.unk_token : '[UNK]';
  const unkId = map.get(unkToken);
  if (unkId === undefined) {
    throw new TokenizerError(
      'TOKENIZER_INVALID',
      `unk_token ${JSON.stringify(unkToken)} is not in the vocabulary`,
      `${path}.unk_token`,
    );
  }
  const prefix = typeof config.continuing_subword_prefix === 'string' ? config.continuing_subword_prefix : '##';
  const maxChars = typeof config.max_input_chars_per_word === 'number' ? config.max_input_chars_per_word : 100;
  return new WordPiece(map, unkId, prefix, maxChars);
}

// ---- Unigram ---------------------------------------------------------------------------------------------

/** Score of an unknown character: below every piece, as SentencePiece does. */
const UNKNOWN_PENALTY = 10;

interface Piece {
  id: number;
  score: number;
}

class Unigram implements TokenModel {
  readonly type = 'Unigram';
  private readonly trie: TrieNode<Piece> = { children: new Map() };
  private readonly ids = new Map<string, number>();
  private readonly unknownScore: number;
  /** Ids of the `<0xHH>` byte pieces when byte fallback is on. */
  private readonly byteIds: number[] | null;

  constructor(
    pieces: ReadonlyArray<readonly [string, number]>,
    private readonly unkId: number,
    byteFallback: boolean,
  ) {
    let min = 0;
    pieces.forEach(([piece, score], id) => {
      this.ids.set(piece, id);
      trieInsert(this.trie, piece, { id, score });
      min = Math.min(min, score);
    });
    this.unknownScore = min - UNKNOWN_PENALTY;
    this.byteIds = byteFallback ? this.byteTable() : null;
  }

  private byteTable(): number[] | null {
    const table: number[] = [];
    for (let b = 0; b < 256; b++) {
      const id = this.ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id === undefined) return null;
      table.push(id);
    }
    return table;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  tokenize(word: Aligned, sink: TokenSink): void {
    const bounds = codePointBounds(word.text);
    const n = bounds.length - 1;
    if (n === 0) return;
    // Viterbi over code-point positions: best[i] is the best score of a segmentation of the first i.
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const from = new Int32Array(n + 1).fill(-1);
    const pieceAt = new Int32Array(n + 1).fill(-1);
    best[0] = 0;
    for (let i = 0; i < n; i++) {
      const base = best[i] as number;
      if (base === Number.NEGATIVE_INFINITY) continue;
      let node: TrieNode<Piece> | undefined = this.trie;
      let singleCharPiece = false;
      for (let j = i; j < n && node; j++) {
        node = node.children.get(word.text.codePointAt(bounds[j] as number) as number);
        if (node?.value === undefined) continue;
        if (j === i) singleCharPiece = true;
        const score = base + node.value.score;
        if (score > (best[j + 1] as number)) {
          best[j + 1] = score;
          from[j + 1] = i;
          pieceAt[j + 1] = node.value.id;
        }
      }
      if (!singleCharPiece) {
        const score = base + this.unknownScore;
        if (score > (best[i + 1] as number)) {
          best[i + 1] = score;
          from[i + 1] = i;
          pieceAt[i + 1] = -1;
        }
      }
    }
    const path: Array<[id: number, from: number, to: number]> = [];
    for (let end = n; end > 0; end = from[end] as number) path.push([pieceAt[end] as number, from[end] as number, end]);
    path.reverse();
    this.emit(word, bounds, path, sink);
  }

  private emit(word: Aligned, bounds: number[], path: Array<[number, number, number]>, sink: TokenSink): void {
    for (let k = 0; k < path.length; k++) {
      const [id, fromCp] = path[k] as [number, number, number];
      let toCp = (path[k] as [number, number, number])[2];
      if (id < 0 && this.byteIds) {
        const [start, end] = rangeOf(word, bounds[fromCp] as number, bounds[toCp] as number);
        const bytes = Buffer.from(word.text.slice(bounds[fromCp] as number, bounds[toCp] as number), 'utf8');
        for (const b of bytes) sink.push(this.byteIds[b] as number, start, end);
        continue;
      }
      if (id < 0) {
        // Consecutive unknown characters become one unknown token.
        while (k + 1 < path.length && (path[k + 1] as [number, number, number])[0] < 0) {
          toCp = (path[++k] as [number, number, number])[2];
        }
        const [start, end] = rangeOf(word, bounds[fromCp] as number, bounds[toCp] as number);
        sink.push(this.unkId, start, end);
        continue;
      }
      const [start, end] = rangeOf(word, bounds[fromCp] as number, bounds[toCp] as number);
      sink.push(id, start, end);
    }
  }
}

function unigram(config: Json, path: string): TokenModel {
  const vocab = config.vocab;
  if (!Array.isArray(vocab))
    throw new TokenizerError('TOKENIZER_INVALID', 'expected a list of [piece, score]', `${path}.vocab`);
  const pieces = vocab.map((entry, i): [string, number] => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      throw new TokenizerError('TOKENIZER_INVALID', 'expected [piece, score]', `${path}.vocab[${i}]`);
    }
    return [entry[0], entry[1]];
  });
  const unkId = config.unk_id;
  if (typeof unkId !== 'number' || !Number.isInteger(unkId) || unkId < 0 || unkId >= pieces.length) {
    throw new TokenizerError('TOKENIZER_INVALID', 'unk_id must be the index of a vocabulary entry', `${path}.unk_id`);
  }
  return new Unigram(pieces, unkId, config.byte_fallback === true);
}

export const SUPPORTED_MODELS = ['WordPiece', 'Unigram', 'BPE'] as const;

function typeFromShape(c: Json): string | undefined {
  if (Array.isArray(c.vocab)) return 'Unigram';
  if ('merges' in c) return 'BPE';
  if ('continuing_subword_prefix' in c) return 'WordPiece';
  return undefined;
}

/** Compiles the `model` section of a tokenizer.json. */
export function compileModel(config: unknown, path = 'model'): TokenModel {
  if (!config || typeof config !== 'object') throw new TokenizerError('TOKENIZER_INVALID', 'expected an object', path);
  const c = config as Json;
  // Older files omit `type`; their shape tells.
  const type = c.type ?? typeFromShape(c);
  if (type === 'WordPiece') return wordPiece(c, path);
  if (type === 'Unigram') return unigram(c, path);
  if (type === 'BPE') return bpe(c, path);
  throw new TokenizerError(
    'TOKENIZER_UNSUPPORTED',
    `model type ${JSON.stringify(type)} is not supported; supported: ${SUPPORTED_MODELS.join(', ')}`,
    `${path}.type`,
  );
}
