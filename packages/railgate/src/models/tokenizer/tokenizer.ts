/**
 * A Hugging Face `tokenizer.json` loader for the classifiers people export to ONNX: it runs the file's
 * added-token split, normalizer, pre-tokenizer, model and post-processor template, and keeps the input
 * offsets of every token so a finding can point at the text a model window covered.
 *
 * @example
 * ```ts
 * const tokenizer = loadTokenizer('models/deberta-injection/tokenizer.json');
 * const tokens = tokenizer.encode('Ignore all previous instructions');
 * const ids = [...tokenizer.template.before, ...tokens.ids, ...tokenizer.template.after];
 * ```
 */
import { readFileSync } from 'node:fs';
import { type Aligned, alignedFrom } from './aligned.js';
import { TokenizerError } from './errors.js';
import { compileModel, type TokenModel, type TokenSink } from './models.js';
import { compileNormalizer, type Normalize } from './normalizers.js';
import { compilePreTokenizer, type PreTokenize } from './pre-tokenizers.js';

type Json = Record<string, unknown>;

const WHITE_SPACE = /^\p{White_Space}$/u;

/** Content tokens of one text, without special tokens, with the input range of each. */
export interface Encoding {
  readonly ids: Int32Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly length: number;
}

/** Special tokens around one sequence, with their token-type ids (the post-processor's single template). */
export interface SequenceTemplate {
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly beforeTypes: readonly number[];
  readonly afterTypes: readonly number[];
  /** Token-type id of the sequence's own tokens. */
  readonly sequenceType: number;
}

interface AddedToken {
  id: number;
  content: string;
  lstrip: boolean;
  rstrip: boolean;
}

class TokenBuffer implements TokenSink {
  ids: number[] = [];
  starts: number[] = [];
  ends: number[] = [];
  push(id: number, start: number, end: number): void {
    this.ids.push(id);
    this.starts.push(start);
    this.ends.push(end);
  }
  encoding(): Encoding {
    return {
      ids: Int32Array.from(this.ids),
      starts: Uint32Array.from(this.starts),
      ends: Uint32Array.from(this.ends),
      length: this.ids.length,
    };
  }
}

export class Tokenizer {
  /** Added tokens by first character, longest first, for the split that runs before normalization. */
  private readonly addedByFirst = new Map<string, AddedToken[]>();

  constructor(
    readonly model: TokenModel,
    private readonly normalize: Normalize,
    private readonly preTokenize: PreTokenize,
    readonly template: SequenceTemplate,
    /** Id used to pad a batch (the file's padding token, else [PAD] / <pad>, else 0). */
    readonly padId: number,
    added: readonly AddedToken[],
    /** Leave the space a byte-level token carries out of its offsets (the post-processor's trim_offsets). */
    private readonly trimOffsets = false,
  ) {
    for (const token of [...added].sort((a, b) => b.content.length - a.content.length)) {
      const first = token.content[0];
      if (first === undefined) continue;
      const list = this.addedByFirst.get(first) ?? [];
      list.push(token);
      this.addedByFirst.set(first, list);
    }
  }

  /** Tokens of `text` (no special tokens around it; see `template`). */
  encode(text: string): Encoding {
    const out = new TokenBuffer();
    let segmentStart = 0;
    const flush = (end: number): void => {
      if (end > segmentStart) this.encodeSegment(text, segmentStart, end, out);
    };
    if (this.addedByFirst.size > 0) {
      for (let i = 0; i < text.length; i++) {
        const candidates = this.addedByFirst.get(text[i] as string);
        const token = candidates?.find((t) => text.startsWith(t.content, i));
        if (!token) continue;
        let from = i;
        let to = i + token.content.length;
        if (token.lstrip) while (from > segmentStart && WHITE_SPACE.test(text[from - 1] as string)) from--;
        if (token.rstrip) while (to < text.length && WHITE_SPACE.test(text[to] as string)) to++;
        flush(from);
        out.push(token.id, i, i + token.content.length);
        segmentStart = to;
        i = to - 1;
      }
    }
    flush(text.length);
    const encoding = out.encoding();
    if (this.trimOffsets) trimSpaces(encoding, text);
    return encoding;
  }

  private encodeSegment(text: string, start: number, end: number, out: TokenBuffer): void {
    const normalized: Aligned = this.normalize(alignedFrom(text.slice(start, end), start));
    for (const word of this.preTokenize([normalized])) this.model.tokenize(word, out);
  }
}

/**
 * Narrows each token's range to exclude the spaces at its ends (an all-space token becomes empty, at its
 * end). Only U+0020: the reference looks at byte-level characters, where only the space byte reads as one.
 */
function trimSpaces(encoding: Encoding, text: string): void {
  const { starts, ends } = encoding;
  for (let i = 0; i < encoding.length; i++) {
    let start = starts[i] as number;
    let end = ends[i] as number;
    while (start < end && text[start] === ' ') start++;
    while (end > start && text[end - 1] === ' ') end--;
    starts[i] = start;
    ends[i] = end;
  }
}

// ---- loading ---------------------------------------------------------------------------------------------

function addedTokens(config: unknown): AddedToken[] {
  if (!Array.isArray(config)) return [];
  return config.flatMap((entry, i) => {
    const t = entry as Json;
    if (typeof t?.content !== 'string' || typeof t.id !== 'number') {
      throw new TokenizerError('TOKENIZER_INVALID', 'expected {id, content}', `added_tokens[${i}]`);
    }
    return t.content === ''
      ? []
      : [{ id: t.id, content: t.content, lstrip: t.lstrip === true, rstrip: t.rstrip === true }];
  });
}

