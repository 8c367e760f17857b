import { describe, expect, it } from 'vitest';
import { AsyncPolicyError, RequestError } from './errors.js';
import { Guard } from './guard.js';
import type { RuleDocument } from './policy-schema.js';
import { TEST_SCANNERS } from './test-fixtures/scanners.js';
import type { Rail } from './types.js';

function guard(
  rules: RuleDocument[],
  rail: Partial<Record<string, unknown>> = {},
  extra: Record<string, unknown> = {},
): Guard {
  return new Guard({ policy: { rails: { input: { ...rail, rules } }, ...extra }, scanners: TEST_SCANNERS });
}

const kw = (id: string, word: string, score: number, more: Partial<RuleDocument> = {}): RuleDocument => ({
  id,
  scanner: 'keyword',
  threshold: 0.5,
  action: 'block',
  ...more,
  params: { word, score, ...(more.params ?? {}) },
});

describe('verdicts', () => {
  it('an attack and its benign twin: block with the rule, score and raw span; allow with nothing fired', () => {
    const g = guard([kw('bad-word', 'forbidden', 0.9)]);
    const blocked = g.checkSync({ text: 'this is FORBIDDEN text' });
    expect(blocked).toMatchObject({
      allowed: false,
      action: 'block',
      rail: 'input',
      fired_rules: ['bad-word'],
      reason: 'bad-word',
      errors: [],
    });
    expect(blocked.findings).toEqual([
      {
        category: 'test',
        score: 0.9,
        span: [8, 17],
        rule: 'bad-word',
        scanner: 'keyword',
        fired: true,
        action: 'block',
      },
    ]);
    expect(blocked.policy.version).toBe(g.policy.version);
    expect(blocked.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(blocked.latency_us.rules)).toEqual(['bad-word']);

    const allowed = g.checkSync({ text: 'this is fine text' });
    expect(allowed).toMatchObject({ allowed: true, action: 'allow', fired_rules: [], findings: [] });
    expect(allowed.decision_id).not.toBe(blocked.decision_id);
  });

  it('scores below the threshold are reported but do not fire', () => {
    const v = guard([kw('k', 'maybe', 0.4)]).checkSync({ text: 'maybe' });
    expect(v).toMatchObject({ allowed: true, action: 'allow', fired_rules: [] });
    expect(v.findings[0]).toMatchObject({ score: 0.4, fired: false });
  });

  it('warn and log pass with the action reported; the stronger action wins', () => {
    const g = guard([kw('w', 'alpha', 0.9, { action: 'warn' }), kw('l', 'beta', 0.9, { action: 'log' })]);
    expect(g.checkSync({ text: 'beta' })).toMatchObject({ allowed: true, action: 'log' });
    expect(g.checkSync({ text: 'alpha beta' })).toMatchObject({
      allowed: true,
      action: 'warn',
      fired_rules: ['w', 'l'],
    });
  });

  it('review: a review rule flags; a review band flags scores just under a block threshold', () => {
    const g = guard([
      kw('r', 'unsure', 0.7, { action: 'review' }),
      kw('b', 'edgy', 0.6, { threshold: 0.8, review_band: [0.5, 0.8] }),
    ]);
    expect(g.checkSync({ text: 'unsure' })).toMatchObject({ allowed: true, action: 'review', review: true });
    expect(g.checkSync({ text: 'edgy' })).toMatchObject({
      allowed: true,
      action: 'review',
      review: true,
      fired_rules: [],
    });
    expect(g.checkSync({ text: 'calm' })).toMatchObject({ action: 'allow', review: false });
  });

  it('a finding with its own threshold is off the rule scale: the review band ignores it', () => {
    const own = kw('b', 'edgy', 0.6, { threshold: 0.8, review_band: [0.5, 0.8], params: { threshold: 0.9 } });
    expect(guard([own]).checkSync({ text: 'edgy' })).toMatchObject({ action: 'allow', review: false });
    const fires = kw('b', 'edgy', 0.6, {
      threshold: 0.8,
      review_band: [0.5, 0.8],
      params: { threshold: 0.55 },
    });
    expect(guard([fires]).checkSync({ text: 'edgy' })).toMatchObject({ allowed: false, action: 'block' });
  });

  it('per-finding action and threshold from the scanner override the rule', () => {
    const g = guard([kw('k', 'alpha', 0.3, { action: 'warn', params: { action: 'block' } })]);
    // score 0.3 < rule threshold 0.5: not fired even though the finding asks for block
    expect(g.checkSync({ text: 'alpha' })).toMatchObject({ allowed: true, action: 'allow' });
    const g2 = guard([kw('k', 'alpha', 0.9, { action: 'warn', params: { action: 'block' } })]);
    expect(g2.checkSync({ text: 'alpha' })).toMatchObject({ allowed: false, action: 'block', reason: 'k' });
  });

  it('a rail with no rules, or not configured, allows', () => {
    const g = guard([kw('k', 'alpha', 0.9)]);
    expect(g.checkSync({ text: 'alpha', rail: 'output' })).toMatchObject({
      allowed: true,
      action: 'allow',
      findings: [],
    });
  });
});

