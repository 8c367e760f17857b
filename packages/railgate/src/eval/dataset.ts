/**
 * Labelled data for `railgate eval`: JSONL or CSV files (or folders of them) → rows of
 * `{ id, text, label, category, pair?, rail? }`. Field names are configurable for other shapes; labels are
 * normalised to attack/benign; over-long texts are cut (and counted); bad rows either stop the load with
 * their `file:line` or, when asked, are skipped and counted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { RAILS, type Rail } from '../engine/types.js';
import { parseCsv } from './csv.js';
import { EvalInputError, type EvalIssue, fail } from './errors.js';
import { acceptedLabelsText, type Label, type LabelVocabulary, labelVocabulary, normaliseLabel } from './labels.js';

export interface EvalRow {
  id: string;
  text: string;
  label: Label;
  category: string;
  /** For a benign twin: the id of the attack it mirrors. */
  pair?: string;
  /** The rail to check the text on; the run's default rail when absent. */
  rail?: Rail;
  /** Where the row came from, for messages. */
  file: string;
  line: number;
}

export interface FieldMap {
  text: string;
  label: string;
  category: string;
  id: string;
  pair: string;
  rail: string;
}

export const DEFAULT_FIELDS: FieldMap = {
  text: 'text',
  label: 'label',
  category: 'category',
  id: 'id',
  pair: 'pair',
  rail: 'rail',
};

/** Category of rows that name none. */
export const NO_CATEGORY = 'uncategorised';

/** Texts longer than this are cut before checking (and counted): a bound on time and memory per row. */
export const DEFAULT_MAX_TEXT_CHARS = 100_000;

/** Data files larger than this are refused rather than read into memory. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface LoadOptions {
  fields?: Partial<FieldMap>;
  vocabulary?: LabelVocabulary;
  maxChars?: number;
  /** Skip (and count) bad rows instead of failing on the first one. */
  skipBadRows?: boolean;
  /**
   * The label of rows that have no label field. Unset (the default): such a row is bad. Red-team seed files
   * are `{text, category?}`, attacks by definition.
   */
  defaultLabel?: Label;
}

export interface RowProblem {
  file: string;
  line: number;
  message: string;
}

export interface LoadedData {
  rows: EvalRow[];
  /** Files read, in order, with the rows each gave. */
  files: Array<{ file: string; rows: number; skipped: number }>;
  /** Bad rows that were skipped (only with skipBadRows). */
  skipped: RowProblem[];
  /** Number of rows whose text was cut to maxChars. */
  truncated: number;
  maxChars: number;
}

/** Files a folder contributes: its .jsonl, .ndjson, .csv and .tsv files, sorted by name. */
export function dataFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(jsonl|ndjson|csv|tsv)$/i.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Expands folders into their data files and checks every path exists. */
export function resolveDataPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      fail({
        code: 'DATA_NOT_FOUND',
        file: path,
        message: 'no such file or folder',
        fix: 'pass a JSONL or CSV file, a folder of them, or --suite builtin',
      });
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    const inside = dataFilesIn(path);
    if (inside.length === 0)
      fail({
        code: 'DATA_EMPTY',
        file: path,
        message: 'the folder holds no .jsonl, .ndjson, .csv or .tsv file',
        fix: 'put labelled JSONL files ({"text": …, "label": …}) in it',
      });
    files.push(...inside);
  }
  return files;
}

/** Loads every file into one list of rows. Throws EvalInputError for missing/empty files and (by default) bad rows. */
export function loadData(files: readonly string[], options: LoadOptions = {}): LoadedData {
  const context = readContext(options);
  const out: LoadedData = { rows: [], files: [], skipped: [], truncated: 0, maxChars: context.maxChars };
  const problems: RowProblem[] = [];
  for (const file of files) {
    const before = out.rows.length;
    const problemsBefore = problems.length;
    out.truncated += loadFile(file, context, out.rows, problems);
    out.files.push({ file, rows: out.rows.length - before, skipped: problems.length - problemsBefore });
    if (problems.length > 0 && !context.skipBadRows) throw badRows(problems);
  }
  out.skipped = problems;
  if (out.rows.length === 0)
    fail({
      code: 'DATA_NO_ROWS',
      file: files.join(', '),
      message: `no usable rows${problems.length > 0 ? ` (${problems.length} bad row(s) skipped)` : ''}`,
      fix: 'check the field names (--text-field, --label-field) and the label values',
    });
  return out;
}

interface ReadContext {
  fields: FieldMap;
  vocabulary: LabelVocabulary;
  maxChars: number;
  skipBadRows: boolean;
  defaultLabel: Label | undefined;
}

function readContext(options: LoadOptions): ReadContext {
  return {
    fields: { ...DEFAULT_FIELDS, ...stripUndefined(options.fields ?? {}) },
    vocabulary: options.vocabulary ?? labelVocabulary(),
    maxChars: options.maxChars ?? DEFAULT_MAX_TEXT_CHARS,
    skipBadRows: options.skipBadRows === true,
    defaultLabel: options.defaultLabel,
  };
}

