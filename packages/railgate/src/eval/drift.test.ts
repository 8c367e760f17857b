import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-fixtures/run-cli.js';
import { type DriftReport, drift, ksBinned, psi, shiftOf } from './drift.js';
import { EvalInputError } from './errors.js';
import type { EvalResult, RuleResult } from './result.js';
import { fixtureResult } from './test-fixtures/result.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { oldFile: 'old.json', newFile: 'new.json', toolVersion: 'test' };

function ruleOf(result: EvalResult, key: string): RuleResult {
  const rule = result.policies[0]?.rules.find((r) => r.key === key);
  if (!rule) throw new Error(`no rule ${key}`);
  return rule;
}

function rowOf(report: DriftReport, rule: string, category: string) {
  const row = report.rows.find((r) => r.rule === rule && r.category === category);
  if (!row) throw new Error(`no drift row ${rule} ${category}`);
  return row;
}

describe('PSI and KS on histograms (hand-computed)', () => {
  it('PSI = Σ (new − old)·ln(new/old) over the shares', () => {
    // Shares 0.5/0.5 → 0.25/0.75: 0.25·ln 2 + 0.25·ln 1.5.
    expect(psi([2, 2, 0], [1, 3, 0])).toBeCloseTo(0.2746530722, 9);
    // An emptied bin counts at ε = 0.0001: (0.75 − 1)·ln 0.75 + (0.25 − 0.0001)·ln(0.25 / 0.0001).
    expect(psi([4, 0], [3, 1])).toBeCloseTo(2.0271496162, 9);
    // The same shares at another size are no shift.
    expect(psi([1, 2, 3], [10, 20, 30])).toBe(0);
  });

  it('KS is the largest gap between the cumulative shares at the bin edges', () => {
    expect(ksBinned([2, 2, 0], [1, 3, 0])).toBe(0.25);
    expect(ksBinned([1, 0, 0, 1], [0, 0, 1, 1])).toBe(0.5);
    expect(ksBinned([5, 0], [0, 5])).toBe(1);
  });

  it('identical histograms are 0; an empty one is undefined', () => {
    expect(psi([3, 0, 1, 0], [3, 0, 1, 0])).toBe(0);
    expect(ksBinned([3, 0, 1, 0], [3, 0, 1, 0])).toBe(0);
    expect(psi([0, 0], [1, 1])).toBeNull();
    expect(ksBinned([1, 1], [0, 0])).toBeNull();
  });

  it('reads PSI at the conventional levels: 0.1 moderate, 0.25 large', () => {
    expect([0, 0.0999, 0.1, 0.2499, 0.25, 3, null].map(shiftOf)).toEqual([
      'none',
      'none',
      'moderate',
      'moderate',
      'large',
      'large',
      'unknown',
    ]);
  });
});

describe('drift between two results', () => {
  it('a result against itself: every rule and category, no shift, no change in recall or over-refusal', () => {
    const report = drift(fixtureResult(), fixtureResult(), { ...OPTIONS, failOn: 'moderate' });
    expect(report.rows.map((r) => `${r.rule} ${r.category}`)).toEqual([
      'input/prompt-injection overall',
      'input/prompt-injection cat"><img src=x onerror=alert(3)>',
      'input/prompt-injection injection',
      'input/pii overall',
      'input/pii pii',
    ]);
    for (const row of report.rows) {
      expect([row.attack.psi, row.benign.psi, row.attack.ks, row.benign.ks, row.shift]).toEqual([0, 0, 0, 0, 'none']);
      expect([row.recall.delta, row.fpr.delta]).toEqual([0, 0]);
    }
    expect(report).toMatchObject({ worst: 'none', failed: false, skipped: [], counts: { none: 5, moderate: 0 } });
  });

  it('a moved benign score: PSI and KS of the benign class by hand, the attack class unchanged', () => {
    const before = fixtureResult();
    const after = fixtureResult();
    // Benign prompt-injection scores 0, 0.1, 0.8, 0.9 fall in bins 0, 2, 16, 18; move the 0.1 down to 0.
    const histogram = ruleOf(after, 'input/prompt-injection').overall?.histogram;
    if (!histogram) throw new Error('no histogram');
    expect(histogram.benign.flatMap((n, bin) => (n > 0 ? [bin] : []))).toEqual([0, 2, 16, 18]);
    histogram.benign[0] = 2;
    histogram.benign[2] = 0;
    const row = rowOf(drift(before, after, OPTIONS), 'input/prompt-injection', 'overall');
    // 0.25·ln(0.5/0.25) + (0.0001 − 0.25)·ln(0.0001/0.25)
    expect(row.benign.psi).toBeCloseTo(2.1285158933, 9);
    expect(row.benign.ks).toBe(0.25);
    expect([row.attack.psi, row.psi, row.shift]).toEqual([0, row.benign.psi, 'large']);
  });

  it('a rule that went silent in a category is a large shift, not a missing row', () => {
    const after = fixtureResult();
    delete ruleOf(after, 'input/pii').by_category.pii;
    const report = drift(fixtureResult(), after, { ...OPTIONS, failOn: 'large' });
    const row = rowOf(report, 'input/pii', 'pii');
    // Old attack scores all in bin 18, new all in bin 0: 2·(1 − ε)·ln(1/ε).
    expect(row.attack.psi).toBeCloseTo(18.4188386759, 9);
    expect(row).toMatchObject({
      shift: 'large',
      recall: { old: 1, new: 0, delta: -1 },
      note: 'the rule scores nothing here in the new result',
    });
    expect([report.worst, report.failed]).toEqual(['large', true]);
  });

  it('refuses results whose rules differ, unless asked for the common rules', () => {
    const after = fixtureResult();
    const policy = after.policies[0];
    const extra = policy?.rules[1];
    if (!policy || !extra) throw new Error('fixture');
    policy.rules.push({ ...extra, key: 'input/extra', rule: 'extra', scanner: 'secrets' });
    expect(() => drift(fixtureResult(), after, OPTIONS)).toThrow(EvalInputError);
    expect(() => drift(fixtureResult(), after, OPTIONS)).toThrow(
      "policy 'fixture' has different rules in the two results (only in new.json: input/extra (secrets))",
    );
    const common = drift(fixtureResult(), after, { ...OPTIONS, commonRules: true });
    expect(common.rows.some((r) => r.rule === 'input/extra')).toBe(false);
    expect(common.rows).toHaveLength(5);
  });
});

