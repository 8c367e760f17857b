import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { compileTenantPattern, inspectPattern, regexParams, regexScanner } from './index.js';

const ticket = { name: 'ticket id', pattern: '\\bPROJ-\\d{4,6}\\b' };
const scan = (params: Record<string, unknown>, text: string) => runScannerSync(regexScanner, params, text);
const spans = (params: Record<string, unknown>, text: string) => scan(params, text).map((f) => f.span);

/** The issues a policy with one bad regex rule (third rule of the input rail) raises at load. */
async function loadIssues(patterns: unknown[]): Promise<Array<[string, string]>> {
  const error = await createGuard({
    policy: {
      rails: {
        input: {
          rules: [
            { id: 'size', scanner: 'size', params: { max_chars: 10_000 } },
            { id: 'ok', scanner: 'regex', params: { patterns: [ticket] } },
            { id: 'tenant', scanner: 'regex', params: { patterns } },
          ],
        },
      },
    },
  }).catch((e: unknown) => e);
  if (!(error instanceof PolicyError)) throw new Error('expected a PolicyError');
  return error.issues.map((issue) => [issue.path, issue.message]);
}

describe('regex: tenant patterns find spans', () => {
  it('reports each match with its raw span, a label from the name and the score', () => {
    expect(scan({ patterns: [ticket] }, 'See PROJ-1234 and PROJ-98765.')).toEqual([
      {
        category: 'regex',
        label: 'TICKET_ID',
        score: 1,
        span: [4, 13],
        evidence: "pattern 'ticket id'",
        view: 'clean',
      },
      {
        category: 'regex',
        label: 'TICKET_ID',
        score: 1,
        span: [18, 28],
        evidence: "pattern 'ticket id'",
        view: 'clean',
      },
    ]);
  });

  it('finds nothing in the benign twin', () => {
    expect(scan({ patterns: [ticket] }, 'PROJ-12 is too short and XPROJ-1234 is another prefix.')).toEqual([]);
  });

  it('honours flags, label and score', () => {
    const params = { patterns: [{ ...ticket, flags: 'i', label: 'TICKET', score: 0.8 }] };
    expect(scan(params, 'see proj-1234').map((f) => [f.label, f.score, f.span])).toEqual([['TICKET', 0.8, [4, 13]]]);
    expect(scan({ patterns: [ticket] }, 'see proj-1234')).toEqual([]);
  });

  it('searches the clean view by default, so zero-width characters do not hide a match', () => {
    expect(spans({ patterns: [ticket] }, 'PROJ-12\u200B34')).toEqual([[0, 10]]);
    expect(spans({ patterns: [ticket], view: 'raw' }, 'PROJ-12\u200B34')).toEqual([]);
  });

  it('the skeleton view folds case, diacritics and look-alike letters', () => {
    const params = { patterns: [{ name: 'codeword', pattern: '\\bfalcon\\b' }], view: 'skeleton' };
    expect(spans(params, 'FALCÓN and fаlcon (Cyrillic а)')).toEqual([
      [0, 6],
      [11, 17],
    ]);
  });

  it('multiline anchors match at line starts only with the m flag', () => {
    const text = 'intro\nSECRET: x\nSECRET: y';
    expect(spans({ patterns: [{ name: 's', pattern: '^SECRET:', flags: 'm' }] }, text)).toEqual([
      [6, 13],
      [16, 23],
    ]);
    expect(spans({ patterns: [{ name: 's', pattern: '^SECRET:' }] }, text)).toEqual([]);
  });

  it('capture groups, named groups and non-ASCII text keep exact spans', () => {
    const params = { patterns: [{ name: 'amount', pattern: '(?P<cur>€|\\$)\\s?(\\d+)' }] };
    expect(spans(params, '😀 costs €120 or $99')).toEqual([
      [9, 13],
      [17, 20],
    ]);
  });

  it('stops at max_matches over all patterns', () => {
    const params = { patterns: [ticket, { name: 'other', pattern: 'x+' }], max_matches: 3 };
    expect(scan(params, 'PROJ-1111 PROJ-2222 x PROJ-3333 PROJ-4444').map((f) => f.label)).toEqual([
      'TICKET_ID',
      'TICKET_ID',
      'TICKET_ID',
    ]);
  });
});

