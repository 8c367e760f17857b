import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { refusalScanner } from './index.js';

const scan = (text: string, params: Record<string, unknown> = {}) =>
  runScannerSync(refusalScanner, params, text, { rail: 'output' });

/** Label and score of the single finding, or null when the answer is not a refusal. */
const verdictOf = (text: string, params: Record<string, unknown> = {}) => {
  const findings = scan(text, params);
  expect(findings.length).toBeLessThanOrEqual(1);
  const [finding] = findings;
  return finding ? { label: finding.label, score: finding.score } : null;
};

describe('refusal: English refusals and their benign twins', () => {
  it('"I\'m sorry, but I can\'t help with that" is a REFUSAL; the apology strengthens it', () => {
    expect(scan("I'm sorry, but I can't help with that.")).toEqual([
      { category: 'refusal', label: 'REFUSAL', score: 0.92, span: [15, 27], evidence: 'en: "I can\'t help"' },
    ]);
    expect(verdictOf("I can't help with that.")).toEqual({ label: 'REFUSAL', score: 0.85 });
  });

  it('curly apostrophes are the same refusal', () => {
    expect(scan('I’m sorry, but I can’t assist with that request.')[0]?.span).toEqual([15, 29]);
  });

  it('"I can\'t believe how fast this is" and "I cannot stress enough" are not refusals', () => {
    expect(scan("I can't believe how fast this is!")).toEqual([]);
    expect(scan('I cannot stress enough how important backups are.')).toEqual([]);
    expect(scan("I can't recommend this library enough; it saved us weeks.")).toEqual([]);
    expect(scan("I can't help but notice you're using an old version.")).toEqual([]);
    expect(scan("I won't give up on this bug until it's fixed.")).toEqual([]);
  });

  it('"Sorry for the delay — here is the code" and "I\'m sorry to hear that" are not refusals', () => {
    expect(scan('Sorry for the delay — here is the code:\n```js\nconsole.log(1)\n```')).toEqual([]);
    expect(scan("I'm sorry to hear that. Here are some tips that may help.")).toEqual([]);
    expect(scan("Sorry, I can't reproduce the bug on Node 20; which version are you using?")).toEqual([]);
  });

  it('"As an AI language model, I cannot…"', () => {
    expect(scan('As an AI language model, I cannot provide medical diagnoses.')).toEqual([
      {
        category: 'refusal',
        label: 'REFUSAL',
        score: 0.85,
        span: [0, 33],
        evidence: 'en: "As an AI language model, I cannot"',
      },
    ]);
  });

  it('"I won\'t provide…", "I must decline", "I\'m unable to comply", "not something I can help with"', () => {
    expect(verdictOf("I won't provide instructions for making weapons.")).toEqual({ label: 'REFUSAL', score: 0.85 });
    expect(verdictOf('I must respectfully decline this request.')).toEqual({ label: 'REFUSAL', score: 0.85 });
    expect(verdictOf("That's not something I can help with.")).toEqual({ label: 'REFUSAL', score: 0.85 });
    expect(verdictOf('Unfortunately, I cannot fulfill this request.')).toEqual({ label: 'REFUSAL', score: 0.92 });
    expect(verdictOf("I refuse to believe that's the only option!")).toBeNull();
  });

  it('a policy-citing refusal is stronger than the statement alone; a policy citation alone is weaker', () => {
    const text = "I'm unable to comply with that request because it goes against my usage policies.";
    expect(scan(text)[0]).toMatchObject({ label: 'REFUSAL', score: 0.9, span: [0, 20] });
    expect(verdictOf('This request violates our content policy.')).toEqual({ label: 'REFUSAL', score: 0.6 });
    expect(scan('Your function violates the PEP 8 naming guidelines in two places.')).toEqual([]);
  });

  it('a soft refusal next to a statement does not count as a policy citation', () => {
    expect(verdictOf("I'd rather not say. I can't help with that.")).toEqual({ label: 'REFUSAL', score: 0.85 });
  });

  it('soft refusals score below the default threshold', () => {
    expect(verdictOf("I'd rather not get into that.")).toEqual({ label: 'REFUSAL', score: 0.55 });
    expect(verdictOf("I don't think it's appropriate for me to write that.")).toEqual({ label: 'REFUSAL', score: 0.8 });
  });
});

