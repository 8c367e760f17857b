/**
 * The HTTP gateway: authenticates the tenant, runs its policy's input rail on the request, forwards it to
 * the upstream model, runs the output rail on the answer (streamed or not) and records every decision.
 */
import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  type ConversationVerdict,
  Guard,
  type Message,
  PolicyError,
  RAILS,
  type Rail,
  RequestError,
  type Verdict,
} from 'railgate';
import { AuditWriter } from '../audit/writer.js';
import { parseApiKey, secretMatches } from '../store/keys.js';
import type { DecisionRecord, Store, Tenant } from '../store/types.js';
import { type ApiFlavor, errorBody, GatewayError } from './errors.js';
import { StreamGuard } from './stream-guard.js';

export interface GatewayOptions {
  store: Store;
  /** OpenAI-compatible base URL the requests go to, e.g. `https://api.openai.com/v1`. */
  upstream: { baseUrl: string; apiKey?: string; timeoutMs?: number };
  /**
   * Characters of a streamed answer held back until the output rail has seen what follows. It must be longer
   * than what a rule needs to recognise a leak: a PEM private key is recognised from its header and 64
   * characters of body (about 100). Default 160.
   */
  holdBack?: number;
  /** Largest request body accepted, in bytes. Default 4 MiB. */
  bodyLimit?: number;
  /** HTTP status of a blocked request. Default 400. */
  blockStatus?: number;
  audit?: AuditWriter;
}

export interface Gateway {
  app: Hono<Env>;
  audit: AuditWriter;
  /** Policies compiled per tenant (cleared by `reloadTenant`). */
  reloadTenant(id: string): void;
}

