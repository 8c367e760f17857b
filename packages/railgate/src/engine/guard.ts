/**
 * The library entry point. `createGuard` loads and compiles a policy once; `guard.check` runs a rail on a
 * text (or every message of a conversation on its rail) and returns a verdict. Policies whose scanners are
 * all synchronous also get `guard.checkSync`, which never touches the event loop.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Views } from '../normalize/views.js';
import { BUILTIN_SCANNERS } from '../scanners/registry.js';
import { AsyncPolicyError, PolicyError, RequestError } from './errors.js';
import { applyMaskedParts, type MessageOptions, type MessagePart, partsOfMessages } from './messages.js';
import { type EffectivePolicy, loadPolicy, type PolicyInput } from './policy.js';
import {
  type CompiledRail,
  type CompiledRule,
  inRunOrder,
  type PolicyMeta,
  refusedVerdict,
  runRailAsync,
  runRailSync,
  strongerAction,
} from './runner.js';
import {
  type Message,
  RAILS,
  type Rail,
  type Scanner,
  type Subject,
  type Verdict,
  type VerdictAction,
} from './types.js';

export interface GuardOptions {
  /** A policy file path, a preset name (`default`, `strict`, ...) or a policy document. Default: `default`. */
  policy?: PolicyInput;
  /** Extra scanners a policy may name, next to the built-in ones (same id replaces a built-in). */
  scanners?: ReadonlyArray<Scanner<unknown>>;
  /**
   * Texts longer than this many UTF-16 code units are not scanned; the rail's on_error decides (fail_closed
   * blocks). Default 1,000,000: large enough for documents, small enough to bound time and memory.
   */
  maxChars?: number;
  /** Also check system/developer messages (on the input rail) when given a conversation. */
  checkSystemMessages?: boolean;
}

export interface TextRequest {
  text: string;
  /** Default `input`. */
  rail?: Rail;
  role?: string;
  tenant?: string;
  history?: Message[];
  meta?: Record<string, unknown>;
  /** Aborts asynchronous scanners (the verdict then reports them as errors). */
  signal?: AbortSignal;
}

export interface MessagesRequest {
  messages: Message[];
  tenant?: string;
  meta?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface PartVerdict {
  message: number;
  role: string;
  path: string;
  verdict: Verdict;
}

/** The verdict on a whole conversation: the strongest action over all checked parts. */
export interface ConversationVerdict {
  allowed: boolean;
  action: VerdictAction;
  review: boolean;
  parts: PartVerdict[];
  /** The messages with masked text written back; present only when something was masked. */
  masked_messages?: Message[];
  latency_us: { total: number };
  policy: { id: string; version: string };
  decision_id: string;
}

export const DEFAULT_MAX_CHARS = 1_000_000;

function scannerMap(extra: ReadonlyArray<Scanner<unknown>> = []): Map<string, Scanner<unknown>> {
  const map = new Map<string, Scanner<unknown>>();
  for (const scanner of [...BUILTIN_SCANNERS, ...extra]) map.set(scanner.id, scanner);
  return map;
}

function compile(policy: EffectivePolicy, scanners: Map<string, Scanner<unknown>>): Map<Rail, CompiledRail> {
  const compiled = new Map<Rail, CompiledRail>();
  for (const rail of RAILS) {
    const config = policy.rails[rail];
    if (!config) continue;
    const rules: CompiledRule[] = config.rules.map((rule, index) => {
      const scanner = scanners.get(rule.scanner);
      if (!scanner) throw new Error(`internal: scanner ${rule.scanner} vanished after validation`);
      try {
        return {
          rule,
          scan: scanner.create(rule.params, { ruleId: rule.id, rail, threshold: rule.threshold }),
          async: scanner.async === true,
        };
      } catch (error) {
        throw new PolicyError([
          {
            code: 'POLICY_COMPILE',
            file: policy.sources[policy.sources.length - 1] ?? '<inline>',
            path: `rails.${rail}.rules[${index}].params`,
            message: `rule '${rule.id}' (${rule.scanner}) could not be compiled: ${error instanceof Error ? error.message : String(error)}`,
            fix: 'fix the params of that rule',
          },
        ]);
      }
    });
    compiled.set(rail, { rail, config, rules: inRunOrder(rules), async: rules.some((r) => r.async) });
  }
  return compiled;
}

export class Guard {
  readonly policy: EffectivePolicy;
  /** True when every rule is synchronous: `checkSync` is available. */
  readonly isSync: boolean;
  private readonly rails: Map<Rail, CompiledRail>;
  private readonly meta: PolicyMeta;
  private readonly maxChars: number;
  private readonly messageOptions: MessageOptions;

  constructor(options: GuardOptions = {}) {
    const scanners = scannerMap(options.scanners);
    this.policy = loadPolicy(options.policy ?? 'default', { scanners });
    this.rails = compile(this.policy, scanners);
    this.isSync = [...this.rails.values()].every((r) => !r.async);
    this.meta = { id: this.policy.id, version: this.policy.version, maskFormat: this.policy.mask.format };
    this.maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    this.messageOptions = { checkSystem: options.checkSystemMessages === true };
  }

