/**
 * The report's charts, each an SVG built from the result document's numbers: the dial (over-refusal vs
 * leakage as the threshold moves), ROC and precision-recall curves, the reliability diagram, and the
 * per-rule contribution bars. Several policies are drawn in one chart as series `s0`, `s1`, … (colour and
 * dash pattern from CSS). Charts carry no data table of their own: the section puts one under each.
 */
import type { Calibration } from '../calibration.js';
import type { Curve } from '../sweep.js';
import { type Html, html } from './html.js';
import {
  axes,
  coord,
  linearScale,
  type MarkerShape,
  marker,
  niceCeil,
  niceTicks,
  pathThrough,
  type Scale,
  svgChart,
} from './svg.js';

/** A point the dial and the curves mark: where a threshold puts the rule. */
export interface MarkedPoint {
  kind: 'operating' | 'best_f1' | 'target_fpr';
  threshold: number | null;
  recall: number;
  fpr: number;
  precision: number | null;
}

/** One policy's curve for one rule (and category). */
export interface CurveSeries {
  /** The policy's index in the result: picks the series colour. */
  series: number;
  name: string;
  curve: Curve;
  marks: MarkedPoint[];
}

const MARK_SHAPES: Record<MarkedPoint['kind'], MarkerShape> = {
  operating: 'circle',
  best_f1: 'diamond',
  target_fpr: 'square',
};

const MARK_NAMES: Record<MarkedPoint['kind'], string> = {
  operating: "the policy's operating point",
  best_f1: 'best F1',
  target_fpr: 'at the target over-refusal',
};

interface Frame {
  width: number;
  height: number;
  x: Scale;
  y: Scale;
}

const MARGIN = { top: 10, right: 14, bottom: 42, left: 50 };

function frame(width: number, height: number, xDomain: [number, number], yDomain: [number, number]): Frame {
  return {
    width,
    height,
    x: linearScale(xDomain, [MARGIN.left, width - MARGIN.right]),
    y: linearScale(yDomain, [height - MARGIN.bottom, MARGIN.top]),
  };
}

/** A clip path around the plot area, so a zoomed axis cuts the curve at the frame instead of dropping points. */
function clipPath(id: string, f: Frame): Html {
  const [x0, x1] = f.x.range;
  const [y0, y1] = f.y.range;
  return html`<clipPath id="${id}"><rect x="${coord(x0)}" y="${coord(y1)}" width="${coord(x1 - x0)}" height="${coord(y0 - y1)}"/></clipPath>`;
}

function markTitle(name: string, m: MarkedPoint): string {
  const threshold = m.threshold === null ? '' : ` at threshold ${m.threshold.toFixed(3)}`;
  return `${name}: ${MARK_NAMES[m.kind]}${threshold} — over-refusal ${m.fpr.toFixed(3)}, leakage ${(1 - m.recall).toFixed(3)}, recall ${m.recall.toFixed(3)}`;
}

/** Curves with both rates defined (a curve needs attacks and benign rows). */
function drawable(series: readonly CurveSeries[]): Array<CurveSeries & { tpr: number[]; fpr: number[] }> {
  const out: Array<CurveSeries & { tpr: number[]; fpr: number[] }> = [];
  for (const s of series) if (s.curve.tpr && s.curve.fpr) out.push({ ...s, tpr: s.curve.tpr, fpr: s.curve.fpr });
  return out;
}

/** A best-F1 threshold past this over-refusal does not widen the dial's axis: it is drawn at the edge. */
const BEST_F1_ZOOM_LIMIT = 0.3;

/**
 * How far the dial's x axis (over-refusal) reaches: a round number past the operating points, the target
 * and the target-FPR points (and best-F1 points up to BEST_F1_ZOOM_LIMIT), at least 0.05. Over-refusal that
 * matters in production is a few percent; on a 0–1 axis that whole region would be a sliver at the left
 * edge. The ROC chart next to it shows the full range.
 */