interface Env {
  Variables: { tenant: Tenant };
}

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export function createGateway(options: GatewayOptions): Gateway {
  const { store } = options;
  const audit = options.audit ?? new AuditWriter(store);
  const holdBack = options.holdBack ?? 160;
  const blockStatus = options.blockStatus ?? 400;
  const guards = new Map<string, Guard>();
  const keyCache = new Map<string, { tenant: Tenant; at: number }>();
  const app = new Hono<Env>();

  function guardFor(tenant: Tenant): Guard {
    let guard = guards.get(tenant.id);
    if (!guard) {
      guard = new Guard({ policy: policyInput(tenant.policy) });
      guards.set(tenant.id, guard);
    }
    return guard;
  }

  function record(tenant: Tenant, verdict: Verdict, text: string): void {
    audit.push(decisionRecord(tenant, verdict, text));
  }

  function recordConversation(tenant: Tenant, verdict: ConversationVerdict, messages: Message[]): void {
    for (const part of verdict.parts) {
      const message = messages[part.message];
      record(
        tenant,
        part.verdict,
        typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content ?? ''),
      );
    }
  }

  const flavorOf = (c: Context): ApiFlavor =>
    c.req.path.startsWith('/v1/messages') ? 'anthropic' : c.req.path.startsWith('/v1/guard') ? 'railgate' : 'openai';

  app.onError((error, c) => {
    const flavor = flavorOf(c);
    if (error instanceof GatewayError) {
      return c.json(errorBody(flavor, error.type, error.message, error.code), error.status as 400);
    }
    if (error instanceof RequestError || error instanceof PolicyError) {
      return c.json(errorBody(flavor, 'invalid_request_error', error.message), 400);
    }
    return c.json(errorBody(flavor, 'server_error', 'internal error in the gateway'), 500);
  });
  app.notFound((c) => c.json(errorBody(flavorOf(c), 'not_found_error', `no route ${c.req.method} ${c.req.path}`), 404));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await store.ping();
      return c.json({ status: 'ready', audit_queue: audit.depth });
    } catch {
      return c.json({ status: 'store unavailable', audit_queue: audit.depth }, 503);
    }
  });

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      onError: () => {
        throw new GatewayError(413, 'request_too_large', 'request body is larger than the gateway accepts');
      },
    }),
  );
  app.use('/v1/*', async (c, next) => {
    const presented = bearer(c.req.header('authorization')) ?? c.req.header('x-api-key');
    if (!presented) throw new GatewayError(401, 'authentication_error', 'missing API key (Authorization: Bearer rg_…)');
    const cached = keyCache.get(presented);
    if (cached && Date.now() - cached.at < 30_000) {
      c.set('tenant', cached.tenant);
      return next();
    }
    const parsed = parseApiKey(presented);
    const row = parsed ? await store.getKey(parsed.id) : undefined;
    if (!parsed || !row || row.revoked_at || !secretMatches(row.salt, parsed.secret, row.hash)) {
      throw new GatewayError(401, 'authentication_error', 'invalid API key');
    }
    const tenant = await store.getTenant(row.tenant_id);
    if (!tenant) throw new GatewayError(401, 'authentication_error', 'invalid API key');
    keyCache.set(presented, { tenant, at: Date.now() });
    c.set('tenant', tenant);
    return next();
  });

  app.post('/v1/guard', async (c) => {
    const tenant = c.get('tenant');
    const body = await jsonBody(c);
    const guard = guardFor(tenant);
    const rail = body.rail ?? 'input';
    if (typeof rail !== 'string' || !RAILS.includes(rail as Rail)) {
      throw new GatewayError(400, 'invalid_request_error', `rail must be one of ${RAILS.join(', ')}`);
    }
    if (Array.isArray(body.messages)) {
      const messages = body.messages as Message[];
      const verdict = await guard.check({ messages, tenant: tenant.id });
      recordConversation(tenant, verdict, messages);
      return c.json(verdict);
    }
    if (typeof body.text !== 'string') {
      throw new GatewayError(400, 'invalid_request_error', 'send either text (a string) or messages (an array)');
    }
    const verdict = await guard.check({ text: body.text, rail: rail as Rail, tenant: tenant.id });
    record(tenant, verdict, body.text);
    return c.json(verdict);
  });

  app.post('/v1/chat/completions', async (c) => {
    const tenant = c.get('tenant');
    const body = await jsonBody(c);
    if (!Array.isArray(body.messages)) {
      throw new GatewayError(400, 'invalid_request_error', 'messages must be an array', 'invalid_messages');
    }
    const guard = guardFor(tenant);
    const messages = body.messages as Message[];
    const input = await guard.check({ messages, tenant: tenant.id });
    recordConversation(tenant, input, messages);
    if (!input.allowed) {
      const fired = [...new Set(input.parts.flatMap((p) => p.verdict.fired_rules))];
      setDecisionHeaders(c, 'block', fired, input.decision_id);
      return c.json(
        errorBody(
          'openai',
          'content_policy_violation',
          `request blocked by Railgate policy (${fired.join(', ')})`,
          'railgate_blocked',
        ),
        blockStatus as 400,
      );
    }
    const forwarded = input.masked_messages ? { ...body, messages: input.masked_messages } : body;
    const upstream = await callUpstream(options.upstream, '/chat/completions', forwarded, c.req.raw.signal);
    const inputFired = [...new Set(input.parts.flatMap((p) => p.verdict.fired_rules))];
    if (forwarded.stream === true) return streamChat(c, upstream, guardFor(tenant), tenant, inputFired, input);
    const answer = (await upstreamJson(upstream)) as ChatCompletion;
    let action: string = input.action;
    const fired = [...inputFired];
    for (const choice of answer.choices ?? []) {
      const content = choice.message?.content;
      if (typeof content !== 'string' || content === '') continue;
      const verdict = await guard.check({ text: content, rail: 'output', tenant: tenant.id });
      record(tenant, verdict, content);
      fired.push(...verdict.fired_rules);
      if (!verdict.allowed) {
        setDecisionHeaders(c, 'block', fired, verdict.decision_id);
        return c.json(
          errorBody(
            'openai',
            'content_policy_violation',
            `answer blocked by Railgate policy (${verdict.fired_rules.join(', ')})`,
            'railgate_blocked',
          ),
          blockStatus as 400,
        );
      }
      if (verdict.masked_text !== undefined && choice.message) choice.message.content = verdict.masked_text;
      if (verdict.action !== 'allow') action = verdict.action;
    }
    setDecisionHeaders(c, action, [...new Set(fired)], input.decision_id);
    return c.json(answer, upstream.status as 200);
  });

  async function streamChat(
    c: Context<Env>,
    upstream: Response,
    guard: Guard,
    tenant: Tenant,
    inputFired: string[],
    input: ConversationVerdict,
  ): Promise<Response> {
    if (!upstream.ok || !upstream.body) return passError(upstream);
    setDecisionHeaders(c, input.action, inputFired, input.decision_id);
    const output = new StreamGuard(guard, holdBack, tenant.id);
    const encoder = new TextEncoder();
    const reader = upstream.body.pipeThrough(new TextDecoderStream()).getReader();
    let template: ChatChunk | null = null;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (data: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
        const deltaChunk = (text: string): ChatChunk => ({
          ...(template as ChatChunk),
          choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
        });
        let buffer = '';
        let finish: string | null = null;
        let blocked = false;
        try {
          outer: while (true) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let cut = buffer.indexOf('\n\n');
            while (cut >= 0) {
              const event = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              cut = buffer.indexOf('\n\n');
              const data = sseData(event);
              if (data === null) continue;
              if (data === '[DONE]') break outer;
              const chunk = JSON.parse(data) as ChatChunk;
              template ??= { ...chunk, choices: [] };
              const choice = chunk.choices?.[0];
              if (choice?.finish_reason) finish = choice.finish_reason;
              const delta = choice?.delta?.content;
              if (typeof delta !== 'string' || delta === '') {
                // Role announcements, tool-call deltas and usage pass through as they are.
                if (!choice?.finish_reason) send(chunk);
                continue;
              }
              const step = await output.push(delta);
              if (step.blocked) {
                blocked = true;
                break outer;
              }
              if (step.release) send(deltaChunk(step.release));
            }
          }
          if (!blocked) {
            const last = await output.end();
            blocked = last.blocked;
            if (!blocked && last.release && template) send(deltaChunk(last.release));
          }
          if (template) {
            send({
              ...template,
              choices: [{ index: 0, delta: {}, finish_reason: blocked ? 'content_filter' : (finish ?? 'stop') }],
            });
          }
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        } catch (error) {
          controller.error(error);
        } finally {
          if (output.verdict) record(tenant, output.verdict, output.text);
          await reader.cancel().catch(() => undefined);
          try {
            controller.close();
          } catch {
            // already closed or errored
          }
        }
      },
      async cancel() {
        // The client went away: stop reading (and so stop paying for) the upstream answer.
        await reader.cancel().catch(() => undefined);
      },
    });
    return new Response(stream, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        ...Object.fromEntries(c.res.headers),
      },
    });
  }

  return {
    app,
    audit,
    reloadTenant(id: string) {
      guards.delete(id);
      for (const [key, entry] of keyCache) if (entry.tenant.id === id) keyCache.delete(key);
    },
  };
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown } }>;
}