describe('masking', () => {
  it('replaces spans with numbered placeholders; the same value keeps its number; overlaps merge', () => {
    const g = guard([
      kw('m1', 'alice', 0.9, { action: 'mask', params: { category: 'pii', label: 'NAME' } }),
      kw('m2', 'bob', 0.9, { action: 'mask', params: { category: 'pii', label: 'NAME' } }),
      kw('m3', 'ice b', 0.95, { action: 'mask', params: { category: 'pii', label: 'OVERLAP' } }),
    ]);
    const v = g.checkSync({ text: 'Alice met Bob; later alice called.' });
    expect(v).toMatchObject({ allowed: true, action: 'mask' });
    expect(v.masked_text).toBe('[PII:NAME_1] met [PII:NAME_2]; later [PII:NAME_3] called.');
    const v2 = g.checkSync({ text: 'alice bob and alice' });
    expect(v2.masked_text).toBe('[PII:OVERLAP_1] and [PII:NAME_1]');
  });

  it('uses the tenant-chosen placeholder format', () => {
    const g = guard(
      [kw('m', 'secret', 0.9, { action: 'mask', params: { label: 'WORD' } })],
      {},
      { mask: { format: '<{label}#{n} by {rule}>' } },
    );
    expect(g.checkSync({ text: 'a secret here' }).masked_text).toBe('a <word#1 by m> here');
  });

  it('masks the raw characters even when the match was made through a normalized view', () => {
    const g = guard([kw('m', 'secret', 0.9, { action: 'mask', params: { label: 'WORD' } })]);
    expect(g.checkSync({ text: 'a ＳＥ\u200BＣＲＥＴ here' }).masked_text).toBe('a [TEST:WORD_1] here');
  });

  it('block wins over mask: no masked text when the verdict blocks', () => {
    const g = guard([kw('m', 'alpha', 0.9, { action: 'mask' }), kw('b', 'beta', 0.9)]);
    const v = g.checkSync({ text: 'alpha beta' });
    expect(v.action).toBe('block');
    expect(v.masked_text).toBeUndefined();
  });
});

describe('aggregation over block rules', () => {
  const rules = [
    kw('a', 'alpha', 0.9, { weight: 3 }),
    kw('b', 'beta', 0.9, { weight: 1 }),
    kw('c', 'gamma', 0.9, { weight: 1 }),
  ];
  const cases: Array<[string, string, boolean]> = [
    ['any', 'alpha', true],
    ['any', 'nothing', false],
    ['all', 'alpha beta', false],
    ['all', 'alpha beta gamma', true],
    ['majority', 'alpha', false],
    ['majority', 'alpha gamma', true],
    ['weighted', 'alpha', true], // 3*0.9 / 5 = 0.54 >= 0.5
    ['weighted', 'beta gamma', false], // 2*0.9 / 5 = 0.36
  ];
  for (const [aggregation, text, blocked] of cases) {
    it(`${aggregation}: "${text}" → ${blocked ? 'block' : 'allow'}`, () => {
      const v = guard(rules, { aggregation }).checkSync({ text });
      expect(v.allowed).toBe(!blocked);
      if (!blocked && v.fired_rules.length > 0) expect(v.action).toBe('warn');
    });
  }

  it('weighted uses the rail threshold', () => {
    expect(
      guard(rules, { aggregation: 'weighted', weighted_threshold: 0.3 }).checkSync({ text: 'beta gamma' }).allowed,
    ).toBe(false);
  });
});

