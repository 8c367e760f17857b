/**
 * How a scanner reports the shipped classifier's opinion: one finding for a head, carrying the model's
 * own threshold (from the dev sweep, or the policy's `model_threshold`) so it fires independently of the
 * heuristic finding the same rule may report. A rule therefore fires when the heuristics OR the model are
 * sure enough, each on its own calibrated scale; bench/quality.mjs measures that combination against each
 * half alone.
 */
import { z } from 'zod';
import type { Action, Finding } from '../engine/types.js';
import type { Views } from '../normalize/views.js';
import type { Classifier } from './classifier.js';
import { loadClassifier, subjectScores } from './shipped.js';

/** Score at which the model's finding fires; default: the head's threshold from the dev sweep. */
export const modelThresholdParam = { model_threshold: z.number().min(0).max(1).optional() };

/** Params of scanners that combine heuristics with the classifier. */
export const modelParams = {
  /** Use the shipped classifier (default true). False leaves only the scanner's deterministic part. */
  model: z.boolean().default(true),
  ...modelThresholdParam,
};

export interface ModelFindingOptions {
  head: string;
  category: string;
  label: string;
  /**
   * Score at which this finding fires on its own (it then ignores the rule's threshold); `'rule'` leaves
   * the rule's threshold in charge, for scanners whose only opinion is the model's.
   */
  threshold?: number | 'rule';
  /**
   * Texts with fewer tokens than this get no finding from this head: there is too little text for its
   * opinion to mean anything at its (low) calibrated threshold. See `model_min_tokens`.
   */
  minTokens?: number;
}

/** Longest text whose tokens are counted for `minTokens`; anything longer has enough of them. */
const SHORT_TEXT_CHARS = 160;

/**
 * Defaults of a model-only scanner: its rule threshold, when the policy sets none, is the head's
 * threshold from the dev sweep stored in the weights file. Read lazily so listing scanners or validating a
 * policy that does not use the scanner never loads the weights.
 */
export function modelDefaults(head: string, action: Action): { threshold: number; action: Action } {
  return {
    action,
    get threshold(): number {
      return loadClassifier().header.thresholds[head] ?? 0.5;
    },
  };
}

/** Loads the shipped classifier when a model-backed rule is compiled (once per process). */
export function classifierFor(enabled: boolean): Classifier | null {
  return enabled ? loadClassifier() : null;
}

export function modelFinding(classifier: Classifier, views: Views, options: ModelFindingOptions): Finding | null {
  if (options.minTokens && tooShort(classifier, views, options.minTokens)) return null;
  const best = subjectScores(views, classifier).get(options.head);
  if (!best) return null;
  const score = Math.round(best.score * 1000) / 1000;
  const base = { category: options.category, label: options.label, score, span: best.span, view: best.view };
  if (options.threshold === 'rule') return { ...base, evidence: `classifier ${options.head} ${best.score.toFixed(3)}` };
  const threshold = options.threshold ?? classifier.header.thresholds[options.head] ?? 0.5;
  return {
    ...base,
    threshold,
    evidence: `classifier ${options.head} ${best.score.toFixed(3)} (fires at ${threshold})`,
  };
}

function tooShort(classifier: Classifier, views: Views, minTokens: number): boolean {
  const text = views.skeleton.text;
  return text.length < SHORT_TEXT_CHARS && classifier.tokens(text).count < minTokens;
}
