import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError, type PolicyIssue } from './errors.js';
import { createGuard, Guard } from './guard.js';
import { TEST_SCANNERS } from './test-fixtures/scanners.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-policy-'));
let fileCounter = 0;

function writePolicy(text: string, name = `policy-${++fileCounter}.yaml`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function issuesOf(fn: () => unknown): PolicyIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a PolicyError');
}

const guardOf = (policy: unknown) => new Guard({ policy: policy as Record<string, unknown>, scanners: TEST_SCANNERS });

describe('policy validation errors name the file, the path, what was expected and what was found', () => {
  it('threshold outside [0,1], with the YAML line and column', () => {
    const file = writePolicy(
      [
        'rails:',
        '  input:',
        '    rules:',
        '      - id: a',
        '        scanner: keyword',
        '        params: { word: alpha }',
        '      - id: b',
        '        scanner: keyword',
        '        params: { word: beta }',
        '      - id: c',
        '        scanner: keyword',
        '        threshold: 1.5',
        '        params: { word: gamma }',
      ].join('\n'),
    );
    const [issue, ...rest] = issuesOf(() => new Guard({ policy: file, scanners: TEST_SCANNERS }));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      code: 'POLICY_INVALID',
      file,
      path: 'rails.input.rules[2].threshold',
      line: 12,
      column: 20,
      expected: 'a number <= 1',
      found: 'number 1.5',
    });
  });

  it('unknown scanner id, with a suggestion', () => {
    const [issue] = issuesOf(() =>
      guardOf({ rails: { input: { rules: [{ id: 'x', scanner: 'keywrod', params: { word: 'a' } }] } } }),
    );
    expect(issue).toMatchObject({
      code: 'POLICY_UNKNOWN_SCANNER',
      file: '<inline>',
      path: 'rails.input.rules[0].scanner',
      found: '"keywrod"',
      fix: "did you mean 'keyword'?",
    });
  });

  it('unknown params are errors at the param path', () => {
    const issues = issuesOf(() =>
      guardOf({ rails: { output: { rules: [{ id: 'x', scanner: 'keyword', params: { word: 'a', wrod: 'b' } }] } } }),
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['rails.output.rules[0].params.wrod', "unknown key 'wrod'"],
    ]);
  });

  it('missing required params', () => {
    const [issue] = issuesOf(() => guardOf({ rails: { input: { rules: [{ id: 'x', scanner: 'keyword' }] } } }));
    expect(issue).toMatchObject({ path: 'rails.input.rules[0].params.word', expected: 'string', found: 'nothing' });
  });

  it('duplicate rule ids on one rail', () => {
    const [issue] = issuesOf(() =>
      guardOf({
        rails: {
          input: {
            rules: [
              { id: 'same', scanner: 'size', params: { max_chars: 10 } },
              { id: 'same', scanner: 'size', params: { max_chars: 20 } },
            ],
          },
        },
      }),
    );
    expect(issue).toMatchObject({ code: 'POLICY_DUPLICATE_RULE', path: 'rails.input.rules[1].id' });
    expect(issue?.message).toContain('first used at rails.input.rules[0]');
  });

  it('unknown keys, bad enums and unknown rails', () => {
    const issues = issuesOf(() =>
      guardOf({
        rails: {
          input: { mode: 'random', rules: [{ id: 'x', scanner: 'size', action: 'deny', params: { max_chars: 1 } }] },
          prompt: {},
        },
        colour: 'blue',
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'colour',
      'rails.input.mode',
      'rails.input.rules[0].action',
      'rails.prompt',
    ]);
    const action = issues.find((i) => i.path === 'rails.input.rules[0].action');
    expect(action?.expected).toBe('one of "block", "mask", "warn", "log", "review"');
    expect(action?.found).toBe('string "deny"');
  });

  it('on_block: an unknown response and a status outside 400-499', () => {
    const issues = issuesOf(() => guardOf({ on_block: { respond: 'silence', status: 500 } }));
    expect(issues.map((i) => i.path).sort()).toEqual(['on_block.respond', 'on_block.status']);
    expect(issues.find((i) => i.path === 'on_block.respond')?.expected).toBe('one of "error", "refusal"');
  });

  it('a scanner on a rail it does not support', () => {
    const [issue] = issuesOf(() =>
      guardOf({ rails: { input: { rules: [{ id: 'c', scanner: 'canary', params: { tokens: ['CANARY-1234'] } }] } } }),
    );
    expect(issue).toMatchObject({ code: 'POLICY_RAIL_UNSUPPORTED', path: 'rails.input.rules[0].scanner' });
  });

  it('review_band with low above high', () => {
    const [issue] = issuesOf(() =>
      guardOf({
        rails: { input: { rules: [{ id: 'k', scanner: 'keyword', review_band: [0.8, 0.4], params: { word: 'a' } }] } },
      }),
    );
    expect(issue?.path).toBe('rails.input.rules[0].review_band');
  });

  it('YAML syntax errors carry a line', () => {
    const file = writePolicy('rails:\n  input:\n    rules: [\n      { id: a, scanner: size\n');
    const [issue] = issuesOf(() => new Guard({ policy: file }));
    expect(issue?.code).toBe('POLICY_PARSE');
    expect(issue?.file).toBe(file);
    expect(issue?.line).toBeGreaterThanOrEqual(3);
  });

  it('a missing file and an unknown preset say what to do', () => {
    const [missing] = issuesOf(() => new Guard({ policy: join(dir, 'nope.yaml') }));
    expect(missing).toMatchObject({ code: 'POLICY_NOT_FOUND', message: 'cannot read the policy file: no such file' });
    const [preset] = issuesOf(() => new Guard({ policy: { extends: 'defualt' } }));
    expect(preset).toMatchObject({ code: 'POLICY_UNKNOWN_PRESET', path: 'extends', fix: "did you mean 'default'?" });
  });

  it('the error message is one readable line per problem with a fix', () => {
    const file = writePolicy(
      'rails:\n  input:\n    rules:\n      - id: a\n        scanner: size\n        threshold: 2\n        params: { max_chars: 5 }\n',
    );
    try {
      new Guard({ policy: file });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        `${file}:6:20: rails.input.rules[0].threshold: value too large (expected a number <= 1, found number 2)\n  fix: thresholds are scores between 0 and 1, e.g. 0.8`,
      );
    }
  });
});

