/**
 * The built-in scanners by stable id. Adding a scanner is adding its folder and one line here.
 */
import type { Scanner } from '../engine/types.js';
import { bannedSubstringsScanner } from './banned_substrings/index.js';
import { canaryScanner } from './canary/index.js';
import { codeScanner } from './code/index.js';
import { competitorsScanner } from './competitors/index.js';
import { harmfulScanner } from './harmful/index.js';
import { invisibleTextScanner } from './invisible_text/index.js';
import { jailbreakScanner } from './jailbreak/index.js';
import { jsonScanner } from './json/index.js';
import { languageScanner } from './language/index.js';
import { llmJudgeScanner } from './llm_judge/index.js';
import { onnxScanner } from './onnx/index.js';
import { piiScanner } from './pii/index.js';
import { promptInjectionScanner } from './prompt_injection/index.js';
import { refusalScanner } from './refusal/index.js';
import { regexScanner } from './regex/index.js';
import { secretsScanner } from './secrets/index.js';
import { sizeScanner } from './size/index.js';
import { topicsScanner } from './topics/index.js';
import { toxicityScanner } from './toxicity/index.js';
import { urlsScanner } from './urls/index.js';
import { webhookScanner } from './webhook/index.js';

export const BUILTIN_SCANNERS: ReadonlyArray<Scanner<unknown>> = [
  promptInjectionScanner,
  jailbreakScanner,
  harmfulScanner,
  toxicityScanner,
  piiScanner,
  secretsScanner,
  invisibleTextScanner,
  languageScanner,
  topicsScanner,
  bannedSubstringsScanner,
  competitorsScanner,
  regexScanner,
  codeScanner,
  urlsScanner,
  sizeScanner,
  canaryScanner,
  refusalScanner,
  jsonScanner,
  llmJudgeScanner,
  onnxScanner,
  webhookScanner,
];
