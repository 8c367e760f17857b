/**
 * Masking: replace the spans of fired `mask` findings with placeholders such as `[PII:EMAIL_1]`.
 * Overlapping spans merge into one placeholder (the highest-scoring finding names it), and the same
 * original value always gets the same number within one text, so "mail a@b.c, then a@b.c again" keeps
 * telling the model that both mentions are one person.
 */
import type { Finding, Verdict } from './types.js';

export interface MaskSpan {
  start: number;
  end: number;
  category: string;
  label?: string;
  rule: string;
  score: number;
}

export interface MaskResult {
  text: string;
  /** The placeholders written, in text order, with the raw span each replaced. */
  replacements: Array<{ start: number; end: number; placeholder: string }>;
}

/** Sorts and merges overlapping spans; the strongest span of a merged group names it. */
/** The mask span of a finding (its `span`, passed once narrowed) of rule `rule`. */
export function maskSpanOf(finding: Finding, span: [number, number], rule: string): MaskSpan {
  return {
    start: span[0],
    end: span[1],
    category: finding.category,
    label: finding.label,
    rule,
    score: finding.score,
  };
}

/** The spans a verdict masked: its fired findings whose action is `mask`. */
export function maskSpansOf(verdict: Verdict): MaskSpan[] {
  const spans: MaskSpan[] = [];
  for (const f of verdict.findings) {
    if (f.fired && f.action === 'mask' && f.span) spans.push(maskSpanOf(f, f.span, f.rule));
  }
  return spans;
}

export function mergeSpans(spans: readonly MaskSpan[]): MaskSpan[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MaskSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      const stronger =
        span.score > last.score || (span.score === last.score && span.end - span.start > last.end - last.start);
      const end = Math.max(last.end, span.end);
      merged[merged.length - 1] = stronger ? { ...span, start: last.start, end } : { ...last, end };
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

const TOKEN = /\{(CATEGORY|category|LABEL|label|n|rule)\}/g;

export function formatPlaceholder(format: string, span: MaskSpan, n: number): string {
  const label = span.label ?? span.category;
  return format.replace(TOKEN, (_, token: string) => {
    switch (token) {
      case 'CATEGORY':
        return span.category.toUpperCase();
      case 'category':
        return span.category;
      case 'LABEL':
        return label.toUpperCase();
      case 'label':
        return label.toLowerCase();
      case 'rule':
        return span.rule;
      default:
        return String(n);
    }
  });
}

export function applyMasks(text: string, spans: readonly MaskSpan[], format: string): MaskResult {
  const merged = mergeSpans(spans);
  const numbers = new Map<string, Map<string, number>>();
  const replacements: MaskResult['replacements'] = [];
  let out = '';
  let copied = 0;
  for (const span of merged) {
    const key = `${span.category}\u0000${span.label ?? ''}`;
    let perValue = numbers.get(key);
    if (!perValue) {
      perValue = new Map();
      numbers.set(key, perValue);
    }
    const original = text.slice(span.start, span.end);
    let n = perValue.get(original);
    if (n === undefined) {
      n = perValue.size + 1;
      perValue.set(original, n);
    }
    const placeholder = formatPlaceholder(format, span, n);
    out += text.slice(copied, span.start) + placeholder;
    copied = span.end;
    replacements.push({ start: span.start, end: span.end, placeholder });
  }
  out += text.slice(copied);
  return { text: out, replacements };
}
