/**
 * Finds URLs in text: markdown images and links (inline and reference-style), HTML attributes that load
 * or link (`src`, `href`, ...), and plain URLs (`scheme://…`, `www.…`, `javascript:…`). Written as
 * bounded scans over `](`, `][` and `]:` rather than one large regex, so brackets, quotes and unterminated
 * constructs in 100 KB of text cost linear time.
 */

/**
 * How the URL appears: `image` is fetched by the client without a click (markdown image, `<img src>`),
 * `link` needs a click, `plain` is bare text that many chat UIs turn into a link.
 */
export type UrlKind = 'image' | 'link' | 'plain';

export interface FoundUrl {
  /** Offsets of the URL itself in the searched text. */
  start: number;
  end: number;
  url: string;
  kind: UrlKind;
}

/** Characters scanned back from `](` for the opening `[`; alt texts are short. */
const MAX_LABEL = 1000;
/** Parentheses a markdown destination may nest before it is not a destination. */
const MAX_PAREN_DEPTH = 8;
const MAX_URLS = 4096;
const MAX_ANGLE_DESTINATION = 8192;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c;
}

/** Index of the `[` that opens the label closed at `close`, or -1 (no `]` or line break in between). */
function labelStart(text: string, close: number): number {
  const limit = Math.max(0, close - MAX_LABEL);
  for (let i = close - 1; i >= limit; i--) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b) return i;
    if (ch === 0x5d || ch === 0x0a) return -1;
  }
  return -1;
}

/** A markdown inline destination starting at `at` (just after `(`): [start, end) and the `)` position. */
function destination(text: string, at: number): { start: number; end: number } | null {
  let i = at;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) && i < at + 3) i++;
  if (text.charCodeAt(i) === 0x3c) {
    // Searches are bounded so text full of unclosed `](<` costs linear time.
    const rest = text.slice(i + 1, i + 1 + MAX_ANGLE_DESTINATION);
    const close = rest.indexOf('>');
    const newline = rest.indexOf('\n');
    if (close < 0 || (newline >= 0 && newline < close)) return null;
    return { start: i + 1, end: i + 1 + close };
  }
  const start = i;
  let depth = 0;
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) break;
    if (ch === 0x28) {
      if (++depth > MAX_PAREN_DEPTH) return null;
    } else if (ch === 0x29) {
      if (depth === 0) break;
      depth--;
    }
  }
  if (i === start || depth !== 0) return null;
  // The destination must be closed by `)` directly or after a title on the same line.
  if (text.charCodeAt(i) === 0x29) return { start, end: i };
  const title = text.slice(i, i + 300);
  const close = title.indexOf(')');
  const lineEnd = title.indexOf('\n');
  if (close < 0 || (lineEnd >= 0 && lineEnd < close)) return null;
  return { start, end: i };
}

/** Labels used by reference-style images (`![alt][label]`), lowercased. */
function imageReferenceLabels(text: string): Set<string> {
  const labels = new Set<string>();
  for (let at = text.indexOf(']['); at >= 0; at = text.indexOf('][', at + 2)) {
    const open = labelStart(text, at);
    if (open <= 0 || text.charCodeAt(open - 1) !== 0x21) continue;
    const close = text.indexOf(']', at + 2);
    if (close < 0 || close - at > 200) continue;
    labels.add(
      text
        .slice(at + 2, close)
        .trim()
        .toLowerCase(),
    );
  }
  return labels;
}

const REFERENCE_DEFINITION = /^[ ]{0,3}\[([^\]\n]{1,200})\]:[ \t]{0,8}<?([^\s>]{1,65536})/gm;

function markdownUrls(text: string, found: FoundUrl[]): void {
  for (let at = text.indexOf(']('); at >= 0 && found.length < MAX_URLS; at = text.indexOf('](', at + 2)) {
    const open = labelStart(text, at);
    if (open < 0) continue;
    const dest = destination(text, at + 2);
    if (!dest) continue;
    const kind: UrlKind = open > 0 && text.charCodeAt(open - 1) === 0x21 ? 'image' : 'link';
    found.push({ start: dest.start, end: dest.end, url: text.slice(dest.start, dest.end), kind });
  }
  if (!text.includes(']:')) return;
  const imageLabels = imageReferenceLabels(text);
  for (const match of text.matchAll(REFERENCE_DEFINITION)) {
    if (found.length >= MAX_URLS) break;
    const label = (match[1] ?? '').trim().toLowerCase();
    const url = match[2] ?? '';
    const start = (match.index ?? 0) + match[0].length - url.length;
    found.push({ start, end: start + url.length, url, kind: imageLabels.has(label) ? 'image' : 'link' });
  }
}

/** `src=` and friends make the browser fetch without a click; `href=` and `action=` need one. */
const HTML_ATTRIBUTE =
  /\b(src|srcset|poster|background|data|href|action|formaction|xlink:href)[ \t]{0,3}=[ \t]{0,3}(?:"([^"]{0,65536})"|'([^']{0,65536})'|([^\s"'<>`]{1,65536}))/gi;
const FETCHING_ATTRIBUTES = new Set(['src', 'srcset', 'poster', 'background', 'data']);