describe('sequential mode', () => {
  it('stops at the first blocking rule; parallel runs every rule', () => {
    const rules = [kw('first', 'alpha', 0.9), kw('second', 'alpha', 0.9)];
    const seq = guard(rules, { mode: 'sequential' }).checkSync({ text: 'alpha' });
    expect(Object.keys(seq.latency_us.rules)).toEqual(['first']);
    expect(seq.fired_rules).toEqual(['first']);
    const par = guard(rules, { mode: 'parallel' }).checkSync({ text: 'alpha' });
    expect(par.fired_rules).toEqual(['first', 'second']);
  });
});

describe('errors, timeouts and on_error', () => {
  it('a throwing rule with fail_closed blocks; with fail_open passes; the error is reported either way', () => {
    const rules: RuleDocument[] = [{ id: 'boom', scanner: 'broken', params: {} }, kw('k', 'alpha', 0.9)];
    const closed = guard(rules, { on_error: 'fail_closed' }).checkSync({ text: 'hello' });
    expect(closed).toMatchObject({ allowed: false, action: 'block', reason: 'on_error: fail_closed (boom)' });
    expect(closed.errors).toEqual([{ rule: 'boom', kind: 'error', message: 'scanner exploded' }]);
    const open = guard(rules, { on_error: 'fail_open' }).checkSync({ text: 'hello' });
    expect(open).toMatchObject({ allowed: true, action: 'allow' });
    expect(open.errors).toEqual([{ rule: 'boom', kind: 'error', message: 'scanner exploded' }]);
  });

  it('a per-rule on_error overrides the rail', () => {
    const v = guard([{ id: 'boom', scanner: 'broken', on_error: 'fail_open', params: {} }], {
      on_error: 'fail_closed',
    }).checkSync({ text: 'x' });
    expect(v.allowed).toBe(true);
  });

  it('an async rule past its timeout_ms is a timeout, and on_error decides', async () => {
    const slow: RuleDocument = { id: 'slow', scanner: 'sleepy', timeout_ms: 30, params: { ms: 2000 } };
    const t0 = Date.now();
    const closed = await guard([slow], { on_error: 'fail_closed' }).check({ text: 'x' });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(closed).toMatchObject({ allowed: false, reason: 'on_error: fail_closed (slow)' });
    expect(closed.errors).toEqual([{ rule: 'slow', kind: 'timeout', message: 'no answer within 30 ms' }]);
    const open = await guard([slow], { on_error: 'fail_open' }).check({ text: 'x' });
    expect(open).toMatchObject({ allowed: true, errors: [{ rule: 'slow', kind: 'timeout' }] });
  });

  it('the rail timeout bounds the whole rail', async () => {
    const rules: RuleDocument[] = [
      { id: 's1', scanner: 'sleepy', params: { ms: 1000 } },
      { id: 's2', scanner: 'sleepy', params: { ms: 5 } },
    ];
    const v = await guard(rules, { timeout_ms: 50, on_error: 'fail_open' }).check({ text: 'x' });
    expect(v.errors.map((e) => [e.rule, e.kind])).toEqual([['s1', 'timeout']]);
    expect(v.findings.map((f) => f.rule)).toEqual(['s2']);
  });

  it('a fast async rule within its timeout reports its findings', async () => {
    const v = await guard([{ id: 'quick', scanner: 'sleepy', threshold: 0.5, params: { ms: 1, score: 0.9 } }]).check({
      text: 'x',
    });
    expect(v).toMatchObject({ allowed: false, fired_rules: ['quick'], errors: [] });
  });

  it('checkSync refuses an asynchronous policy by name; check works', async () => {
    const g = guard([{ id: 'quick', scanner: 'sleepy', params: { ms: 1, score: 0 } }]);
    expect(g.isSync).toBe(false);
    expect(() => g.checkSync({ text: 'x' })).toThrow(AsyncPolicyError);
    expect(() => g.checkSync({ text: 'x' })).toThrow(/quick/);
    expect((await g.check({ text: 'x' })).allowed).toBe(true);
  });

  it('text over maxChars is not scanned and follows on_error', () => {
    const closed = new Guard({
      policy: { rails: { input: { on_error: 'fail_closed', rules: [kw('k', 'a', 0.9)] } } },
      scanners: TEST_SCANNERS,
      maxChars: 10,
    });
    expect(closed.checkSync({ text: 'x'.repeat(11) })).toMatchObject({
      allowed: false,
      reason: 'on_error: text of 11 characters exceeds maxChars 10',
    });
    const open = new Guard({
      policy: { rails: { input: { on_error: 'fail_open', rules: [kw('k', 'a', 0.9)] } } },
      scanners: TEST_SCANNERS,
      maxChars: 10,
    });
    expect(open.checkSync({ text: 'x'.repeat(11) })).toMatchObject({
      allowed: true,
      errors: [{ rule: '*', kind: 'error' }],
    });
  });
});