describe('refusal: partial refusals', () => {
  it('a refusal that offers an alternative is PARTIAL_REFUSAL with a lower score', () => {
    const text = "I can't help with creating malware. However, I can explain how antivirus software detects it.";
    expect(scan(text)).toEqual([
      { category: 'refusal', label: 'PARTIAL_REFUSAL', score: 0.6, span: [0, 12], evidence: 'en: "I can\'t help"' },
    ]);
    expect(verdictOf("Sorry, I can't do that. Instead, here is a safer approach: use a password manager.")).toEqual({
      label: 'PARTIAL_REFUSAL',
      score: 0.64,
    });
  });

  it('"but I can\'t" after a refusal is not an alternative', () => {
    expect(verdictOf("I can't help with that, and I can't say more.")).toEqual({ label: 'REFUSAL', score: 0.85 });
  });

  it('a refusal followed by code or a list is partial', () => {
    const code = "I can't write the exploit itself. This is how to patch the bug:\n```c\nstrncpy(dst, src, n);\n```";
    expect(verdictOf(code)?.label).toBe('PARTIAL_REFUSAL');
    const list = "I can't provide a diagnosis. General points:\n- rest\n- fluids\n- see a doctor if it persists";
    expect(verdictOf(list)?.label).toBe('PARTIAL_REFUSAL');
  });

  it('a disclaimer late in a long helpful answer weighs half and stays below the default threshold', () => {
    const text = `Here is a detailed guide to configuring nginx. ${'Step text. '.repeat(60)}Note: I can't provide legal advice about licensing.`;
    expect(scan(text)).toEqual([
      {
        category: 'refusal',
        label: 'PARTIAL_REFUSAL',
        score: 0.43,
        span: [713, 728],
        evidence: 'en: "I can\'t provide"',
      },
    ]);
  });

  it('opening_chars moves the boundary; partial: false reports full refusals only', () => {
    const late = `${'Some helpful context. '.repeat(20)}I can't help with the rest.`;
    expect(verdictOf(late)).toEqual({ label: 'PARTIAL_REFUSAL', score: 0.43 });
    expect(verdictOf(late, { opening_chars: 1000 })).toEqual({ label: 'REFUSAL', score: 0.85 });
    expect(scan(late, { partial: false })).toEqual([]);
    expect(verdictOf("I can't help with that.", { partial: false })).toEqual({ label: 'REFUSAL', score: 0.85 });
  });
});

describe('refusal: quoted refusals are not the model refusing', () => {
  it('a helpful answer that quotes someone refusing', () => {
    const text = 'The support agent replied: "I\'m sorry, but I can\'t help with that." So I escalated the ticket.';
    expect(scan(text)).toEqual([]);
    expect(scan('The chatbot keeps answering “I cannot assist with that” to every question.')).toEqual([]);
  });

  it('reported speech without quotation marks, blockquotes and code blocks', () => {
    expect(scan("If the model says I can't help with that, rephrase your prompt.")).toEqual([]);
    expect(
      scan("> I'm sorry, but I can't help with that.\n\nThat is the default message; here is how to change it."),
    ).toEqual([]);
    expect(scan("Test fixture:\n```\nI can't help with that.\n```\nRun it with npm test.")).toEqual([]);
  });

  it('a quote earlier in the text does not hide the model refusing afterwards', () => {
    const text = 'You wrote "please do it".\n\nI\'m sorry, but I can\'t help with that.';
    expect(verdictOf(text)).toEqual({ label: 'REFUSAL', score: 0.92 });
  });
});

