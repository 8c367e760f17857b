/**
 * The library policy as a target, in process: the same engine the application runs. A text variant is
 * checked on its rail; a conversation message by message (user turns on the input rail, assistant turns on
 * the output rail), as `guard.check({messages})` does for an application.
 */
import { type ConversationVerdict, Guard } from '../../engine/guard.js';
import type { FlagOn } from '../../eval/run.js';
import type { Variant } from '../strategies.js';
import { type AttemptContext, type Outcome, type Target, verdictOutcome } from './target.js';

export function policyTarget(policy: string, flagOn: FlagOn): Target {
  const guard = new Guard({ policy });
  return {
    info: { kind: 'policy', source: policy, policy: { id: guard.policy.id, version: guard.policy.version } },
    acceptsRail: () => true,
    attempt: async (variant, context) => checkVariant(guard, variant, context, flagOn),
  };
}

async function checkVariant(guard: Guard, variant: Variant, context: AttemptContext, flagOn: FlagOn): Promise<Outcome> {
  if (variant.kind === 'conversation') {
    // A fresh object per turn: the engine's Message is an open record, a ChatTurn a closed one.
    const messages = variant.messages.map((turn) => ({ role: turn.role, content: turn.content }));
    const request = { messages, signal: context.signal };
    const verdict = guard.isSync ? guard.checkSync(request) : await guard.check(request);
    return verdictOutcome({ action: verdict.action, reason: conversationReason(verdict) }, context.category, flagOn);
  }
  const request = { text: variant.text, rail: variant.rail, signal: context.signal };
  const verdict = guard.isSync ? guard.checkSync(request) : await guard.check(request);
  return verdictOutcome(verdict, context.category, flagOn);
}

/** The parts' reasons, as `turn 3: prompt-injection`, so a reader sees which turn was stopped. */
function conversationReason(verdict: ConversationVerdict): string | undefined {
  const reasons = verdict.parts
    .filter((part) => part.verdict.reason !== undefined)
    .map((part) => `turn ${part.message + 1}: ${part.verdict.reason}`);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