function stripUndefined(fields: Partial<FieldMap>): Partial<FieldMap> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** Reads one file into `rows` (its bad rows into `problems`, in line order); returns how many texts were cut. */
function loadFile(file: string, context: ReadContext, rows: EvalRow[], allProblems: RowProblem[]): number {
  const problems: RowProblem[] = [];
  const truncated = readRows(file, context, rows, problems);
  problems.sort((a, b) => a.line - b.line);
  for (const problem of problems) allProblems.push(problem);
  return truncated;
}

function readRows(file: string, context: ReadContext, rows: EvalRow[], problems: RowProblem[]): number {
  const text = readDataFile(file);
  const kind = extname(file).toLowerCase();
  const records =
    kind === '.csv' || kind === '.tsv' ? csvRecords(file, text, kind, problems) : jsonlRecords(file, text, problems);
  let truncated = 0;
  for (const record of records) {
    const row = rowOf(record.value, file, record.line, context, problems);
    if (!row) continue;
    if (row.text.length > context.maxChars) {
      row.text = row.text.slice(0, context.maxChars);
      truncated++;
    }
    rows.push(row);
  }
  return truncated;
}

function readDataFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    fail({ code: 'DATA_NOT_FOUND', file, message: 'no such file', fix: 'check the path' });
  }
  if (size > MAX_FILE_BYTES)
    fail({
      code: 'DATA_TOO_LARGE',
      file,
      message: `the file is ${size} bytes; the limit is ${MAX_FILE_BYTES}`,
      fix: 'split it into several files (a folder of JSONL files is accepted)',
    });
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '')
    fail({ code: 'DATA_EMPTY', file, message: 'the file is empty', fix: 'one labelled row per line is expected' });
  return text;
}

interface RawRecord {
  line: number;
  value: Record<string, unknown>;
}

function jsonlRecords(file: string, text: string, problems: RowProblem[]): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ file, line: i + 1, message: `not JSON (${(error as Error).message})` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ file, line: i + 1, message: 'the line is JSON but not an object ({"text": …, "label": …})' });
      continue;
    }
    records.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return records;
}

function csvRecords(file: string, text: string, kind: string, problems: RowProblem[]): RawRecord[] {
  const table = parseCsv(text, kind === '.tsv' ? '\t' : ',');
  for (const problem of table.problems) problems.push({ file, ...problem });
  const records: RawRecord[] = [];
  for (const record of table.records) {
    if (record.fields.length !== table.header.length) {
      problems.push({
        file,
        line: record.line,
        message: `the row has ${record.fields.length} field(s), the header ${table.header.length} (quote fields that hold a comma)`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    table.header.forEach((name, i) => {
      value[name] = record.fields[i];
    });
    records.push({ line: record.line, value });
  }
  return records;
}

/** A field by name; a dotted name (`meta.label`) reaches into nested objects when no key has that name. */
export function fieldValue(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  if (!name.includes('.')) return undefined;
  let value: unknown = record;
  for (const key of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function rowOf(
  record: Record<string, unknown>,
  file: string,
  line: number,
  context: ReadContext,
  problems: RowProblem[],
): EvalRow | undefined {
  const { fields, vocabulary } = context;
  const problem = (message: string) => {
    problems.push({ file, line, message });
    return undefined;
  };
  const text = fieldValue(record, fields.text);
  if (typeof text !== 'string') return problem(`no text: field '${fields.text}' is missing or not a string`);
  if (text.trim() === '') return problem(`field '${fields.text}' is empty`);
  const rawLabel = fieldValue(record, fields.label);
  const unlabelled = rawLabel === undefined || rawLabel === null || rawLabel === '';
  if (unlabelled && context.defaultLabel === undefined) return problem(`no label: field '${fields.label}' is missing`);
  const label = unlabelled ? context.defaultLabel : normaliseLabel(rawLabel, vocabulary);
  if (label === undefined)
    return problem(
      `unknown label ${JSON.stringify(rawLabel)}; ${acceptedLabelsText(vocabulary)} (map others with --attack-values/--benign-values)`,
    );
  const rail = fieldValue(record, fields.rail);
  if (rail !== undefined && rail !== '' && !RAILS.includes(rail as Rail))
    return problem(`unknown rail ${JSON.stringify(rail)}; use one of ${RAILS.join(', ')}`);
  const row: EvalRow = {
    id: idOf(fieldValue(record, fields.id), file, line),
    text,
    label,
    category: categoryOf(fieldValue(record, fields.category)),
    file,
    line,
  };
  const pair = fieldValue(record, fields.pair);
  if (typeof pair === 'string' && pair !== '') row.pair = pair;
  if (typeof rail === 'string' && rail !== '') row.rail = rail as Rail;
  return row;
}

function idOf(value: unknown, file: string, line: number): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return `${basename(file)}:${line}`;
}

function categoryOf(value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return NO_CATEGORY;
}

/** The EvalInputError for bad rows: the first few with their file:line, and how to go on anyway. */
function badRows(problems: readonly RowProblem[]): EvalInputError {
  const shown = problems.slice(0, 5);
  const issues: EvalIssue[] = shown.map((p, i) => ({
    code: 'DATA_BAD_ROW',
    file: p.file,
    line: p.line,
    message: p.message,
    ...(i === shown.length - 1 && { fix: 'fix the row, or pass --skip-bad-rows to skip and count bad rows' }),
  }));
  return new EvalInputError(issues, problems.length - shown.length);
}