describe('regex: bad patterns are policy errors on the exact pattern', () => {
  it('an invalid pattern', async () => {
    expect(await loadIssues([{ name: 'a', pattern: '[a-' }])).toEqual([
      ['rails.input.rules[2].params.patterns[0].pattern', 'invalid pattern: missing closing ]: `[a-`'],
    ]);
  });

  it('a backreference, named or numbered', async () => {
    const message =
      'backreferences (\\1, \\k<name>, (?P=name)) are not supported: tenant patterns run on a linear-time engine (RE2 syntax)';
    expect(
      await loadIssues([
        { name: 'ok', pattern: 'fine' },
        { name: 'b', pattern: '(a)\\1' },
        { name: 'c', pattern: '(?<w>a)\\k<w>' },
      ]),
    ).toEqual([
      ['rails.input.rules[2].params.patterns[1].pattern', message],
      ['rails.input.rules[2].params.patterns[2].pattern', message],
    ]);
  });

  it('lookahead and lookbehind', async () => {
    const message =
      'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: tenant patterns run on a linear-time engine (RE2 syntax)';
    expect(
      await loadIssues([
        { name: 'a', pattern: 'foo(?=bar)' },
        { name: 'b', pattern: '(?<!x)foo' },
      ]),
    ).toEqual([
      ['rails.input.rules[2].params.patterns[0].pattern', message],
      ['rails.input.rules[2].params.patterns[1].pattern', message],
    ]);
  });

  it('a pattern matching the empty text, or too large once compiled', async () => {
    expect(
      await loadIssues([
        { name: 'a', pattern: '\\d*' },
        { name: 'b', pattern: '[a-z]{500}' },
      ]),
    ).toEqual([
      [
        'rails.input.rules[2].params.patterns[0].pattern',
        'pattern matches the empty text, so it would match every message; require at least one character',
      ],
      [
        'rails.input.rules[2].params.patterns[1].pattern',
        'pattern is too complex (502 program instructions, limit 200); use smaller counted repetitions such as {1,50}',
      ],
    ]);
  });

  it('bad flags, labels, duplicate names and unknown keys', () => {
    const issues = (params: unknown) =>
      regexParams.safeParse(params).error?.issues.map((i) => i.path.join('.')) ?? ['(valid)'];
    expect(issues({ patterns: [{ ...ticket, flags: 'ig' }] })).toEqual(['patterns.0.flags']);
    expect(issues({ patterns: [{ ...ticket, flags: 'ii' }] })).toEqual(['patterns.0.flags']);
    expect(issues({ patterns: [{ ...ticket, label: 'lower' }] })).toEqual(['patterns.0.label']);
    expect(issues({ patterns: [ticket, ticket] })).toEqual(['patterns.1.name']);
    expect(issues({ patterns: [{ ...ticket, regex: 'x' }] })).toEqual(['patterns.0']);
    expect(issues({ patterns: [] })).toEqual(['patterns']);
  });
});

describe('regex: the pattern inspector', () => {
  it('makes capturing groups non-capturing without touching classes, escapes or quoted text', () => {
    expect(inspectPattern('(a)(?P<n>b)(?<m>c)(?:d)(?i)[(]\\(\\Q(x)\\E').withoutCaptures).toBe(
      '(?:a)(?:b)(?:c)(?:d)(?i)[(]\\(\\Q(x)\\E',
    );
    expect(inspectPattern('[]^$]x').lineAnchors).toBe(false);
    expect(inspectPattern('\\$5').lineAnchors).toBe(false);
    expect(inspectPattern('a$').lineAnchors).toBe(true);
  });

  it('searches big texts block by block only when anchors allow it', () => {
    const lineSafe = (source: string, flags?: string) => {
      const result = compileTenantPattern(source, flags);
      return result.ok ? result.pattern.lineSafe : undefined;
    };
    expect(lineSafe('foo')).toBe(true);
    expect(lineSafe('^foo')).toBe(false);
    expect(lineSafe('^foo', 'm')).toBe(true);
    expect(lineSafe('\\Afoo', 'm')).toBe(false);
  });
});

describe('regex in a guard', () => {
  it('masks matches with the label as placeholder', async () => {
    const guard = await createGuard({
      policy: {
        rails: { output: { rules: [{ id: 't', scanner: 'regex', action: 'mask', params: { patterns: [ticket] } }] } },
      },
    });
    const verdict = guard.checkSync({ text: 'Fixed in PROJ-1234, see PROJ-1234 and PROJ-777777.', rail: 'output' });
    expect(verdict.masked_text).toBe('Fixed in [REGEX:TICKET_ID_1], see [REGEX:TICKET_ID_1] and [REGEX:TICKET_ID_2].');
  });
});

describe('regex on adversarial input (re2js, linear time)', () => {
  it('(a+)+$ on 100 KB of a: one match spanning the whole text', () => {
    const text = 'a'.repeat(100_000);
    expect(spans({ patterns: [{ name: 'x', pattern: '(a+)+$' }] }, text)).toEqual([[0, 100_000]]);
  });

  it('(a+)+$ on 100 KB of a followed by b: no match', () => {
    expect(scan({ patterns: [{ name: 'x', pattern: '(a+)+$' }] }, `${'a'.repeat(100_000)}b`)).toEqual([]);
  });

  it('100 KB of near-misses finds nothing; one planted hit is found with its span', () => {
    const noise = 'PROJ-12 PROJ-ab '.repeat(6250);
    expect(scan({ patterns: [ticket] }, noise)).toEqual([]);
    expect(spans({ patterns: [ticket] }, `${noise}PROJ-4321`)).toEqual([[100_000, 100_009]]);
  });

  it('a costly pattern on 100 KB of lines is located line block by line block', () => {
    const lines = 'nothing to see on this line at all\n'.repeat(1430);
    const params = { patterns: [{ name: 'words', pattern: '(?i)(?:secret|confidential|internal only)\\s+\\w{3,40}' }] };
    expect(spans(params, `${lines}it is internal only material\n${lines}`)).toEqual([
      [lines.length + 6, lines.length + 28],
    ]);
  });

  it('a costly anchored pattern on one 100 KB line is reported without a span', () => {
    const params = { patterns: [{ name: 'tail', pattern: '(?:\\w+\\s?){1,20}!$' }] };
    expect(scan(params, `${'word '.repeat(20_000)}!`)).toEqual([
      {
        category: 'regex',
        label: 'TAIL',
        score: 1,
        evidence: "pattern 'tail' matched; span not located within the work budget",
        view: 'clean',
      },
    ]);
  });

  it('an alternative matching emptily does not loop, and the real matches are still found', () => {
    expect(spans({ patterns: [{ name: 'b', pattern: 'x|\\b' }] }, 'ab x '.repeat(20_000)).slice(0, 2)).toEqual([
      [3, 4],
      [8, 9],
    ]);
    expect(spans({ patterns: [{ name: 'b', pattern: 'x|\\b' }] }, 'ab x '.repeat(20_000))).toHaveLength(100);
  });
});