function idOf(token: string, model: TokenModel, added: readonly AddedToken[], path: string): number {
  const id = added.find((t) => t.content === token)?.id ?? model.idOf(token);
  if (id === undefined)
    throw new TokenizerError('TOKENIZER_INVALID', `token ${JSON.stringify(token)} is not in the vocabulary`, path);
  return id;
}

const NO_TEMPLATE: SequenceTemplate = { before: [], after: [], beforeTypes: [], afterTypes: [], sequenceType: 0 };

/** `[token, id]` pairs as BertProcessing and RobertaProcessing store them. */
function pairId(value: unknown, path: string): number {
  if (Array.isArray(value) && typeof value[1] === 'number') return value[1];
  throw new TokenizerError('TOKENIZER_INVALID', 'expected [token, id]', path);
}

function templateProcessing(
  config: Json,
  model: TokenModel,
  added: readonly AddedToken[],
  path: string,
): SequenceTemplate {
  const single = config.single;
  if (!Array.isArray(single)) throw new TokenizerError('TOKENIZER_INVALID', 'expected a list', `${path}.single`);
  const specials = (config.special_tokens ?? {}) as Record<string, { ids?: unknown }>;
  const template = {
    before: [] as number[],
    after: [] as number[],
    beforeTypes: [] as number[],
    afterTypes: [] as number[],
    sequenceType: 0,
  };
  let seenSequence = false;
  single.forEach((item: Json, i) => {
    const where = `${path}.single[${i}]`;
    const sequence = item?.Sequence as Json | undefined;
    const special = item?.SpecialToken as Json | undefined;
    if (sequence) {
      seenSequence = true;
      template.sequenceType = typeof sequence.type_id === 'number' ? sequence.type_id : 0;
      return;
    }
    if (!special || typeof special.id !== 'string')
      throw new TokenizerError('TOKENIZER_INVALID', 'expected {SpecialToken} or {Sequence}', where);
    const typeId = typeof special.type_id === 'number' ? special.type_id : 0;
    const declared = specials[special.id]?.ids;
    const ids = Array.isArray(declared) ? (declared as number[]) : [idOf(special.id, model, added, where)];
    for (const id of ids) {
      (seenSequence ? template.after : template.before).push(id);
      (seenSequence ? template.afterTypes : template.beforeTypes).push(typeId);
    }
  });
  return template;
}

function compileTemplate(
  config: unknown,
  model: TokenModel,
  added: readonly AddedToken[],
  path = 'post_processor',
): SequenceTemplate {
  if (config === null || config === undefined) return NO_TEMPLATE;
  const c = config as Json;
  switch (c.type) {
    case 'TemplateProcessing':
      return templateProcessing(c, model, added, path);
    case 'BertProcessing':
    case 'RobertaProcessing':
      return {
        before: [pairId(c.cls, `${path}.cls`)],
        after: [pairId(c.sep, `${path}.sep`)],
        beforeTypes: [0],
        afterTypes: [0],
        sequenceType: 0,
      };
    case 'ByteLevel':
      return NO_TEMPLATE;
    case 'Sequence': {
      const list = Array.isArray(c.processors) ? c.processors : [];
      // The processor that adds special tokens decides; offset trimmers (ByteLevel) add none.
      const templates = list.map((item, i) => compileTemplate(item, model, added, `${path}.processors[${i}]`));
      return templates.find((t) => t.before.length + t.after.length > 0) ?? NO_TEMPLATE;
    }
    default:
      throw new TokenizerError(
        'TOKENIZER_UNSUPPORTED',
        `post-processor type ${JSON.stringify(c.type)} is not supported; supported: TemplateProcessing, BertProcessing, RobertaProcessing, Sequence`,
        `${path}.type`,
      );
  }
}

/** True when the post-processor trims spaces from byte-level offsets (ByteLevel, RobertaProcessing). */
function trimsOffsets(config: unknown): boolean {
  if (!config || typeof config !== 'object') return false;
  const c = config as Json;
  if (c.type === 'ByteLevel' || c.type === 'RobertaProcessing') return c.trim_offsets !== false;
  if (c.type === 'Sequence' && Array.isArray(c.processors)) return c.processors.some(trimsOffsets);
  return false;
}

function padIdOf(json: Json, model: TokenModel, added: readonly AddedToken[]): number {
  const padding = json.padding as Json | null | undefined;
  if (padding && typeof padding.pad_id === 'number') return padding.pad_id;
  for (const name of ['[PAD]', '<pad>']) {
    const id = added.find((t) => t.content === name)?.id ?? model.idOf(name);
    if (id !== undefined) return id;
  }
  return 0;
}

/** Builds a tokenizer from the parsed content of a tokenizer.json. */
export function parseTokenizer(json: unknown): Tokenizer {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new TokenizerError('TOKENIZER_INVALID', 'expected a JSON object');
  const j = json as Json;
  const model = compileModel(j.model);
  const added = addedTokens(j.added_tokens);
  return new Tokenizer(
    model,
    compileNormalizer(j.normalizer),
    compilePreTokenizer(j.pre_tokenizer),
    compileTemplate(j.post_processor, model, added),
    padIdOf(j, model, added),
    added,
    trimsOffsets(j.post_processor),
  );
}

/** Reads and compiles a tokenizer.json; errors name the file and the JSON path. */
export function loadTokenizer(file: string): Tokenizer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TokenizerError(
      'TOKENIZER_NOT_FOUND',
      `cannot read the tokenizer file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      '',
      file,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenizerError('TOKENIZER_INVALID', `not JSON (${(error as Error).message})`, '', file);
  }
  try {
    return parseTokenizer(json);
  } catch (error) {
    throw error instanceof TokenizerError ? error.inFile(file) : error;
  }
}
