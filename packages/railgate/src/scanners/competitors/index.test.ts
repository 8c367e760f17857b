import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { competitorsParams, competitorsScanner } from './index.js';

const params = {
  competitors: [
    { name: 'Initech', aliases: ['Initech Cloud', 'initech.io'] },
    { name: 'Globex Corporation', aliases: ['Globex'] },
    { name: 'Notion', case_sensitive: true },
    { name: '腾讯', aliases: ['Tencent'] },
  ],
};
const scan = (text: string, p: Record<string, unknown> = params) =>
  runScannerSync(competitorsScanner, p, text, { rail: 'output' });
const hits = (text: string) => scan(text).map((f) => [f.evidence, f.span]);

describe('competitors: names and aliases as whole words', () => {
  it('reports a mention with the canonical name as evidence', () => {
    expect(scan('You could also try Globex for that.')).toEqual([
      { category: 'competitor', label: 'COMPETITOR', score: 1, span: [19, 25], evidence: 'Globex Corporation' },
    ]);
  });

  it('does not match inside a longer word (benign twin)', () => {
    expect(hits('Initechnology and globexes are made-up words.')).toEqual([]);
  });

  it('prefers the longest alias and reports each competitor', () => {
    expect(hits('Initech Cloud beats Globex Corporation, says initech.io/blog')).toEqual([
      ['Initech', [0, 13]],
      ['Globex Corporation', [20, 38]],
      ['Initech', [45, 55]],
    ]);
  });

  it('matches whatever the case and diacritics', () => {
    expect(hits('INITECH, Ínítech and initech')).toEqual([
      ['Initech', [0, 7]],
      ['Initech', [9, 16]],
      ['Initech', [21, 28]],
    ]);
  });

  it('sees through look-alike letters and zero-width splits', () => {
    expect(hits('Іnitech (Cyrillic І) and Ini\u200Btech')).toEqual([
      ['Initech', [0, 7]],
      ['Initech', [25, 33]],
    ]);
  });

  it('accepts possessives and hyphenated forms, which are separate words', () => {
    expect(hits("Initech's pricing, an Initech-based stack")).toEqual([
      ['Initech', [0, 7]],
      ['Initech', [22, 29]],
    ]);
  });

  it('matches a name written without spaces around it in Chinese', () => {
    expect(hits('我们也可以用腾讯云')).toEqual([['腾讯', [6, 8]]]);
  });

  it('a case-sensitive name matches only its exact spelling', () => {
    expect(hits('I keep my notes in Notion.')).toEqual([['Notion', [19, 25]]]);
    expect(hits('I have no notion of time. NOTION is shouting.')).toEqual([]);
  });

  it('uses the score param', () => {
    expect(scan('Globex', { ...params, score: 0.7 })[0]?.score).toBe(0.7);
  });
});

describe('competitors: params are validated when the policy loads', () => {
  it('needs at least one competitor, each with a visible name, and no unknown keys', () => {
    expect(competitorsParams.safeParse({ competitors: [] }).success).toBe(false);
    expect(competitorsParams.safeParse({ competitors: [{ aliases: ['x'] }] }).success).toBe(false);
    expect(competitorsParams.safeParse({ competitors: [{ name: 'x', alias: ['y'] }] }).success).toBe(false);
    const invisible = competitorsParams.safeParse({ competitors: [{ name: 'Acme', aliases: ['  '] }] });
    expect(invisible.error?.issues.map((i) => i.path)).toEqual([['competitors', 0, 'aliases', 0]]);
  });

  it('reports the failing alias path through createGuard', async () => {
    const error = await createGuard({
      policy: {
        rails: {
          output: {
            rules: [
              {
                id: 'c',
                scanner: 'competitors',
                params: { competitors: [{ name: 'A' }, { name: 'B', aliases: ['\u200D'] }] },
              },
            ],
          },
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).issues.map((i) => i.path)).toEqual([
      'rails.output.rules[0].params.competitors[1].aliases[0]',
    ]);
  });
});

describe('competitors in a guard', () => {
  const policy = (action: string) => ({
    rails: { output: { rules: [{ id: 'rivals', scanner: 'competitors', action, params }] } },
  });

  it('masks each mention; the same spelling keeps its number', async () => {
    const guard = await createGuard({ policy: policy('mask') });
    const verdict = guard.checkSync({
      text: 'Globex is cheaper than Initech Cloud, but Globex has no SLA.',
      rail: 'output',
    });
    expect(verdict.allowed).toBe(true);
    expect(verdict.masked_text).toBe(
      '[COMPETITOR:COMPETITOR_1] is cheaper than [COMPETITOR:COMPETITOR_2], but [COMPETITOR:COMPETITOR_1] has no SLA.',
    );
  });

  it('masks by default when the rule sets no action', async () => {
    const guard = await createGuard({
      policy: { rails: { output: { rules: [{ id: 'rivals', scanner: 'competitors', params }] } } },
    });
    expect(guard.checkSync({ text: 'Ask Initech.', rail: 'output' }).masked_text).toBe(
      'Ask [COMPETITOR:COMPETITOR_1].',
    );
  });

  it('warns without changing the text', async () => {
    const guard = await createGuard({ policy: policy('warn') });
    const verdict = guard.checkSync({ text: 'Ask Initech.', rail: 'output' });
    expect([verdict.action, verdict.masked_text, verdict.fired_rules]).toEqual(['warn', undefined, ['rivals']]);
  });
});

describe('competitors on adversarial input', () => {
  it('100 KB of a repeated near-miss finds nothing', () => {
    expect(scan('Initec Globe Initechs '.repeat(4600))).toEqual([]);
  });

  it('100 KB of mentions stops at 100 findings', () => {
    const findings = scan('Globex, '.repeat(12_500));
    expect(findings).toHaveLength(100);
    expect(findings[99]?.span).toEqual([792, 798]);
  });
});
