/**
 * Tables for eval reports, as aligned plain text (terminal) or GitHub-flavoured Markdown (PR comments),
 * from the same header/rows/alignment so both show the same numbers. Also the number formats both use.
 */

export type Align = 'l' | 'r';

export interface Table {
  header: string[];
  rows: string[][];
  /** Per column; missing entries align left. */
  align: Align[];
}

export function textTable(table: Table, indent = ''): string {
  const widths = table.header.map((h, c) => Math.max(h.length, ...table.rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((cell, c) => (table.align[c] === 'r' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(table.header), ...table.rows.map(line)].join('\n');
}

export function markdownTable(table: Table): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `|${table.header.map((_, c) => (table.align[c] === 'r' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [row(table.header), rule, ...table.rows.map(row)].join('\n');
}

/** A rate or score with three decimals; `—` for an undefined (null) value. */
export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** A difference with its sign (`+0.020`, `-0.013`, `±0.000`). */
export function signed(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '—';
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return value > 0 ? `+${text}` : `-${text}`;
}

/** Microseconds as a short human figure (`85 µs`, `1.24 ms`). */
export function micros(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value < 1000 ? `${Math.round(value)} µs` : `${(value / 1000).toFixed(2)} ms`;
}

/** A text on one line, control characters escaped, cut to `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, '?')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
