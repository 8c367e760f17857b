/**
 * What a red-team run attacks. Every target takes one variant and says whether the attack got through:
 * a policy or a gateway let it pass (its verdict's action is not one that counts as stopped for the seed's
 * category), a model complied (its answer is not a refusal). A failure to get an answer at all — a timeout,
 * an HTTP 500, an answer that cannot be read — is an `error`: never counted as a success or as stopped.
 */
import type { Rail, VerdictAction } from '../../engine/types.js';
import type { FlagOn } from '../../eval/run.js';
import type { Variant } from '../strategies.js';

export type OutcomeKind = 'success' | 'stopped' | 'error';

export interface Outcome {
  kind: OutcomeKind;
  /** For people: the verdict action and rules, the refusal found, or what went wrong. */
  detail: string;
  /** A model target's answer (cut), kept for successes. */
  answer?: string;
}

export type TargetInfo =
  | { kind: 'policy'; source: string; policy: { id: string; version: string } }
  | { kind: 'gateway'; url: string }
  | {
      kind: 'model';
      url: string;
      model: string;
      judge: { kind: 'refusal' } | { kind: 'llm_judge'; url: string; model: string };
    };

export interface AttemptContext {
  /** The seed's category: picks the verdict actions that count as stopped. */
  category: string;
  signal: AbortSignal;
}

export interface Target {
  readonly info: TargetInfo;
  /** Seeds on rails this target cannot be sent (a model is sent requests, not answers) are left out. */
  acceptsRail(rail: Rail): boolean;
  attempt(variant: Variant, context: AttemptContext): Promise<Outcome>;
}

/** The outcome of a guard verdict (library or gateway): stopped when its action counts as flagged. */
export function verdictOutcome(
  verdict: { action: VerdictAction; reason?: string | undefined },
  category: string,
  flagOn: FlagOn,
): Outcome {
  const flagSet = flagOn.byCategory.get(category) ?? flagOn.default;
  const detail = verdict.reason ? `${verdict.action} (${verdict.reason})` : verdict.action;
  return { kind: flagSet.has(verdict.action) ? 'stopped' : 'success', detail };
}