interface ChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: Array<{ index?: number; delta?: { content?: unknown; role?: string }; finish_reason?: string | null }>;
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

function policyInput(policy: string): string | Record<string, unknown> {
  const trimmed = policy.trim();
  return trimmed.startsWith('{') ? (JSON.parse(trimmed) as Record<string, unknown>) : trimmed;
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new GatewayError(400, 'invalid_request_error', 'request body is not valid JSON', 'invalid_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError(400, 'invalid_request_error', 'request body must be a JSON object', 'invalid_json');
  }
  return body as Record<string, unknown>;
}

function setDecisionHeaders(c: Context, action: string, fired: string[], decisionId: string): void {
  c.header('x-railgate-decision', action);
  c.header('x-railgate-findings', fired.join(','));
  c.header('x-railgate-decision-id', decisionId);
}

function sseData(event: string): string | null {
  const lines = event.split('\n').filter((l) => l.startsWith('data:'));
  if (lines.length === 0) return null;
  return lines.map((l) => l.slice(5).trimStart()).join('\n');
}

async function callUpstream(
  upstream: GatewayOptions['upstream'],
  path: string,
  body: unknown,
  clientSignal: AbortSignal,
): Promise<Response> {
  const timeout = AbortSignal.timeout(upstream.timeoutMs ?? 60_000);
  const signal = AbortSignal.any([timeout, clientSignal]);
  try {
    return await fetch(`${upstream.baseUrl.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (timeout.aborted) throw new GatewayError(504, 'timeout_error', 'the upstream model did not answer in time');
    throw new GatewayError(502, 'upstream_error', `the upstream model is unreachable (${(error as Error).message})`);
  }
}

async function upstreamJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) {
    throw new GatewayError(502, 'upstream_error', `the upstream model answered ${response.status}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(502, 'upstream_error', 'the upstream model answered with malformed JSON');
  }
}

async function passError(response: Response): Promise<Response> {
  await response.body?.cancel();
  throw new GatewayError(502, 'upstream_error', `the upstream model answered ${response.status}`);
}

function decisionRecord(tenant: Tenant, verdict: Verdict, text: string): DecisionRecord {
  const scores: Record<string, number> = {};
  for (const f of verdict.findings) scores[f.rule] = Math.max(scores[f.rule] ?? 0, f.score);
  return {
    decision_id: verdict.decision_id,
    tenant_id: tenant.id,
    rail: verdict.rail,
    action: verdict.action,
    rules: verdict.fired_rules,
    scores,
    latency_us: Math.round(verdict.latency_us.total),
    policy_id: verdict.policy.id,
    policy_version: verdict.policy.version,
    text_sha256: createHash('sha256').update(text).digest('hex'),
    // Raw text only when the tenant asked for it, and then as the policy masked it.
    text: tenant.store_text ? (verdict.masked_text ?? text) : null,
    created_at: new Date().toISOString(),
  };
}