export function dialXMax(series: readonly CurveSeries[], targetFpr: number): number {
  let max = Math.max(0.05, targetFpr);
  for (const s of series)
    for (const m of s.marks) if (m.kind !== 'best_f1' || m.fpr <= BEST_F1_ZOOM_LIMIT) max = Math.max(max, m.fpr);
  return Math.min(1, niceCeil(max * 1.25));
}

export interface DialOptions {
  id: string;
  title: string;
  description: string;
  series: readonly CurveSeries[];
  targetFpr: number;
  width?: number;
  height?: number;
}

/**
 * The dial: leakage (attack false-negative rate, y) against over-refusal (benign false-positive rate, x),
 * one point per threshold of the sweep. Moving the threshold slides along the curve; lower-left is better.
 * The path has exactly one command per sweep point; a dotted segment joins "flag nothing" (0, 1) to it.
 */
export function dialChart(options: DialOptions): Html {
  const series = drawable(options.series);
  const xMax = dialXMax(options.series, options.targetFpr);
  const f = frame(options.width ?? 440, options.height ?? 320, [0, xMax], [0, 1]);
  const clip = `${options.id}-clip`;
  const curves = series.map((s) => {
    const points = s.fpr.map((fpr, k) => [f.x(fpr), f.y(1 - (s.tpr[k] as number))] as const);
    const first = points[0];
    const anchor = first ? html`<path class="anchor s${s.series}" d="${pathThrough([[f.x(0), f.y(1)], first])}"/>` : '';
    return html`<g class="series s${s.series}" clip-path="url(#${clip})">${anchor}<path class="curve dial-curve" data-series="${s.series}" data-points="${points.length}" d="${pathThrough(points)}"/></g>`;
  });
  const target =
    options.targetFpr <= xMax
      ? html`<line class="target" x1="${coord(f.x(options.targetFpr))}" x2="${coord(f.x(options.targetFpr))}" y1="${coord(f.y(0))}" y2="${coord(f.y(1))}"><title>target over-refusal ${options.targetFpr}</title></line>`
      : '';
  const marks = series.map((s) => marksOf(s, f, (m) => [m.fpr, 1 - m.recall]));
  return svgChart({
    id: options.id,
    className: 'dial',
    width: f.width,
    height: f.height,
    title: options.title,
    description: options.description,
    body: html`<defs>${clipPath(clip, f)}</defs>${axes({ x: f.x, y: f.y, xLabel: `over-refusal (benign FPR), axis to ${xMax}`, yLabel: 'leakage (attack FNR)', xTicks: niceTicks([0, xMax], 5) })}${target}${curves}${marks}`,
  });
}

/** The series' marks; one beyond the x axis is drawn at its edge (class `off`), its title giving the real value. */
function marksOf(s: CurveSeries, f: Frame, position: (m: MarkedPoint) => [number, number] | null): Html {
  const [x0, x1] = f.x.domain;
  const drawn = s.marks.flatMap((m) => {
    const at = position(m);
    if (!at) return [];
    const off = at[0] > x1;
    const x = Math.min(Math.max(at[0], x0), x1);
    const title = `${markTitle(s.name, m)}${off ? ' (beyond the axis, drawn at its edge)' : ''}`;
    return [marker(MARK_SHAPES[m.kind], f.x(x), f.y(at[1]), `mark ${m.kind} s${s.series}${off ? ' off' : ''}`, title)];
  });
  return html`<g class="marks">${drawn}</g>`;
}

export interface CurveChartOptions {
  id: string;
  title: string;
  description: string;
  series: readonly CurveSeries[];
  width?: number;
  height?: number;
}