  /** Checks one text on one rail, or every part of a conversation on its rail. */
  check(request: TextRequest): Promise<Verdict>;
  check(request: MessagesRequest): Promise<ConversationVerdict>;
  async check(request: TextRequest | MessagesRequest): Promise<Verdict | ConversationVerdict> {
    if (isMessagesRequest(request)) return this.checkConversation(request, false);
    const { subject, compiled } = this.prepare(request);
    if (!compiled) return this.emptyVerdict(subject.rail);
    if (subject.text.length > this.maxChars) return this.oversized(compiled, subject);
    const views = new Views(subject.text);
    return compiled.async
      ? runRailAsync(compiled, subject, views, this.meta, request.signal)
      : runRailSync(compiled, subject, views, this.meta);
  }

  /** The synchronous fast path; throws AsyncPolicyError when a rule on the rail is asynchronous. */
  checkSync(request: TextRequest): Verdict;
  checkSync(request: MessagesRequest): ConversationVerdict;
  checkSync(request: TextRequest | MessagesRequest): Verdict | ConversationVerdict {
    if (isMessagesRequest(request)) return this.checkConversation(request, true) as ConversationVerdict;
    const { subject, compiled } = this.prepare(request);
    if (!compiled) return this.emptyVerdict(subject.rail);
    if (compiled.async) throw new AsyncPolicyError(compiled.rules.filter((r) => r.async).map((r) => r.rule.id));
    if (subject.text.length > this.maxChars) return this.oversized(compiled, subject);
    return runRailSync(compiled, subject, new Views(subject.text), this.meta);
  }

  private checkConversation(request: MessagesRequest, sync: true): ConversationVerdict;
  private checkConversation(request: MessagesRequest, sync: false): Promise<ConversationVerdict>;
  private checkConversation(
    request: MessagesRequest,
    sync: boolean,
  ): ConversationVerdict | Promise<ConversationVerdict> {
    const t0 = performance.now();
    const parts = partsOfMessages(request.messages, this.messageOptions);
    const subjectOf = (part: MessagePart): TextRequest => ({
      text: part.text,
      rail: part.rail,
      role: part.role,
      tenant: request.tenant,
      history: request.messages.slice(0, part.message),
      meta: request.meta,
      signal: request.signal,
    });
    const finish = (verdicts: Verdict[]): ConversationVerdict =>
      combine(request.messages, parts, verdicts, this.meta, t0);
    if (sync) return finish(parts.map((part) => this.checkSync(subjectOf(part))));
    return Promise.all(parts.map((part) => this.check(subjectOf(part)))).then(finish);
  }

  private prepare(request: TextRequest): { subject: Subject; compiled: CompiledRail | undefined } {
    if (request === null || typeof request !== 'object')
      throw new RequestError('REQUEST_INVALID', 'a check request must be an object');
    if (typeof request.text !== 'string') throw new RequestError('REQUEST_INVALID', 'text must be a string', 'text');
    const rail = request.rail ?? 'input';
    if (!RAILS.includes(rail)) {
      throw new RequestError(
        'REQUEST_INVALID',
        `unknown rail '${String(rail)}'; use one of ${RAILS.join(', ')}`,
        'rail',
      );
    }
    const subject: Subject = { text: request.text, rail };
    if (request.role !== undefined) subject.role = request.role;
    if (request.tenant !== undefined) subject.tenant = request.tenant;
    if (request.history !== undefined) subject.history = request.history;
    if (request.meta !== undefined) subject.meta = request.meta;
    return { subject, compiled: this.rails.get(rail) };
  }

  private oversized(compiled: CompiledRail, subject: Subject): Verdict {
    return refusedVerdict(
      compiled,
      this.meta,
      `text of ${subject.text.length} characters exceeds maxChars ${this.maxChars}`,
    );
  }

  private emptyVerdict(rail: Rail): Verdict {
    return {
      allowed: true,
      action: 'allow',
      rail,
      review: false,
      findings: [],
      fired_rules: [],
      errors: [],
      latency_us: { total: 0, rules: {} },
      policy: { id: this.meta.id, version: this.meta.version },
      decision_id: randomUUID(),
    };
  }
}

function isMessagesRequest(request: TextRequest | MessagesRequest): request is MessagesRequest {
  return typeof request === 'object' && request !== null && 'messages' in request;
}

function combine(
  messages: Message[],
  parts: MessagePart[],
  verdicts: Verdict[],
  meta: PolicyMeta,
  t0: number,
): ConversationVerdict {
  let action: VerdictAction = 'allow';
  const masked: Array<{ part: MessagePart; text: string }> = [];
  const partVerdicts = verdicts.map((verdict, i) => {
    const part = parts[i] as MessagePart;
    action = strongerAction(action, verdict.action);
    if (verdict.masked_text !== undefined) masked.push({ part, text: verdict.masked_text });
    return { message: part.message, role: part.role, path: part.path, verdict };
  });
  return {
    allowed: verdicts.every((v) => v.allowed),
    action,
    review: verdicts.some((v) => v.review),
    parts: partVerdicts,
    ...(masked.length > 0 && { masked_messages: applyMaskedParts(messages, masked) }),
    latency_us: { total: Math.round((performance.now() - t0) * 1000) },
    policy: { id: meta.id, version: meta.version },
    decision_id: randomUUID(),
  };
}

/** Loads and compiles a policy. Async so that later scanners may load models without changing callers. */
export async function createGuard(options: GuardOptions = {}): Promise<Guard> {
  return new Guard(options);
}
