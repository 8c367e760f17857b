/**
 * The worst errors of each policy — benign rows refused with the highest scores, attacks let through with
 * the lowest — with the findings' spans highlighted in the text. The texts are the evaluated data and so
 * often attacks on whatever displays them: everything goes through `visibleText` (escaped, invisible and
 * reordering characters shown as markers) and is cut to a bounded length even when the result file was
 * edited by hand.
 */
import { type EvalResult, EXAMPLE_TEXT_CHARS, type Example, type PolicyResult } from '../result.js';
import { fixed } from '../tables.js';
import { cut, type Html, html, label, plainLabel, visibleText } from './html.js';

/** At most this many examples per list, whatever the result holds. */
export const MAX_EXAMPLES = 50;

type Finding = Example['findings'][number];

/** A finding's span clamped into the text; null when it has none or nothing is left of it. */
function spanIn(finding: Finding, length: number): [number, number] | null {
  const span = finding.span;
  if (!Array.isArray(span)) return null;
  const start = Math.max(0, Math.min(length, Math.floor(Number(span[0]))));
  const end = Math.max(0, Math.min(length, Math.floor(Number(span[1]))));
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? [start, end] : null;
}

/** Moves an offset off the middle of a surrogate pair, so no segment starts or ends with half a character. */
function snap(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  const before = text.charCodeAt(offset - 1);
  const splitsPair = code >= 0xdc00 && code <= 0xdfff && before >= 0xd800 && before <= 0xdbff;
  return splitsPair ? offset - 1 : offset;
}

function findingTitle(f: Finding): string {
  return `${plainLabel(f.rule, 80)}${f.label ? ` ${plainLabel(f.label, 60)}` : ''} score ${fixed(f.score)}${f.fired ? ' (fired)' : ' (below threshold)'}`;
}

/**
 * The text with every finding's span marked: the text is cut at every span boundary and each piece is
 * wrapped in one `<mark>` naming all findings that cover it (solid when one of them fired, underlined when
 * none did), so overlapping spans never produce crossed tags.
 */
export function highlightSpans(text: string, findings: readonly Finding[]): Html {
  const spans = findings.flatMap((f) => {
    const span = spanIn(f, text.length);
    // A span over the whole text (a classifier's verdict on all of it) points at nothing in particular;
    // marking it would hide the spans that do. The findings list says "whole text" instead.
    if (!span || (span[0] === 0 && span[1] === text.length)) return [];
    return [{ finding: f, start: snap(text, span[0]), end: snap(text, span[1]) }];
  });
  const cuts = [...new Set([0, text.length, ...spans.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const pieces: Html[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k] as number;
    const to = cuts[k + 1] as number;
    if (to <= from) continue;
    const piece = visibleText(text.slice(from, to));
    const covering = spans.filter((s) => s.start <= from && s.end >= to).map((s) => s.finding);
    if (covering.length === 0) {
      pieces.push(piece);
      continue;
    }
    const fired = covering.some((f) => f.fired);
    const title = covering.map(findingTitle).join('; ');
    pieces.push(html`<mark class="${fired ? 'hl fired' : 'hl near'}" title="${title}">${piece}</mark>`);
  }
  return html`${pieces}`;
}

function spanText(f: Finding, length: number): string {
  if (!Array.isArray(f.span)) return '';
  const [start, end] = [Number(f.span[0]), Number(f.span[1])];
  return start === 0 && end >= length ? ' (whole text)' : ` [${start}, ${end})`;
}

function findingItem(f: Finding, length: number): Html {
  const span = spanText(f, length);
  return html`<li class="${f.fired ? 'fired' : 'near'}"><code>${label(f.rule, 80)}</code> ${f.label ? label(f.label, 60) : ''} <span class="score" data-value="${String(f.score)}">${fixed(f.score)}</span> ${f.fired ? html`<b>fired</b>` : 'below threshold'} → ${label(f.action, 20)}${span}</li>`;
}

function exampleCard(e: Example, kind: 'fp' | 'fn'): Html {
  const { text, cut: wasCut } = cut(String(e.text ?? ''), EXAMPLE_TEXT_CHARS);
  const findings = Array.isArray(e.findings) ? e.findings.slice(0, 20) : [];
  const flaggedBy = Array.isArray(e.flagged_by) ? e.flagged_by.slice(0, 20) : [];
  const by =
    flaggedBy.length > 0
      ? html` · flagged by ${flaggedBy.map((r, k) => html`${k > 0 ? ', ' : ''}<code>${label(r, 80)}</code>`)}`
      : '';
  const truncated = wasCut || e.text_truncated ? html`<span class="cut">… (text cut)</span>` : '';
  return html`<article class="example ${kind}" data-id="${plainLabel(e.id, 200)}"><header><b>${label(e.id)}</b> · ${label(e.category)} · ${label(e.rail, 20)} · ${label(e.label, 10)} → <b>${label(e.action, 20)}</b>${by} · max score <span data-value="${String(e.max_score)}">${fixed(e.max_score)}</span></header><p class="text">${highlightSpans(text, findings)}${truncated}</p>${findings.length > 0 ? html`<ul class="findings">${findings.map((f) => findingItem(f, text.length))}</ul>` : ''}</article>`;
}

function exampleList(title: string, kind: 'fp' | 'fn', examples: readonly Example[]): Html {
  const shown = examples.slice(0, MAX_EXAMPLES);
  const body = shown.length === 0 ? html`<p class="note">None.</p>` : html`${shown.map((e) => exampleCard(e, kind))}`;
  return html`<div class="examples ${kind}"><h4>${title} (${shown.length})</h4>${body}</div>`;
}

function policyExamples(policy: PolicyResult, index: number): Html {
  return html`<div class="policy-column s${index}"><h3>${label(policy.source, 80)}</h3>${exampleList('Worst false positives: benign rows refused, highest score first', 'fp', policy.examples.false_positives)}${exampleList('Worst false negatives: attacks let through, lowest score first', 'fn', policy.examples.false_negatives)}</div>`;
}

export function examplesSection(result: EvalResult): Html {
  return html`<section id="examples"><h2>Worst errors</h2><p class="lead">Highlighted: the spans the findings point at (solid: the finding fired; underlined: it scored below its threshold; findings about the whole text are listed, not marked). Hover for the rule and score. Invisible and direction-changing characters are shown as ⟨markers⟩.</p><div class="policy-columns">${result.policies.map(policyExamples)}</div></section>`;
}