describe('railgate eval drift', () => {
  const write = (name: string, result: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(result));
    return path;
  };
  const same = write('same.json', fixtureResult());
  const moved = fixtureResult();
  const movedHistogram = ruleOf(moved, 'input/prompt-injection').by_category.injection?.histogram;
  if (!movedHistogram) throw new Error('fixture');
  // One of the injection category's two benign rows moves from bin 2 to bin 0: a large benign shift there.
  movedHistogram.benign[2] = 0;
  movedHistogram.benign[0] = 1;
  const shifted = write('shifted.json', moved);

  it('prints the table, largest shift first, and exits 0 without --fail-on', async () => {
    const { code, out, err } = await runCli(['eval', 'drift', same, shifted]);
    expect([code, err]).toEqual([0, '']);
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      `railgate eval drift: ${same} (2026-01-02T03:04:05.000Z, 8 rows) → ${shifted} (2026-01-02T03:04:05.000Z, 8 rows)`,
    );
    expect(lines[2]).toBe('5 rule/category pairs: 1 large, 0 moderate, 4 no shift');
    expect(lines[4]).toMatch(
      /^shift +policy +rule +category +attacks +benign +PSI att +PSI ben +KS att +KS ben +recall +over-refusal +note$/,
    );
    expect(lines[5]).toMatch(
      /^LARGE +fixture +input\/prompt-injection +injection +2 +2 +0\.000 +8\.515 +0\.000 +0\.500 +0\.500→0\.500 ±0\.000 +0\.500→0\.500 ±0\.000$/,
    );
  });

  it('--fail-on large and moderate exit 1 on a large shift; identical results pass', async () => {
    expect((await runCli(['eval', 'drift', same, shifted, '--fail-on', 'large'])).code).toBe(1);
    expect((await runCli(['eval', 'drift', same, shifted, '--fail-on', 'moderate'])).code).toBe(1);
    const pass = await runCli(['eval', 'drift', same, same, '--fail-on', 'moderate']);
    expect(pass.code).toBe(0);
    expect(pass.out).toContain('\npassed: no shift at or above moderate (--fail-on moderate)\n');
  });

  it('--json prints the railgate.drift/1 report', async () => {
    const { code, out } = await runCli(['eval', 'drift', same, shifted, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as DriftReport;
    expect(report).toMatchObject({
      schema: 'railgate.drift/1',
      method: { bins: 20, epsilon: 0.0001, moderate: 0.1, large: 0.25 },
      policies: [{ old: 'fixture', new: 'fixture' }],
      worst: 'large',
      fail_on: null,
      failed: false,
    });
    // (0.5 − 0.0001)·ln(0.5/0.0001) + (0.0001 − 0.5)·ln(0.0001/0.5) = 2·0.4999·ln 5000
    expect(rowOf(report, 'input/prompt-injection', 'injection').benign.psi).toBeCloseTo(2 * 0.4999 * Math.log(5000), 9);
  });

  it('bad input is exit 2 with what is wrong: another schema version, different rules, an unknown level', async () => {
    const v2 = write('v2.json', { ...fixtureResult(), schema: 'railgate.eval/2' });
    const wrong = await runCli(['eval', 'drift', same, v2]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toBe(
      `railgate eval drift: ${v2}: schema: not a railgate.eval/1 result (schema: "railgate.eval/2"): written by a railgate with another result format\n  fix: re-run the evaluation with this railgate, or use the railgate that wrote it\n`,
    );
    const fewer = fixtureResult();
    fewer.policies[0]?.rules.pop();
    const different = await runCli(['eval', 'drift', same, write('fewer.json', fewer)]);
    expect(different.code).toBe(2);
    expect(different.err).toMatch(
      /^railgate eval drift: policy 'fixture' has different rules in the two results \(only in .*same\.json: input\/pii \(pii\)\)\n {2}fix: drift compares the same rules run twice; pass --common-rules/,
    );
    expect((await runCli(['eval', 'drift', same, join(dir, 'missing.json')])).err).toContain(
      'missing.json: no such file',
    );
    const level = await runCli(['eval', 'drift', same, same, '--fail-on', 'huge']);
    expect([level.code, level.err.split('\n')[0]]).toEqual([
      2,
      "railgate eval drift: --fail-on: expected moderate or large, got 'huge'",
    ]);
  });
});
