import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { jsonScanner } from './index.js';

const scan = (text: string, params: Record<string, unknown> = {}) => runScannerSync(jsonScanner, params, text);

async function paramsIssue(params: Record<string, unknown>): Promise<{ path: string; message: string }> {
  try {
    await createGuard({ policy: { rails: { output: { rules: [{ id: 'j', scanner: 'json', params }] } } } });
  } catch (error) {
    if (error instanceof PolicyError) {
      const first = error.issues[0];
      if (first) return { path: first.path, message: first.message };
    }
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('json: syntax, with the position of the first error', () => {
  it('accepts an object, an array, a scalar and surrounding whitespace', () => {
    expect(scan('{"answer": 42, "tags": ["a", "b"], "ok": true, "none": null}')).toEqual([]);
    expect(scan('  [1, -2.5e+3, 0, "x"]\n')).toEqual([]);
    expect(scan('"just a string"')).toEqual([]);
    expect(scan('{"s": "caf\\u00e9 \\"quoted\\" \\n"}')).toEqual([]);
  });

  it('a trailing comma: INVALID_JSON at the closing brace, with line and column', () => {
    expect(scan('{"a": 1,}')).toEqual([
      {
        category: 'json',
        label: 'INVALID_JSON',
        score: 1,
        span: [8, 9],
        evidence: "expected a property name in double quotes, found '}' at position 8 (line 1, column 9)",
      },
    ]);
  });

  it('reports line and column on multi-line text', () => {
    const [finding] = scan('{\n  "a": 1\n  "b": 2\n}');
    expect(finding?.evidence).toBe("expected ',' or '}', found '\"' at position 13 (line 3, column 3)");
    expect(finding?.span).toEqual([13, 14]);
  });

  it('prose around JSON is not JSON in `whole` mode', () => {
    const [finding] = scan('Sure! Here is the JSON: {"a": 1}');
    expect(finding?.label).toBe('INVALID_JSON');
    expect(finding?.evidence).toBe("expected a JSON value, found 'S' at position 0 (line 1, column 1)");
  });

  it('only JSON whitespace may surround the value, with or without a schema', () => {
    expect(scan('{"a": 1}\u00a0')[0]?.span).toEqual([8, 9]);
    expect(scan('{"a": 1}\u00a0', { schema: { type: 'object' } })[0]?.span).toEqual([8, 9]);
    expect(scan('\n\t{"a": 1}\r\n', { schema: { type: 'object' } })).toEqual([]);
  });

  it('content after the value is an error; whitespace after it is not', () => {
    expect(scan('{"a": 1}  \n')).toEqual([]);
    expect(scan('{"a": 1} Hope this helps!')[0]?.evidence).toBe(
      "expected end of input after the JSON value, found 'H' at position 9 (line 1, column 10)",
    );
  });

  it('single quotes, unquoted keys and comments are not JSON', () => {
    expect(scan("{'a': 1}")[0]?.span).toEqual([1, 2]);
    expect(scan('{a: 1}')[0]?.span).toEqual([1, 2]);
    expect(scan('{"a": 1 // note\n}')[0]?.span).toEqual([8, 9]);
  });

  it('numbers follow the JSON grammar exactly', () => {
    expect(scan('[0, -0, 1.5, 2e10, 3E-2]')).toEqual([]);
    expect(scan('[012]')[0]?.span).toEqual([2, 3]);
    expect(scan('[1.]')[0]?.span).toEqual([3, 4]);
    expect(scan('[-]')[0]?.span).toEqual([2, 3]);
    expect(scan('[1e]')[0]?.span).toEqual([3, 4]);
    expect(scan('[NaN]')[0]?.span).toEqual([1, 2]);
  });

  it('literals must be spelled out; the error points at the first wrong letter', () => {
    expect(scan('[true, false, null]')).toEqual([]);
    expect(scan('[tru]')[0]?.evidence).toBe("expected a valid literal, found ']' at position 4 (line 1, column 5)");
    expect(scan('[True]')[0]?.span).toEqual([1, 2]);
  });

  it('strings: raw control characters and unknown escapes are errors', () => {
    expect(scan('{"a": "line\nbreak"}')[0]?.evidence).toBe(
      'expected a valid string character or escape, found control character U+000A at position 11 (line 1, column 12)',
    );
    expect(scan('{"a": "\\x41"}')[0]?.span).toEqual([8, 9]);
    expect(scan('{"a": "\\u12G4"}')[0]?.span).toEqual([11, 12]);
  });

  it('unexpected end of input points at the end of the text', () => {
    expect(scan('{"a": [1, 2')[0]).toEqual({
      category: 'json',
      label: 'INVALID_JSON',
      score: 1,
      span: [11, 11],
      evidence: "expected ',' or ']', found end of input at position 11 (line 1, column 12)",
    });
    expect(scan('')[0]?.evidence).toBe('expected a JSON value, found end of input at position 0 (line 1, column 1)');
  });
});

describe('json: extract', () => {
  const fencedAnswer = 'Here is the result:\n```json\n{"answer": 42}\n```\nLet me know if you need more.';

  it('`fenced` takes the json block and ignores the prose around it; `whole` rejects the same text', () => {
    expect(scan(fencedAnswer, { extract: 'fenced' })).toEqual([]);
    expect(scan(fencedAnswer)[0]?.label).toBe('INVALID_JSON');
  });

  it('`fenced` reports errors at their position in the original text', () => {
    const text = 'Result:\n```json\n{"answer": 42,}\n```';
    expect(scan(text, { extract: 'fenced' })[0]?.span).toEqual([30, 31]);
  });

  it('`fenced` without a fence checks the whole text', () => {
    expect(scan('{"a": 1}', { extract: 'fenced' })).toEqual([]);
    expect(scan('no json here', { extract: 'fenced' })[0]?.label).toBe('INVALID_JSON');
  });

  it('`fenced` prefers a block tagged json over an earlier untagged one, and accepts ~~~ fences', () => {
    const text = '```\nnot json\n```\nand\n```json\n[1, 2]\n```';
    expect(scan(text, { extract: 'fenced' })).toEqual([]);
    expect(scan('~~~json\n{"a": true}\n~~~', { extract: 'fenced' })).toEqual([]);
  });

  it('`fenced` skips blocks in other languages and reads an unterminated fence to the end', () => {
    expect(scan('```python\nprint(1)\n```\n{"a": 1}', { extract: 'fenced' })[0]?.label).toBe('INVALID_JSON');
    expect(scan('```json\n{"a": 1}\n', { extract: 'fenced' })).toEqual([]);
  });

  it('`first_object` finds the object among prose and stray brackets', () => {
    expect(scan('Sure [see below]: {"a": {"b": [1, 2]}} — done.', { extract: 'first_object' })).toEqual([]);
  });

  it('`first_object` does not accept an inner object of a broken one', () => {
    const [finding] = scan('Answer: {"a": {"b": 1} "c": 2}', { extract: 'first_object' });
    expect(finding?.label).toBe('INVALID_JSON');
    expect(finding?.span).toEqual([23, 24]);
  });

  it('`first_object` with nothing to find', () => {
    expect(scan('I could not produce the data.', { extract: 'first_object' })).toEqual([
      { category: 'json', label: 'INVALID_JSON', score: 1, span: [0, 0], evidence: 'no JSON object or array found' },
    ]);
  });
});

describe('json: require', () => {
  it('object: an array is a SCHEMA_MISMATCH on the type at the root', () => {
    expect(scan('[1, 2]', { require: 'object' })).toEqual([
      {
        category: 'json',
        label: 'SCHEMA_MISMATCH',
        score: 1,
        span: [0, 6],
        evidence: 'at /: type (must be object, found array)',
      },
    ]);
    expect(scan('{"a": 1}', { require: 'object' })).toEqual([]);
  });

  it('object: a scalar names its type', () => {
    expect(scan(' 42 ', { require: 'object' })[0]?.evidence).toBe('at /: type (must be object, found number)');
    expect(scan('null', { require: 'array' })[0]?.evidence).toBe('at /: type (must be array, found null)');
  });

  it('array with first_object skips objects and takes the first array', () => {
    expect(scan('meta {"x": 1} data [1, 2, 3]', { extract: 'first_object', require: 'array' })).toEqual([]);
  });
});

describe('json: schema', () => {
  const schema = {
    type: 'object',
    required: ['answer', 'user'],
    additionalProperties: false,
    properties: {
      answer: { type: 'string', minLength: 1 },
      user: { type: 'object', properties: { age: { type: 'integer', minimum: 0 } } },
      code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
      email: { type: 'string', format: 'email' },
      when: { type: 'string', format: 'date-time' },
    },
  };

  it('a matching document passes', () => {
    const text =
      '{"answer": "yes", "user": {"age": 30}, "code": "ABC-1234", "email": "a@b.co", "when": "2024-02-29T10:00:00Z"}';
    expect(scan(text, { schema })).toEqual([]);
  });

  it('a missing required property: the instance path and the keyword', () => {
    expect(scan('{"answer": "yes"}', { schema })).toEqual([
      {
        category: 'json',
        label: 'SCHEMA_MISMATCH',
        score: 1,
        span: [0, 17],
        evidence: "at /: required (must have required property 'user')",
      },
    ]);
  });

  it('a nested violation names the nested path', () => {
    expect(scan('{"answer": "yes", "user": {"age": -1}}', { schema })[0]?.evidence).toBe(
      'at /user/age: minimum (must be >= 0)',
    );
  });

  it('an extra property is named in the evidence', () => {
    expect(scan('{"answer": "a", "user": {}, "debug": true}', { schema })[0]?.evidence).toBe(
      "at /: additionalProperties (must NOT have additional properties: 'debug')",
    );
  });

  it('patterns and formats are checked', () => {
    expect(scan('{"answer": "a", "user": {}, "code": "abc-1234"}', { schema })[0]?.evidence).toBe(
      'at /code: pattern (must match pattern "^[A-Z]{3}-\\d{4}$")',
    );
    expect(scan('{"answer": "a", "user": {}, "email": "not an email"}', { schema })[0]?.evidence).toBe(
      'at /email: format (must match format "email")',
    );
    expect(scan('{"answer": "a", "user": {}, "when": "2023-02-29T10:00:00Z"}', { schema })[0]?.evidence).toBe(
      'at /when: format (must match format "date-time")',
    );
  });

  it('the schema is checked on the extracted value, not on the prose around it', () => {
    const text = 'Done:\n```json\n{"answer": "ok", "user": {"age": 3}}\n```';
    expect(scan(text, { extract: 'fenced', schema })).toEqual([]);
  });

  it('a catastrophic-backtracking pattern runs in linear time on 100 KB (re2js, not the JS engine)', () => {
    const redos = { type: 'string', pattern: '^(a+)+$' };
    const [finding] = scan(JSON.stringify(`${'a'.repeat(100_000)}!`), { schema: redos });
    expect(finding?.label).toBe('SCHEMA_MISMATCH');
    expect(finding?.evidence).toBe('at /: pattern (must match pattern "^(a+)+$")');
    expect(scan(JSON.stringify('a'.repeat(100_000)), { schema: redos })).toEqual([]);
  });

  it('patternProperties keys are tenant regexes too', () => {
    const keyed = { type: 'object', patternProperties: { '^x-': { type: 'number' } } };
    expect(scan('{"x-count": 3, "other": "s"}', { schema: keyed })).toEqual([]);
    expect(scan('{"x-count": "three"}', { schema: keyed })[0]?.evidence).toBe('at /x-count: type (must be number)');
  });

  it('draft-07 schemas are accepted when they say so (tuple items)', () => {
    const tuple = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }, { type: 'number' }],
    };
    expect(scan('["a", 1]', { schema: tuple })).toEqual([]);
    expect(scan('[1, "a"]', { schema: tuple })[0]?.evidence).toBe('at /0: type (must be string)');
  });

  it('a boolean schema: false rejects everything', () => {
    expect(scan('{}', { schema: false })[0]?.evidence).toBe('at /: false schema (boolean schema is false)');
    expect(scan('{}', { schema: true })).toEqual([]);
  });
});

