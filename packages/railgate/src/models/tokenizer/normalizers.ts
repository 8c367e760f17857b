/**
 * The normalizers of a Hugging Face tokenizer.json, as offset-keeping functions. Supported: BertNormalizer,
 * Lowercase, NFC/NFD/NFKC/NFKD, StripAccents, Strip, Replace (string or regex, see regex.ts),
 * Prepend, Nmt, Precompiled (approximated by NFKC, see `precompiled`) and Sequence of these.
 */
import type { RE2JS } from 're2js';
import { type Aligned, AlignedBuilder, rangeOf, rewriteUnits } from './aligned.js';
import { TokenizerError } from './errors.js';
import { compileRegex } from './regex.js';

export type Normalize = (text: Aligned) => Aligned;

type Json = Record<string, unknown>;

const IDENTITY: Normalize = (text) => text;

/** One code point (a surrogate pair counts as one). */
const CODE_POINT = /[\s\S]/gu;
/** A character with the combining marks that follow it: the unit Unicode normalization works on. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;
const NONSPACING_MARK = /\p{Mn}/u;
const NONSPACING_MARKS = /\p{Mn}+/gu;

export function lowercase(text: Aligned): Aligned {
  const lower = text.text.toLowerCase();
  // Almost always one code unit in, one out: keep the offsets as they are.
  if (lower.length === text.text.length) return { text: lower, starts: text.starts, ends: text.ends };
  return rewriteUnits(text, CODE_POINT, (ch) => ch.toLowerCase());
}

export function unicodeForm(form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'): Normalize {
  return (text) => {
    if (text.text.normalize(form) === text.text) return text;
    return rewriteUnits(text, CLUSTER, (cluster) => cluster.normalize(form));
  };
}

const nfd = unicodeForm('NFD');

/** Removes combining marks; meant to follow NFD/NFKD, as in Hugging Face pipelines. */
export function stripAccents(text: Aligned): Aligned {
  if (!NONSPACING_MARK.test(text.text)) return text;
  return rewriteUnits(text, NONSPACING_MARKS, () => '');
}

/** Unicode White_Space, as Rust's `char::is_whitespace` (JS `\s` also matches U+FEFF and misses U+0085). */
const WHITE_SPACE = /^\p{White_Space}$/u;

function isWhitespace(ch: string): boolean {
  return WHITE_SPACE.test(ch);
}

/** Control and format characters, unassigned and private-use code points; tab and newlines excepted. */
const OTHER = /[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}]/u;

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Characters BERT's cleanup may change: whitespace other than the space, "other" code points, U+FFFD, CJK ideographs. */
const BERT_CLEAN_UNIT =
  /[^\P{White_Space} ]|\p{C}|\ufffd|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/gu;

/** BERT's cleanup: drop control characters, turn every whitespace into a space, space out CJK ideographs. */
function bertClean(cleanText: boolean, chineseChars: boolean): Normalize {
  return (text) =>
    rewriteUnits(text, BERT_CLEAN_UNIT, (ch) => {
      const cp = ch.codePointAt(0) as number;
      if (cleanText) {
        // Same order as the reference: tab and newlines are spaces, other controls go, then whitespace.
        if (ch === '\t' || ch === '\n' || ch === '\r') return ' ';
        if (cp === 0 || cp === 0xfffd || OTHER.test(ch)) return '';
        if (isWhitespace(ch)) return ' ';
      }
      if (chineseChars && isCjk(cp)) return ` ${ch} `;
      return null;
    });
}

function bertNormalizer(config: Json): Normalize {
  const lower = config.lowercase !== false;
  const strip = typeof config.strip_accents === 'boolean' ? config.strip_accents : lower;
  const steps: Normalize[] = [bertClean(config.clean_text !== false, config.handle_chinese_chars !== false)];
  if (strip) steps.push(nfd, stripAccents);
  if (lower) steps.push(lowercase);
  return sequence(steps);
}

function strip(left: boolean, right: boolean): Normalize {
  return (text) => {
    let from = 0;
    let to = text.text.length;
    while (left && from < to && isWhitespace(text.text[from] as string)) from++;
    while (right && to > from && isWhitespace(text.text[to - 1] as string)) to--;
    if (from === 0 && to === text.text.length) return text;
    return { text: text.text.slice(from, to), starts: text.starts.slice(from, to), ends: text.ends.slice(from, to) };
  };
}

