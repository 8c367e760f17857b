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
export { applyMasks, type MaskSpan, maskSpanOf, maskSpansOf, mergeSpans } from './engine/mask.js';
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
export {
  applyAll,
  applyConversationTransform,
  applyTransform,
  type ChatTurn,
  CONVERSATION_TRANSFORMS,
  type ConversationTransform,
  composeTransforms,
  createRng,
  encodeBase64,
  encodeHex,
  encodeRot13,
  encodeTags,
  type HexStyle,
  type Rng,
  reverseCodePoints,
  type Seed,
  TRANSFORM_IDS,
  TRANSFORMS,
  type Transform,
  type TransformFamily,
  type TransformVariant,
  transformById,
} from './eval/transforms/index.js';
export {
  Classifier,
  decodeModel,
  encodeModel,
  type HeadScore,
  ModelFormatError,
  type ModelHeader,
  type ModelWeights,
} from './models/classifier.js';
export { extractFeatures, type FeatureConfig, type TokenStream } from './models/features.js';
export {
  loadClassifier,
  SHIPPED_MODEL_PATH,
  type SubjectHeadScore,
  type SubjectScores,
  subjectScores,
} from './models/shipped.js';
export {
  type Encoding,
  loadTokenizer,
  parseTokenizer,
  type SequenceTemplate,
  Tokenizer,
  TokenizerError,
  type TokenizerErrorCode,
} from './models/tokenizer/index.js';
export { type DecodedSegment, type EncodingKind, View, Views } from './normalize/views.js';
export { HARMFUL_SUBCATEGORIES } from './scanners/harmful/index.js';
export { createOnnxScanner, type OnnxParams, onnxParams, onnxScanner } from './scanners/onnx/index.js';
export {
  ModelFileError,
  type ModelSignature,
  readModelSignature,
  type ValueSignature,
} from './scanners/onnx/model-file.js';
export { INSTALL_HINT, RUNTIME_MODULES, RuntimeMissingError } from './scanners/onnx/runtime.js';
export { BUILTIN_SCANNERS } from './scanners/registry.js';
export {
  SIGNATURE_HEADER,
  signWebhookBody,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './scanners/webhook/signature.js';