describe('extends and merging by rule id', () => {
  const base = writePolicy(
    [
      'id: base',
      'rails:',
      '  input:',
      '    on_error: fail_open',
      '    rules:',
      '      - id: words',
      '        scanner: keyword',
      '        threshold: 0.5',
      '        params: { word: alpha, score: 0.6 }',
      '      - id: limit',
      '        scanner: size',
      '        params: { max_chars: 100 }',
    ].join('\n'),
    'base.yaml',
  );

  it('overrides fields and params of a rule with the same id, keeps the rest, appends new rules', () => {
    const guard = guardOf({
      id: 'child',
      extends: './base.yaml'.replace('.', dir),
      rails: {
        input: {
          rules: [
            { id: 'words', threshold: 0.7, params: { score: 0.8 } },
            { id: 'extra', scanner: 'keyword', params: { word: 'beta' } },
          ],
        },
      },
    });
    const rules = guard.policy.rails.input?.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(['words', 'limit', 'extra']);
    expect(rules[0]).toMatchObject({
      scanner: 'keyword',
      threshold: 0.7,
      params: { word: 'alpha', score: 0.8 },
      on_error: 'fail_open',
    });
    expect(guard.policy.id).toBe('child');
    expect(guard.policy.sources).toEqual([base, '<inline>']);
  });

  it('on_block: defaults to an error, a child overrides field by field over its base', () => {
    expect(guardOf({}).policy.on_block).toEqual({
      respond: 'error',
      message: "Sorry, I can't help with that request.",
    });
    const parent = writePolicy('on_block:\n  respond: refusal\n  message: Not here.\n');
    const child = guardOf({ extends: parent, on_block: { status: 451 } });
    expect(child.policy.on_block).toEqual({ respond: 'refusal', message: 'Not here.', status: 451 });
    expect(child.policy.version).not.toBe(guardOf({ extends: parent }).policy.version);
  });

  it('enabled: false removes an inherited rule', () => {
    const guard = guardOf({ extends: base, rails: { input: { rules: [{ id: 'limit', enabled: false }] } } });
    expect(guard.policy.rails.input?.rules.map((r) => r.id)).toEqual(['words']);
  });

  it('errors in a param set by the child point at the child file', () => {
    const child = writePolicy(
      `extends: ${base}\nrails:\n  input:\n    rules:\n      - id: words\n        params: { score: 3 }\n`,
    );
    const [issue] = issuesOf(() => new Guard({ policy: child, scanners: TEST_SCANNERS }));
    expect(issue).toMatchObject({ file: child, path: 'rails.input.rules[0].params.score', line: 6 });
  });

  it('an override of a rule id that does not exist needs a scanner', () => {
    const [issue] = issuesOf(() =>
      guardOf({ extends: base, rails: { input: { rules: [{ id: 'wrods', threshold: 0.2 }] } } }),
    );
    expect(issue?.path).toBe('rails.input.rules[0].scanner');
    expect(issue?.message).toContain("rule 'wrods' names no scanner");
  });

  it('detects extends cycles', () => {
    const a = join(dir, 'cycle-a.yaml');
    const b = join(dir, 'cycle-b.yaml');
    writeFileSync(a, 'extends: ./cycle-b.yaml\n');
    writeFileSync(b, 'extends: ./cycle-a.yaml\n');
    const [issue] = issuesOf(() => new Guard({ policy: a }));
    expect(issue?.code).toBe('POLICY_EXTENDS_CYCLE');
  });
});

describe('policy version', () => {
  const doc = { rails: { input: { rules: [{ id: 'k', scanner: 'keyword', params: { word: 'x' } }] } } };

  it('is a content hash: same content, same version; any change, new version', () => {
    const a = guardOf(doc).policy.version;
    const b = guardOf(structuredClone(doc)).policy.version;
    const c = guardOf({
      rails: { input: { rules: [{ id: 'k', scanner: 'keyword', threshold: 0.6, params: { word: 'x' } }] } },
    }).policy.version;
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('does not depend on key order or on where the file lives', () => {
    const reordered = { rails: { input: { rules: [{ params: { word: 'x' }, scanner: 'keyword', id: 'k' }] } } };
    expect(guardOf(reordered).policy.version).toBe(guardOf(doc).policy.version);
  });
});

describe('createGuard', () => {
  it('loads the default preset when no policy is given', async () => {
    const guard = await createGuard();
    expect(guard.policy.id).toBe('default');
    expect(guard.policy.sources).toEqual(['preset:default']);
  });
});
