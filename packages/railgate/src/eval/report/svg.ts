/**
 * SVG primitives for the report's charts: linear scales, nice ticks, axes with grid lines, paths and
 * point markers. Hand-written so the report needs no chart library and no network; every chart is a
 * fixed viewBox that CSS scales to the column width. Colours come from CSS classes, so one chart serves
 * the light and the dark scheme and the print style.
 */
import { type Html, type HtmlValue, html } from './html.js';

export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as Scale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** Round numbers (1, 2 or 5 × 10ⁿ apart) covering the domain, about `count` of them. */
export function niceTicks(domain: readonly [number, number], count = 5): number[] {
  const [lo, hi] = domain;
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  // Integer multiples of the step, so 0.1 + 0.2 noise never reaches a label.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
    ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** The smallest "nice" number (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  const m = [1, 2, 2.5, 5, 10].find((f) => f * power >= value - 1e-12) ?? 10;
  return Number((m * power).toPrecision(12));
}

/** A coordinate with at most one decimal: enough for a 360-unit viewBox, and short paths. */
export function coord(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** An SVG path through the points, one `M`/`L` command per point (so a path has as many commands as points). */
export function pathThrough(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${coord(x)},${coord(y)}`).join('');
}

/** A tick label: as few decimals as the step needs. */
export function tickLabel(value: number): string {
  return Number(value.toFixed(4)).toString();
}

export interface AxisOptions {
  x: Scale;
  y: Scale;
  xLabel: string;
  yLabel: string;
  xTicks?: number[];
  yTicks?: number[];
}

/** Grid lines, the two axes with tick labels, and the axis titles. */
export function axes(options: AxisOptions): Html {
  const { x, y } = options;
  const xTicks = options.xTicks ?? niceTicks(x.domain);
  const yTicks = options.yTicks ?? niceTicks(y.domain);
  const [left, right] = x.range;
  const [bottom, top] = y.range;
  const grid = [
    ...xTicks.map(
      (t) => html`<line x1="${coord(x(t))}" x2="${coord(x(t))}" y1="${coord(top)}" y2="${coord(bottom)}"/>`,
    ),
    ...yTicks.map(
      (t) => html`<line x1="${coord(left)}" x2="${coord(right)}" y1="${coord(y(t))}" y2="${coord(y(t))}"/>`,
    ),
  ];
  const xLabels = xTicks.map(
    (t) => html`<text x="${coord(x(t))}" y="${coord(bottom + 14)}" text-anchor="middle">${tickLabel(t)}</text>`,
  );
  const yLabels = yTicks.map(
    (t) => html`<text x="${coord(left - 5)}" y="${coord(y(t) + 3.5)}" text-anchor="end">${tickLabel(t)}</text>`,
  );
  const midX = (left + right) / 2;
  const midY = (top + bottom) / 2;
  return html`<g class="grid" aria-hidden="true">${grid}</g><g class="axis" aria-hidden="true"><line x1="${coord(left)}" x2="${coord(right)}" y1="${coord(bottom)}" y2="${coord(bottom)}"/><line x1="${coord(left)}" x2="${coord(left)}" y1="${coord(top)}" y2="${coord(bottom)}"/>${xLabels}${yLabels}<text class="axis-title" x="${coord(midX)}" y="${coord(bottom + 30)}" text-anchor="middle">${options.xLabel}</text><text class="axis-title" transform="translate(${coord(left - 34)} ${coord(midY)}) rotate(-90)" text-anchor="middle">${options.yLabel}</text></g>`;
}

export type MarkerShape = 'circle' | 'diamond' | 'square' | 'triangle';

/** A point marker; shape as well as colour tells markers apart (readable in greyscale print). */
export function marker(shape: MarkerShape, cx: number, cy: number, className: string, title: string): Html {
  const x = coord(cx);
  const y = coord(cy);
  const r = 4.5;
  const tip = html`<title>${title}</title>`;
  switch (shape) {
    case 'circle':
      return html`<circle class="${className}" cx="${x}" cy="${y}" r="${r}">${tip}</circle>`;
    case 'square':
      return html`<rect class="${className}" x="${coord(cx - r)}" y="${coord(cy - r)}" width="${2 * r}" height="${2 * r}">${tip}</rect>`;
    case 'diamond':
      return html`<path class="${className}" d="M${x},${coord(cy - r - 1)}L${coord(cx + r + 1)},${y}L${x},${coord(cy + r + 1)}L${coord(cx - r - 1)},${y}Z">${tip}</path>`;
    case 'triangle':
      return html`<path class="${className}" d="M${x},${coord(cy - r - 1)}L${coord(cx + r + 1)},${coord(cy + r)}L${coord(cx - r - 1)},${coord(cy + r)}Z">${tip}</path>`;
  }
}

export interface SvgOptions {
  width: number;
  height: number;
  /** Unique in the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  /** A sentence saying what the chart shows, for screen readers. */
  description: string;
  className: string;
  body: HtmlValue;
}

/** The root element: an image with a title and description, scaled by CSS from its viewBox. */
export function svgChart(options: SvgOptions): Html {
  const { id } = options;
  return html`<svg class="chart ${options.className}" id="${id}" viewBox="0 0 ${options.width} ${options.height}" width="${options.width}" height="${options.height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${options.title}</title><desc id="${id}-d">${options.description}</desc>${options.body}</svg>`;
}
