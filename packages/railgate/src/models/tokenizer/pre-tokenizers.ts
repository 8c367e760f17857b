/**
 * The pre-tokenizers of a Hugging Face tokenizer.json: they cut normalized text into words before the
 * model splits words into tokens. Supported: BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation,
 * Digits, Metaspace, ByteLevel, Split (string or RE2 regex) and Sequence of these.
 */
import type { RE2JS } from 're2js';
import { type Aligned, AlignedBuilder, slice } from './aligned.js';
import { TokenizerError } from './errors.js';
import { compileRegex } from './regex.js';

export type PreTokenize = (pieces: Aligned[]) => Aligned[];

type Json = Record<string, unknown>;

/** What happens to the text a split pattern matches (names as in tokenizer.json, snake-cased). */
type SplitBehavior = 'removed' | 'isolated' | 'merged_with_previous' | 'merged_with_next' | 'contiguous';

const BEHAVIORS: Record<string, SplitBehavior> = {
  Removed: 'removed',
  Isolated: 'isolated',
  MergedWithPrevious: 'merged_with_previous',
  MergedWithNext: 'merged_with_next',
  Contiguous: 'contiguous',
};

type Match = [start: number, end: number];

/** Splits one piece at `matches` (sorted, non-overlapping, non-empty) following `behavior`. */
function splitAt(piece: Aligned, matches: readonly Match[], behavior: SplitBehavior): Aligned[] {
  if (matches.length === 0) return [piece];
  const cuts: Match[] = [];
  let cursor = 0;
  let pendingNext = -1;
  const text = (from: number, to: number): void => {
    if (to > from) cuts.push([from, to]);
  };
  for (let i = 0; i < matches.length; i++) {
    let [start, end] = matches[i] as Match;
    if (behavior === 'contiguous') {
      while (i + 1 < matches.length && (matches[i + 1] as Match)[0] === end) end = (matches[++i] as Match)[1];
    }
    const before = pendingNext >= 0 ? pendingNext : cursor;
    pendingNext = -1;
    switch (behavior) {
      case 'removed':
        text(before, start);
        break;
      case 'isolated':
      case 'contiguous':
        text(before, start);
        text(start, end);
        break;
      case 'merged_with_previous':
        text(before, end);
        break;
      case 'merged_with_next':
        text(before, start);
        pendingNext = start;
        break;
    }
    cursor = end;
  }
  text(pendingNext >= 0 ? pendingNext : cursor, piece.text.length);
  return cuts.map(([from, to]) => slice(piece, from, to));
}

function regexMatches(text: string, pattern: RegExp): Match[] {
  const out: Match[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    out.push([m.index, m.index + m[0].length]);
  }
  return out;
}

function re2Matches(text: string, pattern: RE2JS): Match[] {
  const out: Match[] = [];
  const matcher = pattern.matcher(text);
  while (matcher.find()) if (matcher.end() > matcher.start()) out.push([matcher.start(), matcher.end()]);
  return out;
}

/** The pieces between matches become the matches (for patterns that describe the words, not the gaps). */
function complement(text: string, matches: readonly Match[]): Match[] {
  const out: Match[] = [];
  let cursor = 0;
  for (const [start, end] of matches) {
    if (start > cursor) out.push([cursor, start]);
    cursor = end;
  }
  if (cursor < text.length) out.push([cursor, text.length]);
  return out;
}

function splitEach(pattern: RegExp, behavior: SplitBehavior): PreTokenize {
  return (pieces) => pieces.flatMap((piece) => splitAt(piece, regexMatches(piece.text, pattern), behavior));
}

