/**
 * The building blocks every section uses: metric cells that carry the exact number next to the rounded
 * one, tables, a figure with its data table folded underneath, and folded details. The data tables are a
 * chart's text alternative: a screen reader (or a reader who wants the numbers) gets every point.
 */
import { fixed, signed } from '../tables.js';
import { type Html, type HtmlValue, html } from './html.js';

/** The most rows any data table shows; past that it says how many it left out. */
export const MAX_TABLE_ROWS = 500;

/**
 * A number cell: the rounded figure as text, the exact value in `data-value` (tests and scripts read it),
 * and for an undefined metric a dash with the reason as its tooltip.
 */
export function metricCell(metric: string, value: number | null | undefined, why?: string, digits = 3): Html {
  if (value === null || value === undefined)
    return html`<td class="num undef" data-metric="${metric}" data-value="" title="${why ?? 'undefined'}">—</td>`;
  return html`<td class="num" data-metric="${metric}" data-value="${String(value)}">${fixed(value, digits)}</td>`;
}

/** A plain number cell for the big data tables (curve points): the rounded figure only, to keep the file small. */
export function numberCell(value: number | null | undefined, digits = 3): Html {
  return value === null || value === undefined
    ? html`<td class="num undef">—</td>`
    : html`<td class="num">${fixed(value, digits)}</td>`;
}

/** A count cell. */
export function countCell(metric: string, value: number): Html {
  return html`<td class="num" data-metric="${metric}" data-value="${String(value)}">${String(value)}</td>`;
}

/** A change from the base policy, marked better or worse (for recall higher is better, for over-refusal lower). */
export function deltaCell(metric: string, value: number | null, higherIsBetter: boolean): Html {
  if (value === null) return html`<td class="num undef delta" data-metric="${metric}" data-value="">—</td>`;
  const text = signed(value);
  const neutral = Number(Math.abs(value).toFixed(3)) === 0;
  const better = neutral ? 'same' : value > 0 === higherIsBetter ? 'better' : 'worse';
  return html`<td class="num delta ${better}" data-metric="${metric}" data-value="${String(value)}">${text}</td>`;
}

export interface HeadCell {
  label: string;
  /** A longer explanation, shown as a tooltip and read by screen readers. */
  title?: string;
  numeric?: boolean;
}

export function tableHead(cells: readonly HeadCell[]): Html {
  return html`<thead><tr>${cells.map((c) => html`<th scope="col"${c.numeric ? html` class="num"` : ''}${c.title ? html` title="${c.title}"` : ''}>${c.label}</th>`)}</tr></thead>`;
}

/** A plain data table from rows of cells (already `<td>`s). */
export function dataTable(options: {
  className?: string;
  caption?: HtmlValue;
  head: readonly HeadCell[];
  rows: readonly HtmlValue[];
  id?: string;
}): Html {
  const shown = options.rows.slice(0, MAX_TABLE_ROWS);
  const more = options.rows.length - shown.length;
  const left = more > 0 ? html`<p class="note">${more} more rows not shown.</p>` : '';
  return html`<div class="table-wrap"><table${options.id ? html` id="${options.id}"` : ''} class="${options.className ?? 'data'}">${options.caption ? html`<caption>${options.caption}</caption>` : ''}${tableHead(options.head)}<tbody>${shown.map((r) => html`<tr>${r}</tr>`)}</tbody></table></div>${left}`;
}

/** Folded content that opens without script (`<details>`), closed unless `open`. */
export function folded(summary: HtmlValue, body: HtmlValue, className = 'fold', open = false): Html {
  return html`<details class="${className}"${open ? html` open` : ''}><summary>${summary}</summary>${body}</details>`;
}

/** A chart with its caption and its data table folded underneath (the chart's text alternative). */
export function figure(options: {
  className: string;
  chart: Html;
  caption: HtmlValue;
  table?: Html;
  tableSummary?: string;
}): Html {
  const table = options.table ? folded(options.tableSummary ?? 'Data of this chart', options.table, 'fold data') : '';
  return html`<figure class="${options.className}">${options.chart}<figcaption>${options.caption}</figcaption>${table}</figure>`;
}