/** Replaces every match of `find` (a literal or an RE2 pattern) with `content`, mapped to the match's range. */
function replace(find: { literal: string } | { regex: RE2JS }, content: string): Normalize {
  return (text) => {
    const out = new AlignedBuilder();
    let copied = 0;
    const emit = (start: number, end: number): void => {
      out.copy(text, copied, start);
      const [rawStart, rawEnd] = rangeOf(text, start, end);
      out.push(content, rawStart, rawEnd);
      copied = end;
    };
    if ('literal' in find) {
      if (find.literal === '') return text;
      for (let at = text.text.indexOf(find.literal); at >= 0; at = text.text.indexOf(find.literal, copied)) {
        emit(at, at + find.literal.length);
      }
    } else {
      const matcher = find.regex.matcher(text.text);
      while (matcher.find()) {
        if (matcher.end() > matcher.start()) emit(matcher.start(), matcher.end());
      }
    }
    if (copied === 0) return text;
    out.copy(text, copied, text.text.length);
    return out.build();
  };
}

function prepend(prefix: string): Normalize {
  return (text) => {
    if (text.text.length === 0 || prefix === '') return text;
    const out = new AlignedBuilder();
    const start = text.starts[0] as number;
    out.push(prefix, start, start);
    out.copy(text, 0, text.text.length);
    return out.build();
  };
}

/** The control-character cleanup SentencePiece's NMT rules apply. */
const NMT_REMOVED = /[\u0001-\u0008\u000b\u000e-\u001f\u007f\u008f\u009f]+/gu;
const NMT_SPACE = /[\t\n\f\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]/gu;

function nmt(text: Aligned): Aligned {
  return rewriteUnits(
    rewriteUnits(text, NMT_REMOVED, () => ''),
    NMT_SPACE,
    () => ' ',
  );
}

/**
 * SentencePiece's compiled normalization map (DeBERTa-v3, XLM-R, T5). Its rules are NFKC plus the NMT
 * cleanup; decoding the compiled trie itself is not implemented, so rare characters whose custom rule
 * differs from NFKC may tokenize differently from the Python library.
 */
const precompiled = (): Normalize => sequence([nmt, unicodeForm('NFKC')]);

function sequence(steps: readonly Normalize[]): Normalize {
  if (steps.length === 0) return IDENTITY;
  if (steps.length === 1) return steps[0] as Normalize;
  return (text) => steps.reduce((current, step) => step(current), text);
}

function stringField(config: Json, key: string, path: string, fallback?: string): string {
  const value = config[key] ?? fallback;
  if (typeof value !== 'string') throw new TokenizerError('TOKENIZER_INVALID', `expected a string`, `${path}.${key}`);
  return value;
}

function replacePattern(config: Json, path: string): { literal: string } | { regex: RE2JS } {
  const pattern = config.pattern as Json | undefined;
  if (pattern && typeof pattern.String === 'string') return { literal: pattern.String };
  if (pattern && typeof pattern.Regex === 'string')
    return { regex: compileRegex(pattern.Regex, `${path}.pattern.Regex`) };
  throw new TokenizerError('TOKENIZER_INVALID', 'expected {"String": ...} or {"Regex": ...}', `${path}.pattern`);
}

export const SUPPORTED_NORMALIZERS = [
  'BertNormalizer',
  'Lowercase',
  'NFC',
  'NFD',
  'NFKC',
  'NFKD',
  'StripAccents',
  'Strip',
  'Replace',
  'Prepend',
  'Nmt',
  'Precompiled',
  'Sequence',
] as const;

/** Compiles the `normalizer` section of a tokenizer.json (null means none). */
export function compileNormalizer(config: unknown, path = 'normalizer'): Normalize {
  if (config === null || config === undefined) return IDENTITY;
  if (typeof config !== 'object') throw new TokenizerError('TOKENIZER_INVALID', 'expected an object', path);
  const c = config as Json;
  switch (c.type) {
    case 'BertNormalizer':
      return bertNormalizer(c);
    case 'Lowercase':
      return lowercase;
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return unicodeForm(c.type);
    case 'StripAccents':
      return stripAccents;
    case 'Strip':
      return strip(c.strip_left !== false, c.strip_right !== false);
    case 'Replace':
      return replace(replacePattern(c, path), stringField(c, 'content', path));
    case 'Prepend':
      return prepend(stringField(c, 'prepend', path));
    case 'Nmt':
      return nmt;
    case 'Precompiled':
      return precompiled();
    case 'Sequence': {
      const list = c.normalizers;
      if (!Array.isArray(list)) throw new TokenizerError('TOKENIZER_INVALID', 'expected a list', `${path}.normalizers`);
      return sequence(list.map((item, i) => compileNormalizer(item, `${path}.normalizers[${i}]`)));
    }
    default:
      throw new TokenizerError(
        'TOKENIZER_UNSUPPORTED',
        `normalizer type ${JSON.stringify(c.type)} is not supported; supported: ${SUPPORTED_NORMALIZERS.join(', ')}`,
        `${path}.type`,
      );
  }
}
