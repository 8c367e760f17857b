/**
 * `prompt_injection`: deterministic first line against text that tries to take over the model's
 * instructions — "ignore all previous instructions", system-prompt extraction, fake chat-template turns,
 * instructions planted in retrieved pages and tool results, exfiltration orders, and the same in nine
 * other languages or hidden in base64, hex, rot13, reversed text, leetspeak, homoglyphs or Unicode tags.
 *
 * Scored, not matched: each pattern family weighs in and families combine with noisy-OR, so one strong
 * phrase or several weak ones fire. It is tuned for precision (role-play prompts, security questions and
 * "please ignore the previous typo" pass); a trained classifier can be added as a second rule for recall.
 *
 * @example
 * ```yaml
 * rails:
 *   input:
 *     rules:
 *       - scanner: prompt_injection
 *         threshold: 0.7
 *         action: block
 * ```
 */
import { z } from 'zod';
import { type Finding, RAILS, type Scanner } from '../../engine/types.js';
import { PhraseRuleSet, phraseScannerOptions, signalWeight, verdictFinding } from '../../match/phrase-rules.js';
import { classifierFor, modelFinding, modelParams } from '../../models/model-finding.js';
import { PROMPT_INJECTION_FAMILIES, promptInjectionFamilies } from './families.js';
import { findFlood } from './flood.js';

/** Families a policy can switch off or reweigh: the pattern families plus the encoded-payload signal. */
export const PROMPT_INJECTION_FAMILY_IDS = [...PROMPT_INJECTION_FAMILIES, 'encoded_payload', 'token_flood'] as const;

export const promptInjectionParams = z.strictObject({
  /**
   * Per family: `false` turns it off, a number in 0..1 sets the weight of its strongest pattern (the others
   * scale with it). Families: instruction_override, prompt_extraction, fake_delimiter, indirect_injection,
   * exfiltration, goal_hijack, encoded_instruction, encoded_payload.
   */
  families: z
    .partialRecord(z.enum(PROMPT_INJECTION_FAMILY_IDS), z.union([z.boolean(), z.number().min(0).max(1)]))
    .default({}),
  /** Tenant phrases that signal an injection, matched literally and case-insensitively (never as regex). */
  extra_phrases: z.array(z.string().trim().min(3).max(200)).max(500).default([]),
  /** Score of an extra phrase on its own. */
  extra_phrase_weight: z.number().min(0).max(1).default(0.9),
  ...modelParams,
});

export type PromptInjectionParams = z.infer<typeof promptInjectionParams>;

/** Weight of a flood of repeated short tokens: not an attack alone, a strong booster with any other signal. */
const TOKEN_FLOOD_WEIGHT = 0.5;

export const promptInjectionScanner: Scanner<PromptInjectionParams> = {
  id: 'prompt_injection',
  description:
    'Heuristic prompt-injection detector: instruction overrides, prompt extraction, fake turns, indirect injection.',
  params: promptInjectionParams,
  rails: RAILS,
  defaults: { threshold: 0.7, action: 'block' },
  create(params) {
    const flood = signalWeight(params.families.token_flood, TOKEN_FLOOD_WEIGHT);
    const rules = new PhraseRuleSet(
      promptInjectionFamilies,
      phraseScannerOptions(params, flood > 0 ? [(view) => findFlood(view, flood)] : []),
    );
    const classifier = classifierFor(params.model);
    const model = {
      head: 'prompt_injection',
      category: 'prompt_injection',
      label: 'MODEL_PROMPT_INJECTION',
      threshold: params.model_threshold,
    };
    return (subject, views) => {
      const findings: Finding[] = [];
      const verdict = rules.scan(views.analysis(), subject.rail, views.text);
      if (verdict) findings.push(verdictFinding('prompt_injection', verdict));
      const learned = classifier ? modelFinding(classifier, views, model) : null;
      if (learned) findings.push(learned);
      return findings;
    };
  },
};
