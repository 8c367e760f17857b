/**
 * `POST /v1/messages`: the Anthropic shape, streamed and not. A blocked request answers the Anthropic
 * error shape; a blocked answer ends with `stop_reason: "refusal"`, Anthropic's own signal that a safety
 * check stopped the output.
 */
import type { Context, Hono } from 'hono';
import type { Message } from 'railgate';
import { newCanary, plantInSystem, wantsCanary } from './canary.js';
import { type Env, firedRules, type RouteContext } from './context.js';
import { errorBody, GatewayError } from './errors.js';
import {
  ensureStreamOk,
  jsonBody,
  setDecisionHeaders,
  sse,
  sseEvents,
  type UpstreamBody,
  upstreamJson,
} from './http.js';
import { Pseudonymizer } from './pseudonymize.js';
import { StreamGuard } from './stream-guard.js';

const ANTHROPIC_VERSION = '2023-06-01';

interface AnthropicEvent {
  type?: string;
  index?: number;
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  content_block?: { type?: string };
}

export function registerAnthropic(app: Hono<Env>, ctx: RouteContext): void {
  app.post('/v1/messages', async (c) => {
    const tenant = c.get('tenant');
    const body = await jsonBody(c);
    if (!Array.isArray(body.messages)) throw new GatewayError(400, 'invalid_request_error', 'messages: field required');
    const guard = ctx.guardFor(tenant);
    const pseudo = tenant.pseudonymize ? new Pseudonymizer() : null;
    const messages = pseudo ? pseudo.apply(body.messages as Message[]) : (body.messages as Message[]);
    const input = await guard.check({ messages, tenant: tenant.id });
    ctx.recordConversation(tenant, input, messages);
    const inputFired = firedRules(input);
    if (!input.allowed) {
      setDecisionHeaders(c, 'block', inputFired, input.decision_id);
      return c.json(blocked('request', inputFired), ctx.blockStatus as 400);
    }
    const forwarded: Record<string, unknown> = { ...body, messages: input.masked_messages ?? messages };
    const canary = wantsCanary(c) ? newCanary() : null;
    if (canary) forwarded.system = plantInSystem(body.system, canary);
    const outputMeta = canary ? { canary } : undefined;
    const abort = new AbortController();
    const upstream = await ctx.upstream('anthropic', {
      url: `${ctx.anthropic.baseUrl.replace(/\/$/, '')}/v1/messages`,
      headers: {
        'anthropic-version': c.req.header('anthropic-version') ?? ANTHROPIC_VERSION,
        ...(ctx.anthropic.apiKey ? { 'x-api-key': ctx.anthropic.apiKey } : {}),
      },
      body: forwarded,
      timeoutMs: ctx.anthropic.timeoutMs ?? 60_000,
      signal: abort.signal,
    });
    if (forwarded.stream === true) {
      const events = await ensureStreamOk(upstream);
      setDecisionHeaders(c, input.action, inputFired, input.decision_id);
      const output = new StreamGuard(guard, ctx.holdBack, tenant.id, outputMeta);
      return streamMessages(c, events, abort, output, pseudo, () => {
        if (output.verdict) ctx.record(tenant, output.verdict, output.text);
      });
    }
    const answer = await upstreamJson(upstream);
    const blocks = Array.isArray(answer.content) ? (answer.content as Array<{ type?: string; text?: unknown }>) : [];
    let action: string = input.action;
    const fired = [...inputFired];
    for (const block of blocks) {
      if (block.type !== 'text' || typeof block.text !== 'string' || block.text === '') continue;
      const verdict = await guard.check({
        text: block.text,
        rail: 'output',
        tenant: tenant.id,
        ...(outputMeta ? { meta: outputMeta } : {}),
      });
      ctx.record(tenant, verdict, block.text);
      fired.push(...verdict.fired_rules);
      if (!verdict.allowed) {
        setDecisionHeaders(c, 'block', fired, verdict.decision_id);
        return c.json(blocked('answer', verdict.fired_rules), ctx.blockStatus as 400);
      }
      const checked = verdict.masked_text ?? block.text;
      block.text = pseudo ? pseudo.restore(checked) : checked;
      if (verdict.action !== 'allow') action = verdict.action;
    }
    setDecisionHeaders(c, action, fired, input.decision_id);
    return c.json(answer);
  });
}

function blocked(what: 'request' | 'answer', rules: string[]): unknown {
  return errorBody('anthropic', 'content_policy_violation', `${what} blocked by Railgate policy (${rules.join(', ')})`);
}

/**
 * Re-emits the upstream's events with the text deltas of text blocks passed through the output guard.
 * One guard sees the text blocks in order as one text; each block's held-back tail is released (checked)
 * when the block closes.
 */
function streamMessages(
  c: Context<Env>,
  body: UpstreamBody,
  abort: AbortController,
  output: StreamGuard,
  pseudo: Pseudonymizer | null,
  onDone: () => void,
): Response {
  const encoder = new TextEncoder();
  const restorer = pseudo?.streamRestorer();
  const visible = (text: string) => (restorer ? restorer.push(text) : text);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (data: unknown, event: string) => controller.enqueue(encoder.encode(sse(data, event)));
      const textDelta = (index: number, text: string) =>
        send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, 'content_block_delta');
      let openText: number | null = null;
      let blockedAt: number | null = null;
      try {
        for await (const { event, data } of sseEvents(body)) {
          const parsed = JSON.parse(data) as AnthropicEvent;
          const type = parsed.type ?? event ?? '';
          if (type === 'content_block_start' && parsed.content_block?.type === 'text') openText = parsed.index ?? 0;
          if (type === 'content_block_delta' && parsed.delta?.type === 'text_delta') {
            const step = await output.push(parsed.delta.text ?? '');
            if (step.blocked) {
              blockedAt = parsed.index ?? 0;
              break;
            }
            const shown = step.release ? visible(step.release) : '';
            if (shown) textDelta(parsed.index ?? 0, shown);
            continue;
          }
          if (type === 'content_block_stop' && openText === (parsed.index ?? 0)) {
            // Release the held-back tail of this block before it closes.
            const last = await output.end();
            if (last.blocked) {
              blockedAt = openText;
              break;
            }
            const shown = visible(last.release) + (restorer?.end() ?? '');
            if (shown) textDelta(openText, shown);
            openText = null;
          }
          send(parsed, type);
        }
        if (blockedAt !== null) {
          send({ type: 'content_block_stop', index: blockedAt }, 'content_block_stop');
          send(
            {
              type: 'message_delta',
              delta: { stop_reason: 'refusal', stop_sequence: null },
              usage: { output_tokens: 0 },
            },
            'message_delta',
          );
          send({ type: 'message_stop' }, 'message_stop');
        }
        controller.close();
      } catch (error) {
        try {
          controller.error(error);
        } catch {
          // the client is already gone
        }
      } finally {
        abort.abort();
        onDone();
      }
    },
    cancel() {
      abort.abort();
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