describe('json: bad params are policy-load errors at the params path', () => {
  it('an invalid keyword value points inside the schema', async () => {
    const issue = await paramsIssue({ schema: { type: 'object', properties: { age: { type: 'integr' } } } });
    expect(issue.path).toBe('rails.output.rules[0].params.schema.properties.age.type');
  });

  it('a pattern re2 cannot run (lookahead) points at the pattern', async () => {
    const issue = await paramsIssue({
      schema: { properties: { pw: { type: 'string', pattern: '^(?=.*\\d).{8,}$' } } },
    });
    expect(issue.path).toBe('rails.output.rules[0].params.schema.properties.pw.pattern');
    expect(issue.message).toMatch(/linear-time regex engine/);
  });

  it('a patternProperties key re2 cannot run points at the key', async () => {
    const issue = await paramsIssue({ schema: { patternProperties: { '(a)\\1': { type: 'string' } } } });
    expect(issue.path).toBe('rails.output.rules[0].params.schema.patternProperties["(a)\\\\1"]');
  });

  it('a misspelled keyword is an error, not silently ignored', async () => {
    const issue = await paramsIssue({
      schema: { type: 'object', properties: { a: { type: 'string', minLenght: 2 } } },
    });
    expect(issue.path).toBe('rails.output.rules[0].params.schema.properties.a.minLenght');
    expect(issue.message).toMatch(/unknown keyword/);
  });

  it('an unsupported format lists the supported ones', async () => {
    const issue = await paramsIssue({ schema: { type: 'string', format: 'iban' } });
    expect(issue.path).toBe('rails.output.rules[0].params.schema.format');
    expect(issue.message).toMatch(/supported formats: date, time, date-time, email/);
  });

  it('an unsupported $schema, an unresolvable $ref, an async schema', async () => {
    expect((await paramsIssue({ schema: { $schema: 'http://json-schema.org/draft-04/schema#' } })).path).toBe(
      'rails.output.rules[0].params.schema["$schema"]',
    );
    expect((await paramsIssue({ schema: { $ref: '#/$defs/missing' } })).message).toMatch(/can't resolve reference/);
    expect((await paramsIssue({ schema: { $async: true, type: 'object' } })).path).toBe(
      'rails.output.rules[0].params.schema["$async"]',
    );
  });

  it('unknown params, a wrong extract mode, a max_depth out of range', async () => {
    expect((await paramsIssue({ extrct: 'whole' })).path).toBe('rails.output.rules[0].params.extrct');
    expect((await paramsIssue({ extract: 'last_object' })).path).toBe('rails.output.rules[0].params.extract');
    expect((await paramsIssue({ max_depth: 0 })).path).toBe('rails.output.rules[0].params.max_depth');
  });

  it('a valid policy blocks non-JSON output end to end', async () => {
    const guard = await createGuard({
      policy: { rails: { output: { rules: [{ id: 'j', scanner: 'json', params: { require: 'object' } }] } } },
    });
    expect(guard.checkSync({ text: '{"ok": true}', rail: 'output' })).toMatchObject({ action: 'allow', findings: [] });
    const verdict = guard.checkSync({ text: 'I think the answer is 42.', rail: 'output' });
    expect(verdict).toMatchObject({ allowed: false, action: 'block', fired_rules: ['j'] });
    expect(verdict.findings.map((f) => f.label)).toEqual(['INVALID_JSON']);
  });
});

describe('json: adversarial 100 KB inputs', () => {
  it('100 KB of nested [[[[ stops at max_depth instead of recursing', () => {
    expect(scan('['.repeat(100_000))).toEqual([
      {
        category: 'json',
        label: 'TOO_DEEP',
        score: 1,
        span: [128, 129],
        evidence: 'nesting deeper than 128 levels at position 128 (line 1, column 129)',
      },
    ]);
    const balanced = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(scan(balanced, { max_depth: 1000 })[0]?.span).toEqual([1000, 1001]);
  });

  it('a document nested 900 deep is valid under max_depth 1000 and validates against a recursive schema', () => {
    const deep = `${'['.repeat(900)}${']'.repeat(900)}`;
    const recursive = { $defs: { node: { type: 'array', items: { $ref: '#/$defs/node' } } }, $ref: '#/$defs/node' };
    expect(scan(deep, { max_depth: 1000, schema: recursive })).toEqual([]);
  });

  it('50k `{{` fails at the first missing key', () => {
    expect(scan('{{'.repeat(50_000))[0]?.span).toEqual([1, 2]);
    expect(scan('{{'.repeat(50_000), { extract: 'first_object' })[0]?.span).toEqual([1, 2]);
  });

  it('an unterminated 100 KB string and 100 KB of quotes', () => {
    expect(scan(`{"a": "${'x'.repeat(100_000)}`)[0]?.span).toEqual([100_007, 100_007]);
    expect(scan("'".repeat(100_000))[0]?.span).toEqual([0, 1]);
  });

  it('first_object over 100 KB of broken or unclosed objects makes a bounded number of attempts', () => {
    const broken = `prose ${'{"a" x '.repeat(15_000)}`;
    expect(scan(broken, { extract: 'first_object' })[0]?.evidence).toBe(
      "expected ':', found 'x' at position 11 (line 1, column 12)",
    );
    const unclosed = `prose ${'{"a": '.repeat(20_000)}`;
    expect(scan(unclosed, { extract: 'first_object' })[0]?.label).toBe('TOO_DEEP');
  });

  it('a 100 KB unterminated fence line', () => {
    expect(scan(`\`\`\`${'j'.repeat(100_000)}`, { extract: 'fenced' })[0]?.label).toBe('INVALID_JSON');
  });
});
