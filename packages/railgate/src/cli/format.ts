/**
 * Human-readable verdicts for the terminal: the decision first, then each finding with its score against
 * the threshold and the text around its span, the span underlined (or bracketed without colour).
 */
import type { Verdict } from '../engine/types.js';

export interface Style {
  color: boolean;
}

const CODES = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  underline: [4, 24],
} as const;

export type Paint = (name: keyof typeof CODES, text: string) => string;

export function painter(style: Style): Paint {
  return (name, text) => (style.color ? `\u001b[${CODES[name][0]}m${text}\u001b[${CODES[name][1]}m` : text);
}

/** Colour when writing to a terminal, unless NO_COLOR is set; FORCE_COLOR forces it. */
export function detectColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const ACTION_COLOR = {
  block: 'red',
  mask: 'magenta',
  review: 'yellow',
  warn: 'yellow',
  log: 'blue',
  allow: 'green',
} as const;

/** Control characters and invisible code points shown as escapes so a terminal cannot be tricked by them. */
export function visible(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu,
      (ch) => {
        const cp = ch.codePointAt(0) ?? 0;
        return cp > 0xffff
          ? `\\u{${cp.toString(16).toUpperCase()}}`
          : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      },
    )
    .replace(/\n/g, '⏎ ')
    .replace(/\t/g, '⇥ ');
}

/** The text around a span, with the span highlighted; long contexts are cut with an ellipsis. */
export function excerpt(
  text: string,
  span: readonly [number, number],
  paint: Paint,
  color: boolean,
  context = 40,
): string {
  const [start, end] = span;
  const from = Math.max(0, start - context);
  const to = Math.min(text.length, end + context);
  const hit = text.slice(start, Math.min(end, start + 200)) + (end - start > 200 ? '…' : '');
  const marked = color ? paint('underline', paint('bold', visible(hit))) : `[[${visible(hit)}]]`;
  return `${from > 0 ? '…' : ''}${visible(text.slice(from, start))}${marked}${visible(text.slice(end, to))}${to < text.length ? '…' : ''}`;
}

export function formatVerdict(verdict: Verdict, text: string, style: Style): string {
  const paint = painter(style);
  const lines: string[] = [];
  const head = paint(ACTION_COLOR[verdict.action], paint('bold', verdict.action.toUpperCase().padEnd(6)));
  lines.push(
    `${head} ${verdict.rail}  ${paint('gray', `policy ${verdict.policy.id} ${verdict.policy.version}  ${verdict.latency_us.total} µs  decision ${verdict.decision_id}`)}`,
  );
  if (verdict.reason) lines.push(`  reason: ${verdict.reason}`);
  const shown = verdict.findings.filter((f) => f.fired || f.score >= 0.3).slice(0, 50);
  for (const f of shown) {
    const mark = f.fired ? paint(ACTION_COLOR[f.action === 'review' ? 'review' : f.action], '●') : paint('gray', '○');
    const label = [f.category, f.label].filter(Boolean).join('/');
    const meta = [
      `score ${f.score.toFixed(2)} ${f.fired ? '≥' : '<'} threshold`,
      f.fired ? f.action : 'not fired',
      f.view && f.view !== 'raw' ? `via ${f.view}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${mark} ${paint('bold', f.rule)} ${label}  ${paint('gray', meta)}`);
    if (f.span) lines.push(`      ${excerpt(text, f.span, paint, style.color)}`);
    if (f.evidence) lines.push(`      ${paint('gray', visible(f.evidence))}`);
  }
  const hidden = verdict.findings.length - shown.length;
  if (hidden > 0) lines.push(paint('gray', `  … ${hidden} more finding(s) below 0.30 (use --json to see all)`));
  for (const e of verdict.errors) lines.push(`  ${paint('red', '!')} ${e.rule} ${e.kind}: ${e.message}`);
  if (verdict.masked_text !== undefined) lines.push(`  masked: ${visible(verdict.masked_text)}`);
  if (verdict.findings.length === 0 && verdict.errors.length === 0) lines.push(paint('gray', '  no findings'));
  return lines.join('\n');
}
