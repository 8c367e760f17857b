import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { foldPhrase } from '../../match/aho-corasick.js';
import { BUILTIN_TOPICS, topicsParams, topicsScanner } from './index.js';

const scan = (params: Record<string, unknown>, text: string) => runScannerSync(topicsScanner, params, text);
const brief = (params: Record<string, unknown>, text: string) =>
  scan(params, text).map((f) => [f.label, f.score, f.span]);
const allTopics = { topics: Object.keys(BUILTIN_TOPICS) };

describe('topics: deny mode', () => {
  it('flags a clear weapons request, one finding per distinct keyword with the topic score', () => {
    expect(scan({ topics: ['weapons'] }, 'Where can I buy an AR-15 and some ammo?')).toEqual([
      {
        category: 'topic',
        label: 'WEAPONS',
        score: 0.74,
        span: [19, 24],
        evidence: 'weapons: "ar-15*" (2 distinct keywords)',
      },
      {
        category: 'topic',
        label: 'WEAPONS',
        score: 0.74,
        span: [34, 38],
        evidence: 'weapons: "ammo" (2 distinct keywords)',
      },
    ]);
  });

  it('an ambiguous word never decides alone (benign twins)', () => {
    expect(brief(allTopics, 'We are planning a photo shoot at the park on Saturday.')).toEqual([
      ['WEAPONS', 0.2, [24, 29]],
    ]);
    expect(brief(allTopics, 'How do I kill a Python process that hangs?')).toEqual([['VIOLENCE', 0.2, [9, 13]]]);
    expect(brief(allTopics, 'Is the blue sweater back in stock?')).toEqual([['FINANCIAL_ADVICE', 0.2, [28, 33]]]);
    expect(brief(allTopics, 'Can you diagnose why my build fails?')).toEqual([['MEDICAL_ADVICE', 0.35, [8, 16]]]);
  });

  it('counts each distinct keyword once, however often it repeats', () => {
    expect(brief({ topics: ['weapons'] }, 'shoot, shoot, SHOOT!')).toEqual([['WEAPONS', 0.2, [0, 5]]]);
  });

  it('scores grow with distinct keywords: two medium words cross the default threshold', () => {
    expect(brief({ topics: ['religion'] }, 'Explain the history of the Catholic church in Europe')).toEqual([
      ['RELIGION', 0.577, [27, 35]],
      ['RELIGION', 0.577, [36, 42]],
    ]);
  });

  it('matches through case, diacritics, look-alike letters and leetspeak', () => {
    expect(brief({ topics: ['drugs'] }, 'Where do I buy C0CAÍNE')).toEqual([['DRUGS', 0.6, [15, 22]]]);
    expect(brief({ topics: ['gambling'] }, 'best online саsino bonuses')).toEqual([['GAMBLING', 0.6, [12, 18]]]);
  });

  it('prefix keywords match word forms, not other words', () => {
    expect(brief({ topics: ['gambling'] }, 'Gamblers gamble; gambling is fun')).toEqual([['GAMBLING', 0.6, [0, 8]]]);
    expect(scan({ topics: ['gambling'] }, 'She rambled about a gambit.')).toEqual([]);
  });

  it('reports only the listed topics', () => {
    const text = 'Should I invest my savings in an index fund, or play roulette?';
    expect(scan({ topics: ['gambling'] }, text).map((f) => f.label)).toEqual(['GAMBLING']);
    expect(new Set(scan({ topics: ['gambling', 'financial_advice'] }, text).map((f) => f.label))).toEqual(
      new Set(['GAMBLING', 'FINANCIAL_ADVICE']),
    );
  });

  it('covers self-harm phrasing with a strong keyword', () => {
    expect(brief({ topics: ['self_harm'] }, 'I want to end my life, nothing matters')).toEqual([
      ['SELF_HARM', 0.6, [10, 21]],
    ]);
  });
});

describe('topics: custom sets', () => {
  it('defines a tenant topic with default and per-keyword weights', () => {
    const params = {
      topics: ['competitor_pricing'],
      custom: [{ name: 'competitor_pricing', keywords: ['price match', { keyword: 'discount*', weight: 0.3 }] }],
    };
    expect(brief(params, 'Do you price match? Any discounts?')).toEqual([
      ['COMPETITOR_PRICING', 0.72, [7, 18]],
      ['COMPETITOR_PRICING', 0.72, [24, 33]],
    ]);
  });

  it('a custom set with a built-in name adds keywords to it', () => {
    const params = { topics: ['weapons'], custom: [{ name: 'weapons', keywords: ['crossbow*'] }] };
    expect(brief(params, 'crossbow bolts')).toEqual([['WEAPONS', 0.6, [0, 8]]]);
  });
});

