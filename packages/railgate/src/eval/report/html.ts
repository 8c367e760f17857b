/**
 * HTML that is safe by construction. Everything in an eval result can be hostile — texts are attacks,
 * category names and ids come from the user's data, a result file can be hand-edited — so the report is
 * written with one tagged template, `html`, that escapes every interpolated value unless it is already
 * `Html` built the same way. There is no other way to put a string into the page except `trusted()`, which
 * only the report's own constants use (its CSS, its script).
 *
 * @example
 * ```ts
 * const cell = html`<td title="${row.id}">${row.text}</td>`; // both escaped
 * const page = html`<tr>${cells}</tr>`;                        // an Html array is inserted as is
 * ```
 */
import { BIDI_NAMES } from '../../scanners/invisible_text/index.js';
import { codePointLabel, escapeHtml } from '../escape.js';

/** A fragment of HTML that is known to be safe: produced by `html` or marked `trusted` by the report itself. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate: text (escaped), numbers, safe fragments, lists of those; null/false → nothing. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

/** The template tag: literal parts are the report's own markup, interpolations are escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Marks one of the report's own constants (CSS, script) as HTML. Never pass data to it. */
export function trusted(text: string): Html {
  return new Html(text);
}

/**
 * Characters that change how the text around them is shown or read, by name: the bidi controls by the
 * names the invisible_text scanner gives them in its findings (so the report and a finding agree), then the
 * zero-width characters, BOM, soft hyphen and CR, which the scanner does not name.
 */
const NAMED_CONTROLS: Readonly<Record<number, string>> = {
  ...BIDI_NAMES,
  8203: 'ZWSP',
  8204: 'ZWNJ',
  8205: 'ZWJ',
  8288: 'WJ',
  65279: 'BOM',
  173: 'SHY',
  13: 'CR',
};

/**
 * Code points that are drawn as a visible marker instead of themselves: C0/C1 controls (but tab and line
 * feed), bidirectional controls (they would reorder the report's own text around them), zero-width and
 * invisible characters, variation selectors, and lone surrogates (a cut through a pair). Tag characters
 * (ASCII smuggled as invisible U+E00xx) are matched first, by TAG_RUN.
 */
const HIDDEN =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB]|[\uFE00-\uFE0F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A run of tag characters (U+E0000–U+E007F): shown as the ASCII they smuggle. */
const TAG_RUN = /(?:\uDB40[\uDC00-\uDC7F])+/;

const SHOWN_AS_MARKER = new RegExp(`${TAG_RUN.source}|${HIDDEN.source}`, 'g');

/** The marker for one hidden character: its name or code point, with the code point as a tooltip. */
function controlMarker(char: string): string {
  const codePoint = char.codePointAt(0) as number;
  const name = NAMED_CONTROLS[codePoint] ?? codePointLabel(codePoint);
  return `<span class="cc" title="${codePointLabel(codePoint)}">⟨${name}⟩</span>`;
}

function tagRunMarker(run: string): string {
  const ascii = Array.from(run, (c) => String.fromCharCode((c.codePointAt(0) as number) - 0xe0000)).join('');
  const shown = ascii.replace(/[^\x20-\x7E]/g, '?');
  return `<span class="cc" title="${run.length / 2} tag characters (U+E0000 block)">⟨tags: ${escapeHtml(shown)}⟩</span>`;
}

/**
 * Untrusted text as HTML: escaped, with every hidden or reordering character replaced by a visible marker
 * (tag-character runs decoded), so what the reader sees is what the scanner saw. Line feeds and tabs stay.
 */
export function visibleText(text: string): Html {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SHOWN_AS_MARKER)) {
    const index = match.index;
    out += escapeHtml(text.slice(last, index));
    const isTagRun = match[0].length >= 2 && match[0].startsWith('\uDB40');
    out += isTagRun ? tagRunMarker(match[0]) : controlMarker(match[0]);
    last = index + match[0].length;
  }
  out += escapeHtml(text.slice(last));
  return new Html(out);
}

/** Cuts a text to `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), cut: true };
}

/** A short label from the data (an id, a category, a rule key): cut, hidden characters shown. */
export function label(text: unknown, max = 120): Html {
  const { text: shown, cut: wasCut } = cut(String(text ?? ''), max);
  return wasCut ? html`${visibleText(shown)}…` : visibleText(shown);
}

/** A short label from the data as plain text (for attributes and SVG titles): cut, hidden characters named. */
export function plainLabel(text: unknown, max = 120): string {
  const { text: shown, cut: wasCut } = cut(String(text ?? ''), max);
  const named = shown.replace(SHOWN_AS_MARKER, (c) => {
    const codePoint = c.codePointAt(0) as number;
    return `⟨${NAMED_CONTROLS[codePoint] ?? codePointLabel(codePoint)}⟩`;
  });
  return wasCut ? `${named}…` : named;
}
