/**
 * `llm_judge`: asks a language model behind any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM,
 * Ollama, llama.cpp server) to rate the text against a rubric, and reports its score. Built-in rubrics
 * cover prompt injection, jailbreak, harmful requests, toxicity and personal-data leaks; a tenant may bring
 * its own rubric. Identical texts are answered from a cache, calls per minute can be capped, and every
 * malformed or failed answer is a rule error so the policy's on_error decides.
 *
 * @example
 * ```yaml
 * - id: judge
 *   scanner: llm_judge
 *   timeout_ms: 3000
 *   on_error: fail_open
 *   params: { base_url: https://api.openai.com/v1, model: gpt-4o-mini, api_key_env: OPENAI_API_KEY, category: jailbreak }
 * ```
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';
import { OutboundEndpoint } from '../../models/net/client.js';
import { accessOf, endpointIssue, endpointUrl, envVarName, outboundShape, readEnv } from '../../models/net/params.js';
import { completionContent, evidenceOf, type Judgement, parseJudgement } from './answer.js';
import { CallBudget, ExpiringLru } from './budget.js';
import {
  buildMessages,
  compilePrompt,
  JUDGE_CATEGORIES,
  type JudgePrompt,
  TEXT_SLOT,
  truncateForJudge,
} from './prompt.js';

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]{0,63}$/;

const cacheParams = z.strictObject({
  /** Judgements kept; the least recently used is dropped first. */
  max_entries: z.number().int().min(1).max(100_000).default(1000),
  /** How long a judgement stays valid. */
  ttl_ms: z.number().int().min(1).max(86_400_000).default(600_000),
});

export const llmJudgeParams = z
  .strictObject({
    /** Base URL of the API (`https://api.openai.com/v1`, `http://localhost:11434/v1`); `/chat/completions` is appended. */
    base_url: endpointUrl,
    model: z.string().min(1).max(200),
    /** Name of the environment variable holding the API key, sent as a Bearer token. Unset: no key. */
    api_key_env: envVarName.optional(),
    /** Built-in rubric and the category of the findings. `custom` needs a `rubric`. */
    category: z.enum(JUDGE_CATEGORIES).default('custom'),
    /** A tenant rubric replacing the built-in one; the text goes in its `{{text}}` slot (exactly one). */
    rubric: z
      .string()
      .min(20)
      .max(8000)
      .refine((text) => text.split(TEXT_SLOT).length === 2, `must contain the ${TEXT_SLOT} slot exactly once`)
      .optional(),
    /** Label → score table: the judge must answer one of these labels and the score comes from here. */
    labels: z
      .record(z.string().regex(UPPER_SNAKE, 'an UPPER_SNAKE_CASE label'), z.number().min(0).max(1))
      .refine((table) => {
        const size = Object.keys(table).length;
        return size >= 1 && size <= 50;
      }, 'between 1 and 50 labels')
      .optional(),
    temperature: z.number().min(0).max(2).default(0),
    max_tokens: z.number().int().min(16).max(4096).default(200),
    /** Ask for `response_format: {type: json_object}`; turn off for servers that reject it. */
    json_mode: z.boolean().default(true),
    /** Longer texts are cut to this many characters (beginning and end kept, a marker in between). */
    max_chars: z.number().int().min(200).max(100_000).default(8000),
    /** Cache of judgements of identical texts, or `false`. */
    cache: z.union([z.literal(false), cacheParams]).default({ max_entries: 1000, ttl_ms: 600_000 }),
    /** Cap on calls to the endpoint per minute (cache hits are free); past it the rule errors. Unset: no cap. */
    max_calls_per_minute: z.number().int().min(1).max(100_000).optional(),
    ...outboundShape(10_000),
  })
  .superRefine((params, ctx) => {
    endpointIssue(params, 'base_url', ctx);
    if (params.category === 'custom' && params.rubric === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rubric'],
        message: `a custom judge needs a rubric with a ${TEXT_SLOT} slot, or a built-in category (${JUDGE_CATEGORIES.filter((c) => c !== 'custom').join(', ')})`,
      });
    }
  });

export type LlmJudgeParams = z.infer<typeof llmJudgeParams>;