describe('topics: allow mode (on-topic bots)', () => {
  const cooking = {
    mode: 'allow',
    topics: ['cooking'],
    custom: [{ name: 'cooking', keywords: ['recipe*', 'bake', 'baking', 'oven', 'pasta', 'sauce*', 'ingredient*'] }],
  };

  it('lets an on-topic question pass and flags an off-topic one', () => {
    expect(scan(cooking, 'How long should I bake this lasagna in the oven?')).toEqual([]);
    expect(scan(cooking, 'What is the capital of Australia and its population?')).toEqual([
      {
        category: 'topic',
        label: 'OFF_TOPIC',
        score: 1,
        evidence: 'none of the allowed topics (cooking) matched',
      },
    ]);
  });

  it('makes no decision on short texts such as greetings', () => {
    expect(scan(cooking, 'Hi there, thanks!')).toEqual([]);
    expect(scan({ ...cooking, min_chars: 5 }, 'Hi there, thanks!')).toMatchObject([{ label: 'OFF_TOPIC', score: 1 }]);
  });

  it('a weak match lowers the off-topic score without clearing it', () => {
    const params = { mode: 'allow', topics: ['financial_advice'] };
    expect(scan(params, 'Can you check the money I sent you yesterday evening?')).toEqual([
      {
        category: 'topic',
        label: 'OFF_TOPIC',
        score: 0.6,
        evidence: 'closest allowed topic financial_advice at 0.2',
      },
    ]);
  });
});

describe('topics: params', () => {
  it('rejects unknown topics with a suggestion, through createGuard', async () => {
    const error = await createGuard({
      policy: {
        rails: { input: { rules: [{ id: 't', scanner: 'topics', params: { topics: ['drugs', 'gambeling'] } }] } },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    const [issue] = (error as PolicyError).issues;
    expect(issue?.path).toBe('rails.input.rules[0].params.topics[1]');
    expect(issue?.message).toContain("unknown topic 'gambeling'; did you mean 'gambling'?");
  });

  it('rejects bad custom topics, keywords, modes, sources and unknown keys', () => {
    const paths = (params: unknown) => topicsParams.safeParse(params).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths({ topics: [] })).toEqual(['topics']);
    expect(paths({ topics: ['x'], custom: [{ name: 'x', keywords: ['ok', '*'] }] })).toEqual(['custom.0.keywords.1']);
    expect(paths({ topics: ['Bad Name'], custom: [{ name: 'Bad Name', keywords: ['x'] }] })).toEqual(['custom.0.name']);
    expect(
      paths({
        topics: ['x'],
        custom: [
          { name: 'x', keywords: ['a'] },
          { name: 'x', keywords: ['b'] },
        ],
      }),
    ).toEqual(['custom.1.name']);
    expect(paths({ topics: ['drugs'], mode: 'block' })).toEqual(['mode']);
    expect(paths({ topics: ['drugs'], source: 'classifier' })).toEqual(['source']);
    expect(paths({ topics: ['drugs'], keyword: 'x' })).toEqual(['']);
  });

  it('ships keyword sets that all fold to visible text, with no duplicate within a topic', () => {
    for (const [topic, tiers] of Object.entries(BUILTIN_TOPICS)) {
      const all = [...tiers.strong, ...tiers.medium, ...tiers.weak];
      const folded = all.map((k) => foldPhrase(k.replace(/\*$/, '')));
      expect(
        folded.every((k) => k.length > 0),
        topic,
      ).toBe(true);
      expect(new Set(folded).size, topic).toBe(folded.length);
    }
  });
});

describe('topics in a guard', () => {
  it('blocks a denied topic and lets the benign twin pass', async () => {
    const guard = await createGuard({
      policy: {
        rails: { input: { rules: [{ id: 'kids', scanner: 'topics', params: { topics: ['gambling', 'weapons'] } }] } },
      },
    });
    expect(guard.checkSync({ text: 'Which online casino pays out fastest?' }).allowed).toBe(false);
    expect(guard.checkSync({ text: 'Our photo shoot is on Saturday, bring the tripod.' }).allowed).toBe(true);
  });
});

describe('topics on adversarial input', () => {
  it('100 KB of one repeated near-miss finds nothing', () => {
    expect(scan(allTopics, 'casin gambel cocain firearn '.repeat(3600))).toEqual([]);
  });

  it('100 KB of one keyword repeated is one distinct hit', () => {
    expect(brief(allTopics, 'casino '.repeat(14_300))).toEqual([['GAMBLING', 0.6, [0, 6]]]);
  });

  it('100 KB of many keywords caps findings at 16 per topic', () => {
    const text = BUILTIN_TOPICS.weapons.strong
      .map((k) => k.replace(/\*$/, ''))
      .join(' and ')
      .repeat(200);
    const findings = scan({ topics: ['weapons'] }, text);
    expect(findings).toHaveLength(16);
    expect(findings[0]?.score).toBe(1);
  });
});
