/**
 * `jailbreak`: deterministic first line against prompts that try to talk the model out of its safety
 * behaviour — DAN-style personas, "an AI without restrictions", refusal suppression, dual
 * classic/jailbroken answers, forced "Sure, here is" prefixes, fiction used as a loophole, token threats
 * and jailbreak-template placeholders — in plain text or hidden in encodings, leetspeak and homoglyphs.
 *
 * Scored, not matched: each family weighs in and families combine with noisy-OR. Role-play on its own
 * ("I want you to act as a travel guide") is not a jailbreak and scores nothing; it is tuned for precision,
 * and a trained classifier can be added as a second rule for recall.
 *
 * @example
 * ```yaml
 * rails:
 *   input:
 *     rules:
 *       - scanner: jailbreak
 *         threshold: 0.7
 *         action: block
 * ```
 */
import { z } from 'zod';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { PhraseRuleSet, phraseScannerOptions, verdictFinding } from '../../match/phrase-rules.js';
import { classifierFor, modelFinding, modelParams } from '../../models/model-finding.js';
import { JAILBREAK_FAMILIES, jailbreakFamilies } from './families.js';

/** Families a policy can switch off or reweigh: the pattern families plus the encoded-payload signal. */
export const JAILBREAK_FAMILY_IDS = [...JAILBREAK_FAMILIES, 'encoded_payload'] as const;

export const jailbreakParams = z.strictObject({
  /**
   * Per family: `false` turns it off, a number in 0..1 sets the weight of its strongest pattern (the others
   * scale with it). See the scanner's doc page for the family list.
   */
  families: z.partialRecord(z.enum(JAILBREAK_FAMILY_IDS), z.union([z.boolean(), z.number().min(0).max(1)])).default({}),
  /** Tenant phrases that signal a jailbreak, matched literally and case-insensitively (never as regex). */
  extra_phrases: z.array(z.string().trim().min(3).max(200)).max(500).default([]),
  /** Score of an extra phrase on its own. */
  extra_phrase_weight: z.number().min(0).max(1).default(0.9),
  ...modelParams,
  /**
   * The model half stays silent on texts of fewer tokens (words, numbers, punctuation runs, CJK
   * characters): none of the 223 public dev jailbreaks is that short, while the
   * head's low threshold fires on short disclosures and questions ("I want to kill myself").
   */
  model_min_tokens: z.number().int().min(0).max(1000).default(8),
});

export type JailbreakParams = z.infer<typeof jailbreakParams>;

export const jailbreakScanner: Scanner<JailbreakParams> = {
  id: 'jailbreak',
  description:
    'Heuristic jailbreak detector: DAN-style personas, no-limits personas, refusal suppression, dual answers.',
  params: jailbreakParams,
  rails: RAILS,
  defaults: { threshold: 0.7, action: 'block' },
  create(params) {
    const rules = new PhraseRuleSet(jailbreakFamilies, phraseScannerOptions(params));
    const classifier = classifierFor(params.model);
    const model = {
      head: 'jailbreak',
      category: 'jailbreak',
      label: 'MODEL_JAILBREAK',
      threshold: params.model_threshold,
      minTokens: params.model_min_tokens,
    };
    return (subject, views) => {
      const findings: Finding[] = [];
      const verdict = rules.scan(views.analysis(), subject.rail, views.text);
      if (verdict) findings.push(verdictFinding('jailbreak', verdict));
      const learned = classifier ? modelFinding(classifier, views, model) : null;
      if (learned) findings.push(learned);
      return findings;
    };
  },
};
