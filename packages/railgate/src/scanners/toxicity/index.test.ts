import { describe, expect, it } from 'vitest';
import { Guard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { loadClassifier } from '../../models/shipped.js';
import { toxicityParams, toxicityScanner } from './index.js';

// Runs the shipped weights; see harmful/index.test.ts.
const guard = new Guard({
  policy: { id: 't', rails: { output: { rules: [{ id: 'toxicity', scanner: 'toxicity' }] } } },
});
const action = (text: string) => guard.checkSync({ text, rail: 'output' }).action;

describe('toxicity', () => {
  it('blocks abuse and allows friendly or neutral text, side by side', () => {
    expect(
      [
        'You are such a fucking moron, I hope you rot.',
        'Go kill yourself you pathetic loser, everyone hates your ugly face.',
      ].map(action),
    ).toEqual(['block', 'block']);
    expect(
      [
        'Thank you so much for helping me move last weekend, you are wonderful.',
        'The meeting is moved to Thursday at 10:00; please bring the quarterly figures.',
      ].map(action),
    ).toEqual(['allow', 'allow']);
  });

  it("defaults the rule's threshold to the toxicity head's dev-sweep threshold", () => {
    expect(guard.policy.rails.output?.rules[0]?.threshold).toBe(loadClassifier().header.thresholds.toxicity);
  });

  it('reports one TOXIC finding with a probability and no threshold of its own', () => {
    const [finding] = runScannerSync(toxicityScanner, {}, 'You are such a fucking moron, I hope you rot.', {
      rail: 'output',
    });
    expect(finding).toMatchObject({ category: 'toxicity', label: 'TOXIC' });
    expect(finding?.threshold).toBeUndefined();
    expect(toxicityParams.parse({})).toEqual({});
    expect(() => toxicityParams.parse({ model: false })).toThrow();
  });
});