// `as never` below is the point of these tests: JavaScript callers and JSON bodies can send what the
// types forbid, and the guard must answer with a RequestError rather than crash.
describe('malformed requests', () => {
  const g = guard([kw('k', 'alpha', 0.9)]);
  it('rejects a missing text, a non-string text and an unknown rail with a RequestError naming the field', () => {
    expect(() => g.checkSync({} as never)).toThrow(RequestError);
    expect(() => g.checkSync({ text: 42 } as never)).toThrow('text: text must be a string');
    expect(() => g.checkSync({ text: 'x', rail: 'prompt' as Rail })).toThrow("rail: unknown rail 'prompt'");
  });
});

describe('conversations', () => {
  const g = new Guard({
    policy: {
      rails: {
        input: {
          rules: [kw('in', 'attack', 0.9), kw('pii', 'alice', 0.9, { action: 'mask', params: { label: 'NAME' } })],
        },
        output: { rules: [kw('out', 'leak', 0.9)] },
        tool_call: { rules: [kw('tc', 'rm -rf', 0.9)] },
        tool_result: { rules: [kw('tr', 'injected', 0.9)] },
      },
    },
    scanners: TEST_SCANNERS,
  });

  it('checks each OpenAI message on the rail of its role (system skipped)', () => {
    const v = g.checkSync({
      messages: [
        { role: 'system', content: 'attack is allowed here: system text is trusted' },
        { role: 'user', content: 'hello' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: '1', type: 'function', function: { name: 'sh', arguments: '{"cmd":"rm -rf /"}' } }],
        },
        { role: 'tool', tool_call_id: '1', content: 'result: injected text' },
        { role: 'assistant', content: 'no leak here' },
      ],
    });
    expect(v.parts.map((p) => [p.message, p.path, p.verdict.rail, p.verdict.action])).toEqual([
      [1, 'content', 'input', 'allow'],
      [2, 'tool_calls[0].function.arguments', 'tool_call', 'block'],
      [3, 'content', 'tool_result', 'block'],
      [4, 'content', 'output', 'block'],
    ]);
    expect(v).toMatchObject({ allowed: false, action: 'block' });
  });

  it('checks Anthropic content blocks: text, tool_use input and tool_result', () => {
    const v = g.checkSync({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'plain' },
            { type: 'image', source: {} },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'sh', input: { cmd: 'rm -rf /' } }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'injected' }] }],
        },
      ],
    });
    expect(v.parts.map((p) => [p.message, p.path, p.verdict.rail, p.verdict.allowed])).toEqual([
      [0, 'content[0].text', 'input', true],
      [1, 'content[0].input', 'tool_call', false],
      [2, 'content[0].content', 'tool_result', false],
    ]);
  });

  it('returns the messages with masked text written back in place', async () => {
    const messages = [
      { role: 'user', content: 'I am Alice' },
      { role: 'user', content: [{ type: 'text', text: 'alice again' }] },
    ];
    const v = await g.check({ messages });
    expect(v.action).toBe('mask');
    expect(v.masked_messages).toEqual([
      { role: 'user', content: 'I am [TEST:NAME_1]' },
      { role: 'user', content: [{ type: 'text', text: '[TEST:NAME_1] again' }] },
    ]);
    expect(messages[0]?.content).toBe('I am Alice');
  });

  it('checks system messages when asked', () => {
    const strict = new Guard({
      policy: { rails: { input: { rules: [kw('in', 'attack', 0.9)] } } },
      scanners: TEST_SCANNERS,
      checkSystemMessages: true,
    });
    expect(strict.checkSync({ messages: [{ role: 'system', content: 'attack' }] }).allowed).toBe(false);
  });

  it('rejects malformed messages naming the message', () => {
    expect(() => g.checkSync({ messages: 'hi' as never })).toThrow('messages: messages must be an array');
    expect(() => g.checkSync({ messages: [{ content: 'x' } as never] })).toThrow(
      'messages[0]: each message needs a string role',
    );
    expect(() => g.checkSync({ messages: [{ role: 'user', content: 42 }] })).toThrow('messages[0].content');
  });
});

