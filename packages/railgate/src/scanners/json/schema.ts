/**
 * Tenant JSON Schemas: checked when the policy loads (every problem located at its path inside the schema)
 * and compiled once with Ajv. Schema `pattern`s, `patternProperties` keys and the `regex` format are tenant
 * regexes, so they run on re2js (linear time) through Ajv's `code.regExp` hook, never on the JS engine.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

export type JsonSchema = boolean | Record<string, unknown>;

export interface SchemaIssue {
  path: Array<string | number>;
  message: string;
}

/** Compiles an ECMAScript-syntax pattern (as JSON Schema writes them) for re2js. Throws on unsupported syntax. */
export function compileRe2(pattern: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(pattern));
}

const re2Engine: RegExpEngine = Object.assign(
  (pattern: string): RegExpLike => {
    const re = compileRe2(pattern);
    // Ajv caches compiled patterns by their string form: each pattern needs its own.
    return { test: (input: string) => re.test(input), toString: () => `re2:${pattern}` } as RegExpLike;
  },
  { code: 'railgate.re2js' },
);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[zZ]|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]{1,63}(?:\.[^\s@.]{1,63})+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

function isTime(value: string): boolean {
  const m = TIME.exec(value);
  return m !== null && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 61;
}

function isDateTime(value: string): boolean {
  const at = value.search(/[Tt ]/);
  return at === 10 && isDate(value.slice(0, at)) && isTime(value.slice(at + 1));
}

function isEmail(value: string): boolean {
  return value.length <= 320 && EMAIL.test(value);
}

function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value.split('.').every((label) => label.length <= 63 && HOST_LABEL.test(label));
}

function isRegex(value: string): boolean {
  try {
    compileRe2(value);
    return true;
  } catch {
    return false;
  }
}

/** The formats a schema may use; anything else is a policy error rather than a silently ignored keyword. */
export const FORMATS: Record<string, (value: string) => boolean> = {
  date: isDate,
  time: isTime,
  'date-time': isDateTime,
  email: isEmail,
  hostname: isHostname,
  ipv4: (value) => isIPv4(value),
  ipv6: (value) => isIPv6(value),
  uri: (value) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value),
  'uri-reference': (value) => URL.canParse(value, 'http://railgate.invalid/'),
  uuid: (value) => UUID.test(value),
  regex: isRegex,
};

type Dialect = 'draft-07' | '2019-09' | '2020-12';

function dialectOf(schema: JsonSchema): Dialect | SchemaIssue {
  const declared = typeof schema === 'object' ? schema.$schema : undefined;
  if (declared === undefined) return '2020-12';
  if (typeof declared === 'string') {
    if (/json-schema\.org\/draft-07\/schema#?$/.test(declared)) return 'draft-07';
    if (/json-schema\.org\/draft\/2019-09\/schema#?$/.test(declared)) return '2019-09';
    if (/json-schema\.org\/draft\/2020-12\/schema#?$/.test(declared)) return '2020-12';
  }
  return {
    path: ['$schema'],
    message: `unsupported $schema ${JSON.stringify(declared)}: use draft-07, 2019-09 or 2020-12 (the default)`,
  };
}

function newAjv(dialect: Dialect): Ajv {
  const options: Options = {
    allErrors: false,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    logger: false,
    code: { regExp: re2Engine },
    formats: Object.fromEntries(
      Object.entries(FORMATS).map(([name, validate]) => [name, { type: 'string', validate }]),
    ),
  };
  if (dialect === 'draft-07') return new Ajv(options);
  if (dialect === '2019-09') return new Ajv2019(options);
  return new Ajv2020(options);
}

/** Keywords whose values are data, not subschemas: their contents are never patterns. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);
const MAX_SCHEMA_DEPTH = 200;

/** Every tenant regex in the schema that re2 cannot compile, with its path. */
function patternIssues(node: unknown, path: Array<string | number>, issues: SchemaIssue[]): void {
  if (issues.length >= 10) return;
  if (path.length > MAX_SCHEMA_DEPTH) {
    issues.push({ path, message: `schema nested deeper than ${MAX_SCHEMA_DEPTH} levels` });
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      patternIssues(item, [...path, index], issues);
    });
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    if (key === 'pattern' && typeof value === 'string') {
      const error = re2Error(value);
      if (error) issues.push({ path: [...path, key], message: error });
      continue;
    }
    if (key === 'patternProperties' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const name of Object.keys(value)) {
        const error = re2Error(name);
        if (error) issues.push({ path: [...path, key, name], message: error });
      }
    }
    patternIssues(value, [...path, key], issues);
  }
}

function re2Error(pattern: string): string | undefined {
  try {
    compileRe2(pattern);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `pattern ${JSON.stringify(pattern)} cannot run on the linear-time regex engine (no lookaround or backreferences): ${reason}`;
  }
}

/** A JSON pointer into the schema as a path, with array indexes as numbers. */
function pointerToPath(schema: unknown, pointer: string): Array<string | number> {
  const path: Array<string | number> = [];
  let node = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

/** Path of the first object key named `key` (for Ajv errors that name a keyword but not where it is). */
function findKey(node: unknown, key: string, path: Array<string | number> = []): Array<string | number> | undefined {
  if (path.length > MAX_SCHEMA_DEPTH || node === null || typeof node !== 'object') return undefined;
  const entries: Array<[string | number, unknown]> = Array.isArray(node)
    ? node.map((v, i) => [i, v])
    : Object.entries(node);
  for (const [k, v] of entries) {
    if (k === key) return [...path, k];
    if (typeof k === 'string' && DATA_KEYWORDS.has(k)) continue;
    const found = findKey(v, key, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

interface Compiled {
  validate?: ValidateFunction;
  issues: SchemaIssue[];
}

const cache = new WeakMap<object, Compiled>();

function compileUncached(schema: JsonSchema): Compiled {
  const dialect = dialectOf(schema);
  if (typeof dialect !== 'string') return { issues: [dialect] };
  const issues: SchemaIssue[] = [];
  patternIssues(schema, [], issues);
  if (issues.length > 0) return { issues };
  if (typeof schema === 'object' && schema.$async === true) {
    return { issues: [{ path: ['$async'], message: 'asynchronous schemas are not supported' }] };
  }
  const ajv = newAjv(dialect);
  if (!ajv.validateSchema(schema)) {
    const first = ajv.errors?.[0];
    const path = first ? pointerToPath(schema, first.instancePath) : [];
    const detail = first ? `${first.keyword}: ${first.message ?? 'invalid'}` : 'invalid schema';
    return { issues: [{ path, message: `not a valid JSON Schema: ${detail}` }] };
  }
  try {
    return { validate: ajv.compile(schema), issues: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const keyword = /unknown keyword: "([^"]{1,100})"/.exec(message)?.[1];
    const format = /unknown format "([^"]{1,100})"/.exec(message)?.[1];
    const path = (keyword && findKey(schema, keyword)) || (format && findKey(schema, 'format')) || [];
    const hint = format ? ` (supported formats: ${Object.keys(FORMATS).join(', ')})` : '';
    return { issues: [{ path, message: `schema does not compile: ${message}${hint}` }] };
  }
}

/**
 * Compiles a schema once; the result is cached by object identity, so the check made when the policy loads
 * and the compilation in `create` share one Ajv run.
 */
export function compileSchema(schema: JsonSchema): Compiled {
  if (typeof schema === 'boolean') return compileUncached(schema);
  let compiled = cache.get(schema);
  if (!compiled) {
    compiled = compileUncached(schema);
    cache.set(schema, compiled);
  }
  return compiled;
}
