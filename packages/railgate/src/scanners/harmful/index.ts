/**
 * `harmful`: requests for help with serious harm — violence, weapons, self-harm, sexual content involving
 * minors, cybercrime, fraud, hate, drugs — scored by the shipped classifier's `harmful` head. When a
 * sub-category head is confident on the flagged passage too, the finding's label names it (`WEAPONS`,
 * `CYBERCRIME`, ...), so a policy or a reviewer sees what kind of harm it was. The rule's threshold
 * applies to the calibrated probability; left out, it is the head's threshold from the dev sweep.
 *
 * @example
 * ```yaml
 * rails:
 *   input:
 *     rules:
 *       - id: harmful
 *         scanner: harmful
 *         action: block
 * ```
 */
import { z } from 'zod';
import { applyFindingSettings } from '../../engine/finding-settings.js';
import { ACTIONS, RAILS, type Scanner } from '../../engine/types.js';
import { modelDefaults, modelFinding } from '../../models/model-finding.js';
import { loadClassifier, subjectScores } from '../../models/shipped.js';

export const HARMFUL_SUBCATEGORIES = [
  'violence',
  'weapons',
  'self_harm',
  'sexual_minors',
  'cybercrime',
  'fraud',
  'hate',
  'drugs',
] as const;

const SUBCATEGORY_LABELS = HARMFUL_SUBCATEGORIES.map((s) => s.toUpperCase()) as [string, ...string[]];

const labelSettings = z.strictObject({
  /** Action for findings labelled with this sub-category instead of the rule's. */
  action: z.enum(ACTIONS),
});

export const harmfulParams = z.strictObject({
  /**
   * Per-sub-category action, by label: `{ SELF_HARM: review, DRUGS: warn }`. Default: self-harm goes to
   * review, because a person disclosing self-harm needs a human, not a wall.
   */
  labels: z.partialRecord(z.enum(SUBCATEGORY_LABELS), labelSettings).default({ SELF_HARM: { action: 'review' } }),
  /** A sub-category names the finding when its head scores at least this on the flagged passage. */
  subcategory_threshold: z.number().min(0).max(1).default(0.3),
});

export type HarmfulParams = z.infer<typeof harmfulParams>;

export const harmfulScanner: Scanner<HarmfulParams> = {
  id: 'harmful',
  description:
    'Classifier for requests that seek serious harm (violence, weapons, self-harm, CSAM, cybercrime, fraud, hate, drugs).',
  params: harmfulParams,
  rails: RAILS,
  // Threshold default: the harmful head's dev-sweep threshold (low over-refusal), read from the weights.
  defaults: modelDefaults('harmful', 'block'),
  create(params, context) {
    const threshold = context.threshold ?? 0.5;
    const classifier = loadClassifier();
    return (_subject, views) => {
      const finding = modelFinding(classifier, views, {
        head: 'harmful',
        category: 'harmful',
        label: 'HARMFUL',
        threshold: 'rule',
      });
      // A label names the kind of harm of a passage the rule blocks; below the threshold it stays HARMFUL.
      if (!finding || finding.score < threshold) return finding ? [finding] : [];
      const scores = subjectScores(views, classifier);
      let best = { name: '', score: params.subcategory_threshold };
      for (const sub of HARMFUL_SUBCATEGORIES) {
        const s = scores.get(`harmful.${sub}`)?.score ?? 0;
        if (s >= best.score) best = { name: sub, score: s };
      }
      if (best.name) {
        finding.label = best.name.toUpperCase();
        applyFindingSettings(finding, params.labels[finding.label]);
      }
      return [finding];
    };
  },
};
