/**
 * A JSON syntax checker that builds no values. It walks the text once with an explicit stack, so it reports
 * where the text stops being JSON (JSON.parse in Node 20 says what, not where) and refuses nesting deeper
 * than a bound before anything recursive (a schema validator, a consumer) sees the document.
 */

export type JsonSyntax =
  | { ok: true; start: number; end: number }
  | { ok: false; at: number; reason: string; tooDeep: boolean };

const OBJECT = 1;
const ARRAY = 2;

/** What the checker expects next. */
const State = { Value: 0, ValueOrEnd: 1, KeyOrEnd: 2, Key: 3, After: 4 } as const;
type State = (typeof State)[keyof typeof State];

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHex(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** A character as a person reads it in an error message. */
export function describeChar(text: string, at: number, end = text.length): string {
  if (at >= end) return 'end of input';
  const code = text.charCodeAt(at);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${String.fromCodePoint(text.codePointAt(at) ?? code)}'`;
}

export function skipWhitespace(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Position after a string starting at the quote `at`, or a negative value -(position + 1) of the error. */
function scanString(text: string, at: number, end: number): number {
  let i = at + 1;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -(i + 1);
    if (code === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x75) {
        for (let k = 2; k < 6; k++) if (i + k >= end || !isHex(text.charCodeAt(i + k))) return -(i + k + 1);
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        next === 0x22 ||
        next === 0x5c ||
        next === 0x2f ||
        next === 0x62 ||
        next === 0x66 ||
        next === 0x6e ||
        next === 0x72 ||
        next === 0x74
      ) {
        i += 2;
        continue;
      }
      return -(i + 2);
    }
    i++;
  }
  return -(end + 1);
}

function scanDigits(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  return i;
}

/** Position after a number starting at `at`, or -(position + 1) of the error. */
function scanNumber(text: string, at: number, end: number): number {
  let i = at;
  if (text.charCodeAt(i) === 0x2d) i++;
  if (i >= end || !isDigit(text.charCodeAt(i))) return -(i + 1);
  // A leading zero stands alone: 012 is not JSON.
  i = text.charCodeAt(i) === 0x30 ? i + 1 : scanDigits(text, i, end);
  if (text.charCodeAt(i) === 0x2e) {
    const digits = scanDigits(text, i + 1, end);
    if (digits === i + 1) return -(i + 2);
    i = digits;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const digits = scanDigits(text, i, end);
    if (digits === i) return -(i + 1);
    i = digits;
  }
  return i;
}

function scanLiteral(text: string, at: number, end: number): number {
  const code = text.charCodeAt(at);
  const word = code === 0x74 ? 'true' : code === 0x66 ? 'false' : 'null';
  for (let k = 0; k < word.length; k++) {
    if (at + k >= end || text.charCodeAt(at + k) !== word.charCodeAt(k)) return -(at + k + 1);
  }
  return at + word.length;
}

/**
 * Checks that one JSON value starts at `start` (after optional whitespace) and ends before `end`. With
 * `rest: 'whitespace'` only whitespace may follow it; with `rest: 'any'` the value may be followed by
 * anything (used to pick a JSON object out of prose).
 */
export function checkJson(
  text: string,
  start: number,
  end: number,
  maxDepth: number,
  rest: 'whitespace' | 'any',
): JsonSyntax {
  const stack = new Uint8Array(maxDepth + 1);
  let depth = 0;
  let state: State = State.Value;
  let i = skipWhitespace(text, start, end);
  const valueStart = i;
  const fail = (at: number, reason: string, tooDeep = false): JsonSyntax => ({ ok: false, at, reason, tooDeep });
  const expected = (at: number, what: string): JsonSyntax =>
    fail(at, `expected ${what}, found ${describeChar(text, at, end)}`);

  for (;;) {
    i = skipWhitespace(text, i, end);
    const code = i < end ? text.charCodeAt(i) : -1;
    if (state === State.After) {
      if (depth === 0) break;
      const inObject = stack[depth - 1] === OBJECT;
      if (code === 0x2c) {
        state = inObject ? State.Key : State.Value;
        i++;
      } else if ((code === 0x7d && inObject) || (code === 0x5d && !inObject)) {
        depth--;
        i++;
      } else {
        return expected(i, inObject ? "',' or '}'" : "',' or ']'");
      }
      continue;
    }
    if (state === State.KeyOrEnd || state === State.Key) {
      if (code === 0x7d && state === State.KeyOrEnd) {
        depth--;
        i++;
        state = State.After;
        continue;
      }
      if (code !== 0x22) return expected(i, 'a property name in double quotes');
      const after = scanString(text, i, end);
      if (after < 0) return expected(-after - 1, 'a valid string character or escape');
      i = skipWhitespace(text, after, end);
      if (text.charCodeAt(i) !== 0x3a || i >= end) return expected(i, "':'");
      i++;
      state = State.Value;
      continue;
    }
    // State.Value or State.ValueOrEnd
    if (code === 0x5d && state === State.ValueOrEnd) {
      depth--;
      i++;
      state = State.After;
      continue;
    }
    if (code === 0x7b || code === 0x5b) {
      if (depth === maxDepth) return fail(i, `nesting deeper than ${maxDepth} levels`, true);
      stack[depth++] = code === 0x7b ? OBJECT : ARRAY;
      state = code === 0x7b ? State.KeyOrEnd : State.ValueOrEnd;
      i++;
      continue;
    }
    let after: number;
    if (code === 0x22) after = scanString(text, i, end);
    else if (code === 0x2d || isDigit(code)) after = scanNumber(text, i, end);
    else if (code === 0x74 || code === 0x66 || code === 0x6e) after = scanLiteral(text, i, end);
    else return expected(i, 'a JSON value');
    if (after < 0)
      return expected(-after - 1, code === 0x22 ? 'a valid string character or escape' : 'a valid literal');
    i = after;
    state = State.After;
  }
  if (rest === 'whitespace') {
    const tail = skipWhitespace(text, i, end);
    if (tail < end) return expected(tail, 'end of input after the JSON value');
  }
  return { ok: true, start: valueStart, end: i };
}