/** ROC: recall against over-refusal on full 0–1 axes, from the implicit (0, 0); the diagonal is chance. */
export function rocChart(options: CurveChartOptions): Html {
  const f = frame(options.width ?? 300, options.height ?? 270, [0, 1], [0, 1]);
  const curves = drawable(options.series).map((s) => {
    const points: Array<readonly [number, number]> = [[f.x(0), f.y(0)]];
    s.fpr.forEach((fpr, k) => {
      points.push([f.x(fpr), f.y(s.tpr[k] as number)]);
    });
    return html`<g class="series s${s.series}"><path class="curve roc-curve" data-series="${s.series}" data-points="${points.length}" d="${pathThrough(points)}"/></g>`;
  });
  const chance = html`<path class="reference" d="${pathThrough([
    [f.x(0), f.y(0)],
    [f.x(1), f.y(1)],
  ])}"/>`;
  const marks = options.series.map((s) => marksOf(s, f, (m) => [m.fpr, m.recall]));
  return svgChart({
    id: options.id,
    className: 'roc',
    width: f.width,
    height: f.height,
    title: options.title,
    description: options.description,
    body: html`${axes({ x: f.x, y: f.y, xLabel: 'over-refusal (benign FPR)', yLabel: 'recall (attack TPR)' })}${chance}${curves}${marks}`,
  });
}

/** Precision against recall, one point per threshold (no interpolation, as average precision counts them). */
export function prChart(options: CurveChartOptions): Html {
  const f = frame(options.width ?? 300, options.height ?? 270, [0, 1], [0, 1]);
  const curves = options.series.flatMap((s) => {
    const tpr = s.curve.tpr;
    if (!tpr) return [];
    const points = tpr.map((recall, k) => [f.x(recall), f.y(s.curve.precision[k] as number)] as const);
    return [
      html`<g class="series s${s.series}"><path class="curve pr-curve" data-series="${s.series}" data-points="${points.length}" d="${pathThrough(points)}"/></g>`,
    ];
  });
  const marks = options.series.map((s) =>
    marksOf(s, f, (m) => (m.precision === null ? null : [m.recall, m.precision])),
  );
  return svgChart({
    id: options.id,
    className: 'pr',
    width: f.width,
    height: f.height,
    title: options.title,
    description: options.description,
    body: html`${axes({ x: f.x, y: f.y, xLabel: 'recall', yLabel: 'precision' })}${curves}${marks}`,
  });
}

export interface ReliabilitySeries {
  series: number;
  name: string;
  calibration: Calibration;
}

/**
 * The reliability diagram: per score bin, the share of attacks (y) against the mean score (x); a
 * calibrated score lies on the diagonal. Bars along the bottom show how many rows each bin holds (the
 * square root of the count, so a bin of 3 rows stays visible next to one of 300).
 */
export function reliabilityChart(options: {
  id: string;
  title: string;
  description: string;
  series: readonly ReliabilitySeries[];
  width?: number;
  height?: number;
}): Html {
  const f = frame(options.width ?? 300, options.height ?? 270, [0, 1], [0, 1]);
  const diagonal = html`<path class="reference" d="${pathThrough([
    [f.x(0), f.y(0)],
    [f.x(1), f.y(1)],
  ])}"/>`;
  const maxCount = Math.max(1, ...options.series.flatMap((s) => s.calibration.bins.map((b) => b.count)));
  const barWidth = (f.x(0.1) - f.x(0)) / Math.max(1, options.series.length);
  const bars = options.series.map((s, k) =>
    s.calibration.bins.map((bin) => {
      if (bin.count === 0) return '';
      const height = Math.sqrt(bin.count / maxCount) * 28;
      const x = f.x(bin.lower) + k * barWidth;
      return html`<rect class="count s${s.series}" x="${coord(x + 0.5)}" y="${coord(f.y(0) - height)}" width="${coord(barWidth - 1)}" height="${coord(height)}"><title>${s.name}: ${bin.count} rows with scores in [${bin.lower.toFixed(1)}, ${bin.upper.toFixed(1)})</title></rect>`;
    }),
  );
  const lines = options.series.map((s) => {
    const filled = s.calibration.bins.filter((b) => b.mean_score !== null && b.attack_rate !== null);
    const points = filled.map((b) => [f.x(b.mean_score as number), f.y(b.attack_rate as number)] as const);
    const dots = filled.map((b, k) => {
      const [x, y] = points[k] as readonly [number, number];
      return marker(
        'circle',
        x,
        y,
        `mark bin s${s.series}`,
        `${s.name}: ${b.count} rows, mean score ${(b.mean_score as number).toFixed(3)}, attacks ${(b.attack_rate as number).toFixed(3)}`,
      );
    });
    return html`<g class="series s${s.series}"><path class="curve reliability-curve" data-points="${points.length}" d="${pathThrough(points)}"/>${dots}</g>`;
  });
  return svgChart({
    id: options.id,
    className: 'reliability',
    width: f.width,
    height: f.height,
    title: options.title,
    description: options.description,
    body: html`${axes({ x: f.x, y: f.y, xLabel: 'mean score in bin', yLabel: 'share of attacks' })}${diagonal}<g class="counts">${bars}</g>${lines}`,
  });
}

