import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { bannedSubstringsParams, bannedSubstringsScanner } from './index.js';

const scan = (params: Record<string, unknown>, text: string) => runScannerSync(bannedSubstringsScanner, params, text);
const spans = (params: Record<string, unknown>, text: string) => scan(params, text).map((f) => f.span);

describe('banned_substrings: whole words by default', () => {
  const params = { substrings: ['darn', 'project falcon'] };

  it('finds a banned word with its raw span, label, score and evidence', () => {
    expect(scan(params, 'Well, darn it.')).toEqual([
      {
        category: 'banned_substring',
        label: 'BANNED_SUBSTRING',
        score: 1,
        span: [6, 10],
        evidence: '"darn"',
        view: 'skeleton',
      },
    ]);
  });

  it('does not match inside a longer word (benign twin)', () => {
    expect(scan(params, 'The darning needle is in the drawer.')).toEqual([]);
  });

  it('matches phrases across any whitespace run and line break', () => {
    expect(spans(params, 'Status of Project  Falcon?\nproject\nfalcon.')).toEqual([
      [10, 25],
      [27, 41],
    ]);
  });

  it('is case-, diacritic- and look-alike-insensitive, with spans on the raw text', () => {
    expect(spans(params, 'DARN! Dárn! dаrn (Cyrillic а)')).toEqual([
      [0, 4],
      [6, 10],
      [12, 16],
    ]);
    expect(spans(params, 'd\u0061\u0301rn')).toEqual([[0, 5]]); // decomposed á: five raw code units
    expect(spans(params, 'ＤＡＲＮ')).toEqual([[0, 4]]); // fullwidth
  });

  it('sees through zero-width characters used to split a word', () => {
    expect(spans(params, 'da\u200Brn')).toEqual([[0, 5]]);
  });
});

describe('banned_substrings: substring mode, extra views and lists', () => {
  it('substring mode matches inside words; word mode on the same text does not', () => {
    expect(spans({ substrings: ['hell'], match: 'substring' }, 'Say hello')).toEqual([[4, 8]]);
    expect(spans({ substrings: ['hell'] }, 'Say hello')).toEqual([]);
  });

  it('leetspeak is found only when the leet view is asked for', () => {
    expect(spans({ substrings: ['password'] }, 'send the p4ssw0rd')).toEqual([]);
    expect(scan({ substrings: ['password'], views: ['leet'] }, 'send the p4ssw0rd')).toMatchObject([
      { span: [9, 17], view: 'leet' },
    ]);
  });

  it('spaced-out letters are found with the despaced view', () => {
    expect(scan({ substrings: ['falcon'], views: ['despaced'] }, 'codename f a l c o n')).toMatchObject([
      { span: [9, 20], view: 'despaced' },
    ]);
  });

  it('an encoded phrase is found with the decoded view, spanning the encoded run', () => {
    const encoded = Buffer.from('tell me about project falcon').toString('base64');
    const text = `decode: ${encoded}`;
    expect(scan({ substrings: ['project falcon'], views: ['decoded'] }, text)).toMatchObject([
      { span: [8, text.length], view: 'decoded:base64' },
    ]);
    expect(scan({ substrings: ['project falcon'] }, text)).toEqual([]);
  });

  it('labels and scores each list on its own; overlapping hits keep the longest', () => {
    const params = {
      lists: [
        { label: 'CODENAME', substrings: ['falcon', 'falcon nine'] },
        { label: 'PROFANITY', substrings: ['darn'], score: 0.6 },
      ],
    };
    expect(scan(params, 'darn, Falcon Nine slipped').map((f) => [f.label, f.score, f.span])).toEqual([
      ['PROFANITY', 0.6, [0, 4]],
      ['CODENAME', 1, [6, 17]],
    ]);
  });

  it('matches CJK phrases without spaces around them', () => {
    expect(spans({ substrings: ['机密'] }, '这是机密文件')).toEqual([[2, 4]]);
  });
});

describe('banned_substrings: params are validated when the policy loads', () => {
  it('rejects an empty configuration, invisible-only entries, bad labels and unknown keys', () => {
    expect(bannedSubstringsParams.safeParse({}).success).toBe(false);
    const invisible = bannedSubstringsParams.safeParse({ substrings: ['ok', '\u200B\u200B'] });
    expect(invisible.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['substrings', 1], 'is empty once normalized (no visible characters)'],
    ]);
    expect(bannedSubstringsParams.safeParse({ substrings: ['x'], label: 'bad label' }).success).toBe(false);
    expect(bannedSubstringsParams.safeParse({ substrings: ['x'], views: ['raw'] }).success).toBe(false);
    expect(bannedSubstringsParams.safeParse({ substrings: ['x'], case_sensitive: true }).success).toBe(false);
  });

  it('reports the failing entry path through createGuard', async () => {
    const error = await createGuard({
      policy: {
        rails: {
          input: {
            rules: [
              { id: 'banned', scanner: 'banned_substrings', params: { lists: [{ label: 'X', substrings: [''] }] } },
            ],
          },
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).issues.map((i) => i.path)).toEqual([
      'rails.input.rules[0].params.lists[0].substrings[0]',
    ]);
  });
});

describe('banned_substrings in a guard', () => {
  it('masks every hit with numbered placeholders; the same word keeps its number', async () => {
    const guard = await createGuard({
      policy: {
        rails: {
          output: {
            rules: [
              {
                id: 'codenames',
                scanner: 'banned_substrings',
                action: 'mask',
                params: { label: 'CODENAME', substrings: ['falcon', 'osprey'] },
              },
            ],
          },
        },
      },
    });
    const verdict = guard.checkSync({ text: 'Falcon ships before Osprey; Falcon is late.', rail: 'output' });
    expect(verdict.action).toBe('mask');
    expect(verdict.masked_text).toBe(
      '[BANNED_SUBSTRING:CODENAME_1] ships before [BANNED_SUBSTRING:CODENAME_2]; [BANNED_SUBSTRING:CODENAME_1] is late.',
    );
  });

  it('blocks by default and allows the benign twin', async () => {
    const guard = await createGuard({
      policy: {
        rails: { input: { rules: [{ id: 'b', scanner: 'banned_substrings', params: { substrings: ['darn'] } }] } },
      },
    });
    expect(guard.checkSync({ text: 'darn it' }).allowed).toBe(false);
    expect(guard.checkSync({ text: 'darning socks' }).allowed).toBe(true);
  });
});

describe('banned_substrings on adversarial input', () => {
  it('100 KB of one repeated near-miss finds nothing', () => {
    expect(
      scan({ substrings: ['project falcon'], views: ['leet', 'despaced'] }, 'project falco '.repeat(7200)),
    ).toEqual([]);
  });

  it('100 KB of hits stops at 100 findings', () => {
    const findings = scan({ substrings: ['darn'] }, 'darn '.repeat(20_000));
    expect(findings).toHaveLength(100);
    expect(findings[99]?.span).toEqual([495, 499]);
  });

  it('a 1000-entry list on 100 KB of prose finds the one planted hit', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `codename${i}`);
    const prose = 'The quarterly report covers revenue, hiring and the roadmap for next year. '.repeat(1350);
    const text = `${prose}codename777`;
    expect(spans({ substrings: words }, text)).toEqual([[prose.length, prose.length + 11]]);
  });
});
