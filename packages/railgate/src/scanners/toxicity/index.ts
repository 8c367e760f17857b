/**
 * `toxicity`: insults, slurs, harassment and hateful or sexually explicit language, scored by the shipped
 * classifier's `toxicity` head. Typical on the output rail (what the model says) and for user-generated
 * content an application publishes.
 *
 * @example
 * ```yaml
 * rails:
 *   output:
 *     rules:
 *       - id: toxicity
 *         scanner: toxicity
 *         action: block
 * ```
 */
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';
import { modelDefaults, modelFinding } from '../../models/model-finding.js';
import { loadClassifier } from '../../models/shipped.js';

export const toxicityParams = z.strictObject({});

export type ToxicityParams = z.infer<typeof toxicityParams>;

export const toxicityScanner: Scanner<ToxicityParams> = {
  id: 'toxicity',
  description: 'Classifier for insults, slurs, harassment and hateful or sexually explicit language.',
  params: toxicityParams,
  rails: RAILS,
  // Threshold default: the toxicity head's dev-sweep threshold, read from the weights.
  defaults: modelDefaults('toxicity', 'block'),
  create() {
    const classifier = loadClassifier();
    return (_subject, views) => {
      const finding = modelFinding(classifier, views, {
        head: 'toxicity',
        category: 'toxicity',
        label: 'TOXIC',
        threshold: 'rule',
      });
      return finding ? [finding] : [];
    };
  },
};