function htmlUrls(text: string, found: FoundUrl[]): void {
  if (!text.includes('=')) return;
  for (const match of text.matchAll(HTML_ATTRIBUTE)) {
    if (found.length >= MAX_URLS) break;
    const value = match[2] ?? match[3] ?? match[4] ?? '';
    if (value.trim() === '') continue;
    const quoted = match[2] !== undefined || match[3] !== undefined;
    const start = (match.index ?? 0) + match[0].length - value.length - (quoted ? 1 : 0);
    const attribute = (match[1] ?? '').toLowerCase();
    const kind: UrlKind = FETCHING_ATTRIBUTES.has(attribute) ? 'image' : 'link';
    found.push({ start, end: start + value.length, url: value, kind });
  }
}

const DANGEROUS_PLAIN = /\b(?:javascript|vbscript|data):(?=\S)/gi;
const WWW = /www\./gi;

function isSchemeChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2b ||
    code === 0x2e ||
    code === 0x2d
  );
}

function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/** Start of the scheme before `://` at `colon` (2 to 32 characters, starting with a letter), or -1. */
function schemeStart(text: string, colon: number): number {
  let start = colon;
  while (start > 0 && colon - start < 32 && isSchemeChar(text.charCodeAt(start - 1))) start--;
  while (start < colon && !isLetter(text.charCodeAt(start))) start++;
  return colon - start >= 2 ? start : -1;
}

/** End of a plain URL: it runs until whitespace, a quote, an angle bracket or a backtick. */
function plainEnd(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x22 || code === 0x27 || code === 0x3c || code === 0x3e || code === 0x60) break;
  }
  return i;
}

/** Candidate starts of plain URLs, from cheap searches: `://`, `www.`, and script/data schemes. */
function plainStarts(text: string): number[] {
  const starts: number[] = [];
  for (let at = text.indexOf('://'); at >= 0 && starts.length < MAX_URLS; at = text.indexOf('://', at + 3)) {
    const start = schemeStart(text, at);
    if (start >= 0) starts.push(start);
  }
  if (/www\./i.test(text)) {
    for (const match of text.matchAll(WWW)) {
      const at = match.index ?? 0;
      if (at === 0 || !isSchemeChar(text.charCodeAt(at - 1))) starts.push(at);
      if (starts.length >= MAX_URLS) break;
    }
  }
  if (/script:|data:/i.test(text)) {
    for (const match of text.matchAll(DANGEROUS_PLAIN)) starts.push(match.index ?? 0);
  }
  return starts.sort((a, b) => a - b);
}

const PUNCTUATION = new Set([0x2e, 0x2c, 0x3b, 0x3a, 0x21, 0x3f, 0x2a, 0x5f, 0x7e]); // . , ; : ! ? * _ ~

/** Trailing characters that are sentence punctuation rather than URL, and closers without an opener. */
function trimPlain(url: string): string {
  // Net openers per bracket type; negative means unmatched closers that may be trimmed from the end.
  let parens = 0;
  let brackets = 0;
  let braces = 0;
  for (let i = 0; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code === 0x28) parens++;
    else if (code === 0x29) parens--;
    else if (code === 0x5b) brackets++;
    else if (code === 0x5d) brackets--;
    else if (code === 0x7b) braces++;
    else if (code === 0x7d) braces--;
  }
  let end = url.length;
  while (end > 0) {
    const code = url.charCodeAt(end - 1);
    if (PUNCTUATION.has(code)) end--;
    else if (code === 0x29 && parens < 0) {
      parens++;
      end--;
    } else if (code === 0x5d && brackets < 0) {
      brackets++;
      end--;
    } else if (code === 0x7d && braces < 0) {
      braces++;
      end--;
    } else break;
  }
  return url.slice(0, end);
}

/** Whether `at` falls inside one of the sorted, non-overlapping-by-start spans. */
function isCovered(spans: ReadonlyArray<readonly [number, number]>, at: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid] as readonly [number, number])[0] <= at) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = last; i >= 0 && i > last - 4; i--) {
    const span = spans[i] as readonly [number, number];
    if (at >= span[0] && at < span[1]) return true;
  }
  return false;
}

function plainUrls(text: string, found: FoundUrl[], covered: ReadonlyArray<readonly [number, number]>): void {
  let lastEnd = 0;
  for (const start of plainStarts(text)) {
    if (found.length >= MAX_URLS) break;
    if (start < lastEnd || isCovered(covered, start)) continue;
    const end = plainEnd(text, start);
    lastEnd = end;
    const url = trimPlain(text.slice(start, end));
    if (url.length <= 4 || url.endsWith('://')) continue;
    found.push({ start, end: start + url.length, url, kind: 'plain' });
  }
}

/** Every URL in the text, in order of position; a URL inside markdown or HTML is reported once, with that kind. */
export function extractUrls(text: string): FoundUrl[] {
  const structured: FoundUrl[] = [];
  if (text.includes('](') || text.includes(']:')) markdownUrls(text, structured);
  htmlUrls(text, structured);
  const covered = structured.map((u) => [u.start, Math.max(u.end, u.start + 1)] as const).sort((a, b) => a[0] - b[0]);
  const plain: FoundUrl[] = [];
  if (/:\/\/|www\.|script:|data:/i.test(text)) plainUrls(text, plain, covered);
  return [...structured, ...plain].sort((a, b) => a.start - b.start);
}
