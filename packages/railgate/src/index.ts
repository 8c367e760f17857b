/**
 * Railgate: guardrails for LLM applications. See README.md for a tour; the main entry is createGuard.
 */

export {
  AsyncPolicyError,
  formatIssue,
  PolicyError,
  type PolicyErrorCode,
  type PolicyIssue,
  RequestError,
} from './engine/errors.js';
export {
  type ConversationVerdict,
  createGuard,
  DEFAULT_MAX_CHARS,
  Guard,
  type GuardOptions,
  type MessagesRequest,
  type PartVerdict,
  type TextRequest,
} from './engine/guard.js';
export { applyMasks, type MaskSpan, mergeSpans } from './engine/mask.js';
export { type MessagePart, partsOfMessages } from './engine/messages.js';
export {
  canonicalJson,
  type EffectivePolicy,
  type EffectiveRail,
  type EffectiveRule,
  loadPolicy,
  type PolicyInput,
  presetNames,
} from './engine/policy.js';
export { type PolicyDocument, policySchema, type RailDocument, type RuleDocument } from './engine/policy-schema.js';
export { runScanner, runScannerSync } from './engine/run-scanner.js';
export {
  ACTIONS,
  type Action,
  type CompileContext,
  type Finding,
  type Message,
  RAILS,
  type Rail,
  type RuleError,
  type RuleFinding,
  type ScanFn,
  type Scanner,
  type Subject,
  type Verdict,
  type VerdictAction,
} from './engine/types.js';
export { type DecodedSegment, type EncodingKind, View, Views } from './normalize/views.js';
export { BUILTIN_SCANNERS } from './scanners/registry.js';
