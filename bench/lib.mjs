// Shared bench helpers: timing with percentiles, machine description, fixtures, result files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

export const PROSE = readFileSync(new URL('./fixtures/prompt.txt', import.meta.url), 'utf8');

/** A prompt of exactly `bytes` UTF-8 bytes made of the prose fixture (ASCII, so bytes == chars). */
export function promptOfSize(bytes) {
  let text = '';
  while (text.length < bytes) text += `${PROSE}\n`;
  return text.slice(0, bytes);
}

export function machine() {
  const cpu = cpus()[0];
  return `${cpu?.model ?? 'unknown cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;
}

/** Runs fn `iterations` times after `warmup` runs; returns per-call microseconds sorted ascending. */
export function sample(fn, { iterations = 2000, warmup = 200 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const times = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn(i);
    times[i] = (performance.now() - t0) * 1000;
  }
  return times.sort();
}

export function pct(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Markdown table from a header row and rows. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function saveResult(name, data) {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`);
  return file.pathname;
}

/** Precision, recall and F1 from confusion counts (0 where a denominator is empty). */
export function prf({ tp, fp, fn }) {
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fn || 1);
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
}
