/**
 * Untrusted text (attack prompts, model answers, names from data files) quoted in reports, cards and red-team
 * summaries. An attack may carry HTML, Markdown links or images, or invisible characters; in any of them it
 * must read as text and do nothing. This is the one escaping module: the eval report's `html` template
 * (report/html.ts) escapes with `escapeHtml`; the card's HTML and every Markdown output call these directly.
 */

/** Text for an HTML element or an attribute value in double or single quotes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text for inline Markdown (a table cell, a list item, a blockquote line): HTML characters as entities, the
 * characters that start emphasis, links, images, code or headings escaped with a backslash (a link or an
 * image needs its `[`, so `(` can stay), on one line. Table cells: `markdownTable` escapes `|` itself.
 * Invisible and control characters are shown as `⟨U+XXXX⟩` so a reader sees that something is there.
 */
export function markdownText(text: string): string {
  return visibleCodePoints(text.replace(/\s+/g, ' '))
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c] ?? c)
    .replace(/[\\`*_[\]#~]/g, '\\$&');
}

/** Runs of controls, zero-width and bidi characters, tag characters: the ones a reader would not see. */
const INVISIBLE_RUN =
  /[\u0000-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\u{E0000}-\u{E007F}]+/gu;

/** A code point as it is written in Unicode charts: `U+200B`, `U+E0041`. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Replaces each run of invisible characters with a visible marker: `⟨U+200B⟩` for one, `⟨32 invisible
 * characters from U+E0049⟩` for a run (tag smuggling hides a whole sentence that way).
 */
export function visibleCodePoints(text: string): string {
  return text.replace(INVISIBLE_RUN, (run) => {
    const points = [...run];
    const first = codePointLabel(run.codePointAt(0) ?? 0);
    return points.length === 1 ? `⟨${first}⟩` : `⟨${points.length} invisible characters from ${first}⟩`;
  });
}

/**
 * Text as an inline Markdown code span, on one line. Nothing inside a code span is interpreted (not even
 * backslash escapes or entities), so only the fence matters: one backtick more than the longest run inside.
 */
export function markdownCode(text: string): string {
  const flat = visibleCodePoints(text.replace(/\s+/g, ' '));
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