describe('refusal: other languages', () => {
  it('French, German, Spanish, Chinese openings', () => {
    expect(scan('Je suis désolé, mais je ne peux pas vous aider avec cela.')[0]).toMatchObject({
      label: 'REFUSAL',
      score: 0.92,
      span: [21, 46],
      evidence: 'fr: "je ne peux pas vous aider"',
    });
    expect(scan('Es tut mir leid, aber ich kann Ihnen dabei nicht helfen.')[0]).toMatchObject({
      label: 'REFUSAL',
      span: [22, 55],
      evidence: 'de: "ich kann Ihnen dabei nicht helfen"',
    });
    expect(scan('Lo siento, pero no puedo ayudarte con eso.')[0]).toMatchObject({ label: 'REFUSAL', span: [0, 24] });
    expect(scan('抱歉，我无法提供这方面的帮助。')[0]).toMatchObject({ label: 'REFUSAL', score: 0.92, span: [0, 6] });
    expect(scan('作为一个人工智能语言模型，我不能回答这个问题。')[0]).toMatchObject({ label: 'REFUSAL', score: 0.85 });
  });

  it('benign twins in those languages', () => {
    expect(scan('Désolé pour le retard, voici le code corrigé.')).toEqual([]);
    expect(scan('Es tut mir leid, dass es so lange gedauert hat. Hier ist die Lösung.')).toEqual([]);
    expect(scan('No puedo creer lo rápido que es.')).toEqual([]);
    expect(scan('抱歉久等了，这是代码。')).toEqual([]);
  });

  it('partial refusals in other languages', () => {
    const text = 'Lo siento, pero no puedo hacer eso. Sin embargo, puedo explicarte cómo funciona.';
    expect(verdictOf(text)?.label).toBe('PARTIAL_REFUSAL');
  });

  it('languages limits the search', () => {
    expect(scan('Je ne peux pas vous aider avec cela.', { languages: ['en'] })).toEqual([]);
    expect(verdictOf('Je ne peux pas vous aider avec cela.', { languages: ['fr'] })?.label).toBe('REFUSAL');
  });
});

describe('refusal: policy', () => {
  async function paramsIssuePath(params: Record<string, unknown>): Promise<string | undefined> {
    try {
      await createGuard({ policy: { rails: { output: { rules: [{ id: 'r', scanner: 'refusal', params }] } } } });
    } catch (error) {
      if (error instanceof PolicyError) return error.issues[0]?.path;
      throw error;
    }
    throw new Error('expected a PolicyError');
  }

  it('bad params are policy errors at their path', async () => {
    expect(await paramsIssuePath({ languages: ['it'] })).toBe('rails.output.rules[0].params.languages[0]');
    expect(await paramsIssuePath({ languages: [] })).toBe('rails.output.rules[0].params.languages');
    expect(await paramsIssuePath({ opening_chars: 10 })).toBe('rails.output.rules[0].params.opening_chars');
    expect(await paramsIssuePath({ partail: true })).toBe('rails.output.rules[0].params.partail');
  });

  it('the input rail is not supported: refusals are what models say', async () => {
    await expect(
      createGuard({ policy: { rails: { input: { rules: [{ id: 'r', scanner: 'refusal' }] } } } }),
    ).rejects.toThrow(/does not run on the input rail/);
  });

  it('default action is log: a refusal is recorded, the answer is allowed', async () => {
    const guard = await createGuard({ policy: { rails: { output: { rules: [{ id: 'r', scanner: 'refusal' }] } } } });
    const verdict = guard.checkSync({ text: "I'm sorry, but I can't help with that.", rail: 'output' });
    expect(verdict).toMatchObject({ allowed: true, action: 'log', fired_rules: ['r'] });
    expect(guard.checkSync({ text: 'Sure! Here is the code.', rail: 'output' }).fired_rules).toEqual([]);
  });
});

describe('refusal: adversarial 100 KB inputs', () => {
  it('100 KB of near-miss openings ("I can\'t " with no verb) finds nothing', () => {
    expect(scan("I can't ".repeat(12_500))).toEqual([]);
    expect(scan('sorry, '.repeat(14_000))).toEqual([]);
  });

  it("100 KB of quotation marks: only the refusal's own paragraph (at most 400 characters back) is read", () => {
    expect(scan(`${'"'.repeat(100_000)} I can't help with that.`)).toEqual([]);
    expect(verdictOf(`${'"'.repeat(100_000)}\n\nI can't help with that.`)).toEqual({
      label: 'PARTIAL_REFUSAL',
      score: 0.43,
    });
  });

  it('thousands of quoted refusals are examined a bounded number of times', () => {
    const text = "> I can't help with that.\n".repeat(4_000);
    expect(scan(text)).toEqual([]);
  });

  it('a 100 KB answer with the refusal at the start', () => {
    const text = `I'm sorry, but I can't assist with that. ${'x'.repeat(100_000)}`;
    expect(verdictOf(text)).toEqual({ label: 'PARTIAL_REFUSAL', score: 0.64 });
  });
});
