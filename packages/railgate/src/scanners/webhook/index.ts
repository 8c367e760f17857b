/**
 * `webhook`: sends the subject to a URL the team runs (their own classifier, a vendor's API behind a
 * small adapter) and reports the findings it answers. The POST is signed (HMAC-SHA256 over timestamp and
 * body with a secret from an environment variable), goes through the SSRF guard, is bounded in time and
 * size, and is retried only when the rule asks for it, and then only after network errors and 5xx answers.
 *
 * @example
 * ```yaml
 * - id: vendor
 *   scanner: webhook
 *   timeout_ms: 1500
 *   on_error: fail_open
 *   params: { url: https://guard.example.com/check, secret_env: RAILGATE_WEBHOOK_SECRET }
 * ```
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { RAILS, type Scanner, type Subject } from '../../engine/types.js';
import { OutboundEndpoint, OutboundError, type OutboundResponse } from '../../models/net/client.js';
import { accessOf, endpointIssue, endpointUrl, envVarName, outboundShape, readEnv } from '../../models/net/params.js';
import { findingsOfAnswer } from './answer.js';
import { ATTEMPT_HEADER, DELIVERY_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from './signature.js';

/** Shorter secrets are guessable enough to forge signatures offline. */
const MIN_SECRET_LENGTH = 16;

export const webhookParams = z
  .strictObject({
    url: endpointUrl,
    /** Name of the environment variable holding the signing secret (at least 16 characters). */
    secret_env: envVarName,
    /** Extra attempts after a network error, a per-attempt timeout or a 5xx answer. Default 0: no retry. */
    retries: z.number().int().min(0).max(3).default(0),
    /** Wait before the first retry; doubled before each next one. */
    retry_backoff_ms: z.number().int().min(1).max(10_000).default(200),
    /** Also send `subject.meta` (it may hold per-request canaries or other internals). Default false. */
    send_meta: z.boolean().default(false),
    ...outboundShape(5000),
  })
  .superRefine((params, ctx) => endpointIssue(params, 'url', ctx));

export type WebhookParams = z.infer<typeof webhookParams>;

/** What the receiver gets: the subject on its rail and the id of the rule that sent it. */
export interface WebhookPayload {
  subject: Pick<Subject, 'text' | 'rail' | 'role' | 'tenant' | 'meta'>;
  rule: string;
}

function payloadOf(subject: Subject, rule: string, sendMeta: boolean): WebhookPayload {
  const sent: WebhookPayload['subject'] = { text: subject.text, rail: subject.rail };
  if (subject.role !== undefined) sent.role = subject.role;
  if (subject.tenant !== undefined) sent.tenant = subject.tenant;
  if (sendMeta && subject.meta !== undefined) sent.meta = subject.meta;
  return { subject: sent, rule };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new OutboundError('ABORTED', 'aborted while waiting to retry'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new OutboundError('ABORTED', 'aborted while waiting to retry'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

class WebhookSender {
  private readonly endpoint: OutboundEndpoint;

  constructor(private readonly params: WebhookParams) {
    const secret = readEnv(params.secret_env, 'secret_env');
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `the secret in ${params.secret_env} has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} random characters`,
      );
    }
    this.endpoint = new OutboundEndpoint(params.url, {
      access: accessOf(params),
      timeoutMs: params.request_timeout_ms,
      maxResponseBytes: params.max_response_bytes,
    });
  }

  get label(): string {
    return this.endpoint.label;
  }

  /** Sends the body, retrying network failures and 5xx answers as the params allow; returns a 2xx answer. */
  async send(body: string, signal: AbortSignal): Promise<OutboundResponse> {
    const delivery = randomUUID();
    const attempts = 1 + this.params.retries;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(body, delivery, attempt, signal);
      const last = attempt === attempts;
      if (outcome instanceof OutboundError) {
        if (!outcome.retryable || last) throw this.failure(outcome.message, attempt);
      } else if (outcome.status >= 500) {
        if (last) throw this.failure(`${this.endpoint.label} answered HTTP ${outcome.status}`, attempt);
      } else if (outcome.status < 200 || outcome.status >= 300) {
        throw this.failure(`${this.endpoint.label} answered HTTP ${outcome.status}`, attempt);
      } else {
        return outcome;
      }
      await pause(this.params.retry_backoff_ms * 2 ** (attempt - 1), signal);
    }
  }

  private async attempt(
    body: string,
    delivery: string,
    attempt: number,
    signal: AbortSignal,
  ): Promise<OutboundResponse | OutboundError> {
    // A fresh timestamp per attempt, so a retry is not refused as a replay by a strict receiver.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = {
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhookBody(readEnv(this.params.secret_env, 'secret_env'), timestamp, body),
      [DELIVERY_HEADER]: delivery,
      [ATTEMPT_HEADER]: String(attempt),
    };
    try {
      return await this.endpoint.post(body, headers, signal);
    } catch (error) {
      if (error instanceof OutboundError) return error;
      throw error;
    }
  }

  private failure(message: string, attempts: number): Error {
    return new Error(`webhook: ${message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
  }
}

export const webhookScanner: Scanner<WebhookParams> = {
  id: 'webhook',
  description: 'Sends the subject to a signed HTTP endpoint and reports the findings it answers.',
  params: webhookParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'block' },
  async: true,
  create(params, context) {
    const sender = new WebhookSender(params);
    return async (subject, _views, signal) => {
      const body = JSON.stringify(payloadOf(subject, context.ruleId, params.send_meta));
      const response = await sender.send(body, signal);
      try {
        return findingsOfAnswer(response.body, subject.text.length);
      } catch (error) {
        throw new Error(`webhook: ${sender.label} ${error instanceof Error ? error.message : String(error)}`);
      }
    };
  },
};
