/** `POST /v1/chat/completions`: the OpenAI shape, streamed and not. */
import type { Context, Hono } from 'hono';
import type { Message } from 'railgate';
import { newCanary, plantInMessages, wantsCanary } from './canary.js';
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

interface ChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: Array<{ index?: number; delta?: { content?: unknown }; finish_reason?: string | null }>;
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown } }>;
}

export function registerOpenAI(app: Hono<Env>, ctx: RouteContext): void {
  app.post('/v1/chat/completions', async (c) => {
    const tenant = c.get('tenant');
    const body = await jsonBody(c);
    if (!Array.isArray(body.messages)) {
      throw new GatewayError(400, 'invalid_request_error', 'messages must be an array', 'invalid_messages');
    }
    const guard = ctx.guardFor(tenant);
    const pseudo = tenant.pseudonymize ? new Pseudonymizer() : null;
    const messages = pseudo ? pseudo.apply(body.messages as Message[]) : (body.messages as Message[]);
    const input = await guard.check({ messages, tenant: tenant.id });
    ctx.recordConversation(tenant, input, messages);
    const inputFired = firedRules(input);
    if (!input.allowed) {
      setDecisionHeaders(c, 'block', inputFired, input.decision_id);
      return c.json(blockedBody('request', inputFired), ctx.blockStatus as 400);
    }
    const forwarded: Record<string, unknown> = { ...body, messages: input.masked_messages ?? messages };
    const canary = wantsCanary(c) ? newCanary() : null;
    if (canary) forwarded.messages = plantInMessages(forwarded.messages as unknown[], canary);
    const outputMeta = canary ? { canary } : undefined;
    const abort = new AbortController();
    const upstream = await ctx.upstream('openai', {
      url: `${ctx.openai.baseUrl.replace(/\/$/, '')}/chat/completions`,
      headers: ctx.openai.apiKey ? { authorization: `Bearer ${ctx.openai.apiKey}` } : {},
      body: forwarded,
      timeoutMs: ctx.openai.timeoutMs ?? 60_000,
      signal: abort.signal,
    });
    if (forwarded.stream === true) {
      const events = await ensureStreamOk(upstream);
      setDecisionHeaders(c, input.action, inputFired, input.decision_id);
      return streamResponse(
        c,
        events,
        abort,
        new StreamGuard(guard, ctx.holdBack, tenant.id, outputMeta),
        pseudo,
        (text, v) => ctx.record(tenant, v, text),
      );
    }
    const answer = (await upstreamJson(upstream)) as ChatCompletion;
    let action: string = input.action;
    const fired = [...inputFired];
    for (const choice of answer.choices ?? []) {
      const content = choice.message?.content;
      if (typeof content !== 'string' || content === '') continue;
      const verdict = await guard.check({
        text: content,
        rail: 'output',
        tenant: tenant.id,
        ...(outputMeta ? { meta: outputMeta } : {}),
      });
      ctx.record(tenant, verdict, content);
      fired.push(...verdict.fired_rules);
      if (!verdict.allowed) {
        setDecisionHeaders(c, 'block', fired, verdict.decision_id);
        return c.json(blockedBody('answer', verdict.fired_rules), ctx.blockStatus as 400);
      }
      const checked = verdict.masked_text ?? content;
      if (choice.message) choice.message.content = pseudo ? pseudo.restore(checked) : checked;
      if (verdict.action !== 'allow') action = verdict.action;
    }
    setDecisionHeaders(c, action, fired, input.decision_id);
    return c.json(answer);
  });
}

function blockedBody(what: 'request' | 'answer', rules: string[]): unknown {
  return errorBody(
    'openai',
    'content_policy_violation',
    `${what} blocked by Railgate policy (${rules.join(', ')})`,
    'railgate_blocked',
  );
}

function streamResponse(
  c: Context<Env>,
  body: UpstreamBody,
  abort: AbortController,
  output: StreamGuard,
  pseudo: Pseudonymizer | null,
  record: (text: string, verdict: NonNullable<StreamGuard['verdict']>) => void,
): Response {
  const encoder = new TextEncoder();
  const restorer = pseudo?.streamRestorer();
  const visible = (text: string) => (restorer ? restorer.push(text) : text);
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (data: unknown) => controller.enqueue(encoder.encode(sse(data)));
      let template: ChatChunk | null = null;
      const text = (content: string): ChatChunk => ({
        ...(template as ChatChunk),
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
      });
      let finish: string | null = null;
      let blocked = false;
      try {
        for await (const { data } of sseEvents(body)) {
          if (data === '[DONE]') break;
          const chunk = JSON.parse(data) as ChatChunk;
          template ??= { ...chunk, choices: [] };
          const choice = chunk.choices?.[0];
          if (choice?.finish_reason) finish = choice.finish_reason;
          const delta = choice?.delta?.content;
          if (typeof delta !== 'string' || delta === '') {
            // Role announcements, tool-call deltas and usage pass through; the finish waits for the checks.
            if (!choice?.finish_reason) send(chunk);
            continue;
          }
          const step = await output.push(delta);
          if (step.blocked) {
            blocked = true;
            break;
          }
          const shown = step.release ? visible(step.release) : '';
          if (shown) send(text(shown));
        }
        if (!blocked) {
          const last = await output.end();
          blocked = last.blocked;
          const shown = blocked ? '' : visible(last.release) + (restorer?.end() ?? '');
          if (shown) send(text(shown));
        }
        if (template) {
          const reason = blocked ? 'content_filter' : (finish ?? 'stop');
          send({ ...template, choices: [{ index: 0, delta: {}, finish_reason: reason }] });
        }
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
      } catch (error) {
        try {
          controller.error(error);
        } catch {
          // the client is already gone
        }
      } finally {
        abort.abort();
        if (output.verdict) record(output.text, output.verdict);
      }
    },
    cancel() {
      // The client went away: stop the upstream request (and what it costs).
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