/** `https://host/v1` → `https://host/v1/chat/completions`; a URL already ending so is kept. */
export function completionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  let path = url.pathname;
  while (path.endsWith('/')) path = path.slice(0, -1);
  if (!path.endsWith('/chat/completions')) path += '/chat/completions';
  url.pathname = path;
  return url.toString();
}

/** The short message of an OpenAI-style error body, if there is one. */
function errorDetail(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? `: ${message.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  } catch {
    return '';
  }
}

class Judge {
  private readonly endpoint: OutboundEndpoint;
  private readonly prompt: JudgePrompt;
  private readonly cache: ExpiringLru<Judgement> | undefined;
  private readonly budget: CallBudget | undefined;
  private readonly fingerprint: string;

  constructor(private readonly params: LlmJudgeParams) {
    if (params.api_key_env) readEnv(params.api_key_env, 'api_key_env');
    this.endpoint = new OutboundEndpoint(completionsUrl(params.base_url), {
      access: accessOf(params),
      timeoutMs: params.request_timeout_ms,
      maxResponseBytes: params.max_response_bytes,
    });
    this.prompt = compilePrompt(params.category, params.rubric, params.labels);
    this.cache = params.cache ? new ExpiringLru(params.cache.max_entries, params.cache.ttl_ms) : undefined;
    this.budget = params.max_calls_per_minute
      ? new CallBudget(params.max_calls_per_minute, performance.now())
      : undefined;
    this.fingerprint = JSON.stringify([
      this.endpoint.label,
      params.model,
      params.temperature,
      params.max_tokens,
      this.prompt.fingerprint,
    ]);
  }

  async judge(text: string, signal: AbortSignal): Promise<Judgement> {
    const key = this.cache ? createHash('sha256').update(this.fingerprint).update('\0').update(text).digest('hex') : '';
    const cached = this.cache?.get(key, performance.now());
    if (cached) return cached;
    const judgement = await this.ask(text, signal);
    this.cache?.set(key, judgement, performance.now());
    return judgement;
  }

  private async ask(text: string, signal: AbortSignal): Promise<Judgement> {
    if (this.budget && !this.budget.take(performance.now())) {
      throw new Error(
        `llm_judge: call budget exhausted (max_calls_per_minute ${this.params.max_calls_per_minute}); next call in ${Math.ceil(this.budget.waitMs() / 1000)} s`,
      );
    }
    const headers: Record<string, string> = {};
    if (this.params.api_key_env) headers.authorization = `Bearer ${readEnv(this.params.api_key_env, 'api_key_env')}`;
    const body = JSON.stringify({
      model: this.params.model,
      messages: buildMessages(this.prompt, text),
      temperature: this.params.temperature,
      max_tokens: this.params.max_tokens,
      ...(this.params.json_mode && { response_format: { type: 'json_object' } }),
    });
    const response = await this.endpoint.post(body, headers, signal).catch((error: unknown) => {
      throw new Error(`llm_judge: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(
        `llm_judge: ${this.endpoint.label} answered HTTP ${response.status}${errorDetail(response.body)}`,
      );
    }
    try {
      const judgement = parseJudgement(completionContent(response.body), this.params.labels);
      return { ...judgement, reason: evidenceOf(judgement.reason, text) };
    } catch (error) {
      throw new Error(`llm_judge: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export const llmJudgeScanner: Scanner<LlmJudgeParams> = {
  id: 'llm_judge',
  description:
    'Rates the text with a language model behind an OpenAI-compatible endpoint, against a built-in or tenant rubric.',
  params: llmJudgeParams,
  rails: RAILS,
  defaults: { threshold: 0.7, action: 'block' },
  async: true,
  create(params) {
    const judge = new Judge(params);
    return async (subject, _views, signal) => {
      if (subject.text.trim() === '') return [];
      const judgement = await judge.judge(truncateForJudge(subject.text, params.max_chars), signal);
      if (judgement.score === 0) return [];
      return [
        {
          category: params.category,
          label: judgement.label,
          score: judgement.score,
          ...(judgement.reason && { evidence: judgement.reason }),
        },
      ];
    };
  },
};