/** Unicode White_Space (what the reference implementation splits on; JS `\s` differs at U+FEFF and U+0085). */
const WHITESPACE_RUN = /\p{White_Space}+/gu;
/** Punctuation as BERT sees it: Unicode P* plus every ASCII symbol. */
const PUNCTUATION = /[\p{P}!-/:-@[-`{-~]/gu;
/** `\w+|[^\w\s]+` with the Unicode meaning of `\w` and `\s` the reference implementation's regex engine uses. */
const WORD_OR_SYMBOLS =
  /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;

const whitespaceSplit = splitEach(WHITESPACE_RUN, 'removed');

const whitespace: PreTokenize = (pieces) =>
  pieces.flatMap((piece) => regexMatches(piece.text, WORD_OR_SYMBOLS).map(([from, to]) => slice(piece, from, to)));

const bert: PreTokenize = (pieces) => splitEach(PUNCTUATION, 'isolated')(whitespaceSplit(pieces));

function punctuation(behavior: SplitBehavior): PreTokenize {
  return splitEach(PUNCTUATION, behavior);
}

/** Numeric characters in the reference's sense (Rust `char::is_numeric`: Nd, Nl and No, so ² and Ⅻ too). */
function digits(individual: boolean): PreTokenize {
  return individual ? splitEach(/\p{N}/gu, 'isolated') : splitEach(/\p{N}+/gu, 'isolated');
}

/**
 * SentencePiece-style spaces: every space becomes `replacement` (▁); a ▁ is prepended to a piece that does
 * not start with one (`always`), or only to the piece that starts the input (`first`: the reference checks
 * that the piece begins at input offset 0, so a text after an added token or after stripped spaces gets
 * none); with `split` each ▁ starts a new piece.
 */
function metaspace(replacement: string, prependScheme: 'always' | 'first' | 'never', split: boolean): PreTokenize {
  const marker = new RegExp(replacement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  return (pieces) =>
    pieces.flatMap((piece) => {
      const spaced = new AlignedBuilder();
      for (let i = 0; i < piece.text.length; i++) {
        if (piece.text[i] === ' ') spaced.push(replacement, piece.starts[i] as number, piece.ends[i] as number);
        else spaced.copy(piece, i, i + 1);
      }
      let replaced = spaced.build();
      const start = replaced.starts[0];
      const prepend =
        start !== undefined &&
        !replaced.text.startsWith(replacement) &&
        (prependScheme === 'always' || (prependScheme === 'first' && start === 0));
      if (prepend) {
        const out = new AlignedBuilder();
        out.push(replacement, start, start);
        out.copy(replaced, 0, replaced.text.length);
        replaced = out.build();
      }
      return split ? splitAt(replaced, regexMatches(replaced.text, marker), 'merged_with_next') : [replaced];
    });
}

/**
 * GPT-2's word split: contractions, letters, digits and other symbols each with at most one leading
 * space, and runs of spaces (all but the last space when a word follows, so that space stays with it).
 * Our own pattern, linear: the look-ahead only ever gives back one character of a whitespace run.
 */
const BYTE_LEVEL_WORDS =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/** GPT-2's byte → printable character table: printable Latin-1 bytes map to themselves, the rest above U+0100. */
const BYTE_CHARS: readonly string[] = (() => {
  const table = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCodePoint(printable ? b : 256 + shifted++);
  }
  return table;
})();

/** Each UTF-8 byte of `piece` as its printable character, every one mapped to its source character. */
function toByteChars(piece: Aligned): Aligned {
  const out = new AlignedBuilder();
  for (let i = 0; i < piece.text.length; ) {
    const cp = piece.text.codePointAt(i) as number;
    const end = i + (cp > 0xffff ? 2 : 1);
    const start = piece.starts[i] as number;
    const stop = Math.max(start, piece.ends[end - 1] as number);
    if (cp < 0x80) out.push(BYTE_CHARS[cp] as string, start, stop);
    else for (const b of Buffer.from(piece.text.slice(i, end), 'utf8')) out.push(BYTE_CHARS[b] as string, start, stop);
    i = end;
  }
  return out.build();
}

/**
 * Byte-level BPE input (RoBERTa, GPT-2): optionally a space before the text so its first word looks like
 * every other, the GPT-2 word split, then every byte as a printable character.
 */
function byteLevel(addPrefixSpace: boolean, useRegex: boolean): PreTokenize {
  return (pieces) =>
    pieces.flatMap((piece) => {
      let text = piece;
      if (addPrefixSpace && !piece.text.startsWith(' ') && piece.text.length > 0) {
        const out = new AlignedBuilder();
        const start = piece.starts[0] as number;
        out.push(' ', start, start);
        out.copy(piece, 0, piece.text.length);
        text = out.build();
      }
      const words = useRegex
        ? regexMatches(text.text, BYTE_LEVEL_WORDS).map(([from, to]) => slice(text, from, to))
        : [text];
      return words.map(toByteChars);
    });
}

function behaviorOf(config: Json, path: string, fallback: SplitBehavior): SplitBehavior {
  if (config.behavior === undefined) return fallback;
  const behavior = BEHAVIORS[String(config.behavior)];
  if (!behavior)
    throw new TokenizerError('TOKENIZER_INVALID', `unknown behavior ${String(config.behavior)}`, `${path}.behavior`);
  return behavior;
}

function splitPattern(config: Json, path: string): PreTokenize {
  const pattern = config.pattern as Json | undefined;
  const behavior = behaviorOf(config, path, 'removed');
  const invert = config.invert === true;
  let find: (text: string) => Match[];
  if (pattern && typeof pattern.String === 'string') {
    const literal = pattern.String;
    find = (text) => {
      const out: Match[] = [];
      if (literal === '') return out;
      for (let at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length)) {
        out.push([at, at + literal.length]);
      }
      return out;
    };
  } else if (pattern && typeof pattern.Regex === 'string') {
    const compiled = compileRegex(pattern.Regex, `${path}.pattern.Regex`);
    find = (text) => re2Matches(text, compiled);
  } else {
    throw new TokenizerError('TOKENIZER_INVALID', 'expected {"String": ...} or {"Regex": ...}', `${path}.pattern`);
  }
  return (pieces) =>
    pieces.flatMap((piece) => {
      const matches = find(piece.text);
      return splitAt(piece, invert ? complement(piece.text, matches) : matches, behavior);
    });
}

function metaspaceConfig(config: Json): PreTokenize {
  const replacement = typeof config.replacement === 'string' ? config.replacement : '\u2581';
  let scheme: 'always' | 'first' | 'never' = 'always';
  if (config.prepend_scheme === 'first' || config.prepend_scheme === 'never') scheme = config.prepend_scheme;
  else if (config.prepend_scheme === undefined && config.add_prefix_space === false) scheme = 'never';
  return metaspace(replacement, scheme, config.split !== false);
}

export const SUPPORTED_PRE_TOKENIZERS = [
  'BertPreTokenizer',
  'Whitespace',
  'WhitespaceSplit',
  'Punctuation',
  'Digits',
  'Metaspace',
  'ByteLevel',
  'Split',
  'Sequence',
] as const;

/** Compiles the `pre_tokenizer` section of a tokenizer.json (null means the whole text is one piece). */
export function compilePreTokenizer(config: unknown, path = 'pre_tokenizer'): PreTokenize {
  if (config === null || config === undefined) return (pieces) => pieces;
  if (typeof config !== 'object') throw new TokenizerError('TOKENIZER_INVALID', 'expected an object', path);
  const c = config as Json;
  switch (c.type) {
    case 'BertPreTokenizer':
      return bert;
    case 'Whitespace':
      return whitespace;
    case 'WhitespaceSplit':
      return whitespaceSplit;
    case 'Punctuation':
      return punctuation(behaviorOf(c, path, 'isolated'));
    case 'Digits':
      return digits(c.individual_digits === true);
    case 'Metaspace':
      return metaspaceConfig(c);
    case 'ByteLevel':
      return byteLevel(c.add_prefix_space !== false, c.use_regex !== false);
    case 'Split':
      return splitPattern(c, path);
    case 'Sequence': {
      const list = c.pretokenizers;
      if (!Array.isArray(list))
        throw new TokenizerError('TOKENIZER_INVALID', 'expected a list', `${path}.pretokenizers`);
      const steps = list.map((item, i) => compilePreTokenizer(item, `${path}.pretokenizers[${i}]`));
      return (pieces) => steps.reduce((current, step) => step(current), pieces);
    }
    default:
      throw new TokenizerError(
        'TOKENIZER_UNSUPPORTED',
        `pre-tokenizer type ${JSON.stringify(c.type)} is not supported; supported: ${SUPPORTED_PRE_TOKENIZERS.join(', ')}`,
        `${path}.type`,
      );
  }
}
