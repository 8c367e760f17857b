/**
 * A small RFC 4180 reader: a header row, fields separated by a delimiter, quoted fields that may hold the
 * delimiter, doubled quotes and newlines. Each record remembers the line it starts on, so a bad row can be
 * named as `file:line` even when an earlier field spanned several lines.
 */

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
  problems: CsvProblem[];
}

const QUOTE = 34; // "
const CR = 13;
const LF = 10;

/** Parses the whole text; a field with an unterminated quote is reported at the line its quote opened. */
export function parseCsv(text: string, delimiter = ','): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows = readRecords(body, delimiter.charCodeAt(0));
  const headerRow = rows.records.shift();
  const header = (headerRow?.fields ?? []).map((name) => name.trim());
  return { header, records: rows.records, problems: rows.problems };
}

function readRecords(text: string, delimiter: number): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    // A line with nothing on it is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE && field === '') {
      const quoted = readQuoted(text, i + 1);
      if (quoted === undefined) {
        problems.push({ line, message: 'a quoted field is never closed (a missing `"`)' });
        return { records, problems };
      }
      field = quoted.value;
      line += quoted.newlines;
      i = quoted.next;
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === LF || c === CR) {
      endRecord();
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      line++;
      recordLine = line;
    } else {
      field += text[i];
    }
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { records, problems };
}

/** Reads a quoted field from just after its opening quote; undefined when the quote is never closed. */
function readQuoted(text: string, start: number): { value: string; next: number; newlines: number } | undefined {
  let value = '';
  let newlines = 0;
  let from = start;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) newlines++;
    if (c !== QUOTE) continue;
    if (text.charCodeAt(i + 1) === QUOTE) {
      value += text.slice(from, i + 1);
      from = i + 2;
      i++;
      continue;
    }
    return { value: value + text.slice(from, i), next: i + 1, newlines };
  }
  return undefined;
}
