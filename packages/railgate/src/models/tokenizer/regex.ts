/**
 * Regexes from a tokenizer.json (Replace normalizers, Split pre-tokenizers) run on RE2: linear time
 * whatever the pattern, since the file comes with a model, not from us. The reference implementation
 * compiles them with Oniguruma, where `\s`, `\w` and `\d` are Unicode classes; in RE2 they are ASCII. So
 * those escapes are rewritten to the Unicode sets first (a NBSP or an ideographic space must split a
 * word the way it did when the model was trained).
 */
import { RE2JS } from 're2js';
import { TokenizerError } from './errors.js';

/** Unicode White_Space, spelled for RE2 (it has no binary-property classes). */
const WHITE_SPACE =
  '\\t\\n\\x{0b}\\f\\r \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}';
/**
 * Oniguruma's Unicode word characters: Alphabetic (letters, letter numbers, circled and squared Latin
 * letters), marks, decimal digits and connector punctuation. Outside a bracket class it also counts the
 * Latin-1 superscripts and fractions (² ³ ¹ ¼ ½ ¾) as word characters, inside one it does not. Both
 * checked against the reference on every code point up to U+2FFFF (but those assigned by Unicode versions
 * newer than its tables).
 */
const WORD_IN_CLASS =
  '\\pL\\pM\\p{Nd}\\p{Nl}\\p{Pc}\\x{24b6}-\\x{24e9}\\x{1f130}-\\x{1f149}\\x{1f150}-\\x{1f169}\\x{1f170}-\\x{1f189}';
const WORD = `${WORD_IN_CLASS}\\x{b2}\\x{b3}\\x{b9}\\x{bc}-\\x{be}`;

const OUTSIDE_CLASS: Record<string, string> = {
  s: `[${WHITE_SPACE}]`,
  S: `[^${WHITE_SPACE}]`,
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  d: '\\p{Nd}',
  D: '\\P{Nd}',
};

/** Inside `[...]` only the positive sets can be spliced in; `\S` and `\W` there keep RE2's ASCII meaning. */
const INSIDE_CLASS: Record<string, string> = { s: WHITE_SPACE, w: WORD_IN_CLASS, d: '\\p{Nd}', D: '\\P{Nd}' };

/** Rewrites `\s \S \w \W \d \D` to their Unicode meaning; everything else is copied as written. */
export function unicodeClasses(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1] as string;
      out += (inClass ? INSIDE_CLASS : OUTSIDE_CLASS)[next] ?? `\\${next}`;
      i++;
      continue;
    }
    if (ch === '[' && !inClass) {
      inClass = true;
      out += ch;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (ch === ']' && inClass) inClass = false;
    out += ch;
  }
  return out;
}

/** Compiles a tokenizer.json regex; a pattern RE2 cannot run (look-around, back-references) is unsupported. */
export function compileRegex(pattern: string, path: string): RE2JS {
  try {
    return RE2JS.compile(unicodeClasses(pattern));
  } catch (error) {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED',
      `regex ${JSON.stringify(pattern)} is not supported (it is run on RE2, without look-around or back-references: ${(error as Error).message})`,
      path,
    );
  }
}