describe('cascades (when: a rule runs only when another scored in a band)', () => {
  // The gate reports 0.6 on "maybe" (unsure: below its own 0.9 threshold); the gated rule is the
  // "stronger detector" that decides those cases.
  const gate = kw('gate', 'maybe', 0.6, { threshold: 0.9 });
  const judge = (band: [number, number], more: Partial<RuleDocument> = {}): RuleDocument =>
    kw('judge', 'maybe', 0.95, { when: { rule: 'gate', band }, ...more });

  it('runs the gated rule inside the band and skips it outside, on both paths', async () => {
    const g = guard([gate, judge([0.5, 0.9])]);
    const unsure = g.checkSync({ text: 'maybe' });
    expect([unsure.action, unsure.fired_rules, Object.keys(unsure.latency_us.rules)]).toEqual([
      'block',
      ['judge'],
      ['gate', 'judge'],
    ]);
    const nothing = g.checkSync({ text: 'fine' });
    expect([nothing.action, Object.keys(nothing.latency_us.rules)]).toEqual(['allow', ['gate']]);
    const async = await g.check({ text: 'maybe' });
    expect(async.fired_rules).toEqual(['judge']);
    const sure = guard([kw('gate', 'maybe', 0.95, { threshold: 0.9 }), judge([0.5, 0.9])]).checkSync({ text: 'maybe' });
    expect([sure.fired_rules, Object.keys(sure.latency_us.rules)]).toEqual([['gate'], ['gate']]);
  });

  it('a skipped block rule does not count for `all`; a gate that errors opens the gate', async () => {
    // `all`: rule a fires (0.9) and is out of the judge's band, so the judge is skipped and a alone decides.
    const all = guard([kw('a', 'maybe', 0.9), kw('judge', 'maybe', 0.95, { when: { rule: 'a', band: [0.5, 0.9] } })], {
      aggregation: 'all',
    });
    expect(all.checkSync({ text: 'maybe' })).toMatchObject({ action: 'block', fired_rules: ['a'] });
    const broken = guard([
      { id: 'gate', scanner: 'broken', on_error: 'fail_open' },
      kw('judge', 'maybe', 0.95, { when: { rule: 'gate', band: [0.5, 0.9] } }),
    ]);
    const v = await broken.check({ text: 'maybe' });
    expect([v.action, v.fired_rules, v.errors.map((e) => e.rule)]).toEqual(['block', ['judge'], ['gate']]);
  });

  it('policy errors: unknown, self, chained gates and a reversed band, each at its path', () => {
    const issues = (rules: RuleDocument[]) => {
      try {
        guard(rules);
      } catch (error) {
        return (error as { issues: { path: string; message: string }[] }).issues.map((i) => [i.path, i.message]);
      }
      return [];
    };
    expect(issues([gate, kw('j', 'x', 0.9, { when: { rule: 'nope', band: [0.1, 0.2] } })])).toEqual([
      ['rails.input.rules[1].when.rule', "rule 'j' gates on 'nope', which is not a rule of the input rail"],
    ]);
    expect(issues([kw('j', 'x', 0.9, { when: { rule: 'j', band: [0.1, 0.2] } })])).toEqual([
      ['rails.input.rules[0].when.rule', "rule 'j' gates on itself"],
    ]);
    expect(issues([gate, judge([0.1, 0.2]), kw('k', 'x', 0.9, { when: { rule: 'judge', band: [0.1, 0.2] } })])).toEqual(
      [['rails.input.rules[2].when.rule', "rule 'k' gates on 'judge', which is gated itself"]],
    );
    expect(issues([gate, judge([0.9, 0.5])])).toEqual([
      ['rails.input.rules[1].when.band', 'when.band must be [low, high] with low <= high'],
    ]);
  });
});