export interface ContributionBar {
  name: string;
  caught: number;
  caughtAlone: number;
  falsePositives: number;
  falsePositivesAlone: number;
}

/**
 * What each rule did under the policy, as diverging bars: attacks caught to the right, benign rows refused
 * to the left; the darker part of each bar is what the rule did alone (no other rule flagged those rows).
 */
export function contributionChart(options: {
  id: string;
  title: string;
  description: string;
  series: number;
  bars: readonly ContributionBar[];
  /** The count the full bar length stands for; pass the same to charts that are compared side by side. */
  max?: number;
  width?: number;
}): Html {
  const width = options.width ?? 520;
  const row = 22;
  const labelWidth = 190;
  const top = 22;
  const height = top + options.bars.length * row + 24;
  const max = Math.max(1, options.max ?? 0, ...options.bars.flatMap((b) => [b.caught, b.falsePositives]));
  const half = (width - labelWidth - 20) / 2;
  const zero = labelWidth + half;
  const scale = (n: number) => (n / max) * (half - 24);
  const rows = options.bars.map((b, k) => {
    const y = top + k * row;
    const bar = (cls: string, x: number, w: number, tip: string) =>
      w > 0
        ? html`<rect class="${cls}" x="${coord(x)}" y="${coord(y + 3)}" width="${coord(w)}" height="${row - 6}"><title>${tip}</title></rect>`
        : '';
    return html`<g class="bar-row"><text class="bar-label" x="${labelWidth - 6}" y="${coord(y + row / 2 + 4)}" text-anchor="end">${b.name}</text>${bar(`fp s${options.series}`, zero - scale(b.falsePositives), scale(b.falsePositives), `${b.name}: refused ${b.falsePositives} benign rows`)}${bar(`fp alone s${options.series}`, zero - scale(b.falsePositivesAlone), scale(b.falsePositivesAlone), `${b.name}: ${b.falsePositivesAlone} refused by this rule alone`)}${bar(`tp s${options.series}`, zero, scale(b.caught), `${b.name}: caught ${b.caught} attacks`)}${bar(`tp alone s${options.series}`, zero, scale(b.caughtAlone), `${b.name}: ${b.caughtAlone} caught by this rule alone`)}<text class="bar-value" x="${coord(zero - scale(b.falsePositives) - 4)}" y="${coord(y + row / 2 + 4)}" text-anchor="end">${b.falsePositives}</text><text class="bar-value" x="${coord(zero + scale(b.caught) + 4)}" y="${coord(y + row / 2 + 4)}">${b.caught}</text></g>`;
  });
  const heads = html`<text class="axis-title" x="${coord(zero - 8)}" y="14" text-anchor="end">← benign refused</text><text class="axis-title" x="${coord(zero + 8)}" y="14">attacks caught →</text>`;
  return svgChart({
    id: options.id,
    className: 'contribution',
    width,
    height,
    title: options.title,
    description: options.description,
    body: html`${heads}<line class="zero" x1="${coord(zero)}" x2="${coord(zero)}" y1="${top}" y2="${coord(height - 20)}"/>${rows}`,
  });
}
