/**
 * What a proxied request goes through whatever its API shape: the input half (parse, pseudonymise, check,
 * record, block or forward), the output half of a whole answer (check each text, mask or block), and the
 * event-stream response with its streamed output checks. openai.ts and anthropic.ts add only their shapes.
 */
import type { Context } from 'hono';
import type { ConversationVerdict, Guard, Message } from 'railgate';
import type { Tenant } from '../store/types.js';
import { newCanary, wantsCanary } from './canary.js';
import { type Env, firedRules, type RouteContext, type Upstream } from './context.js';
import { type ApiFlavor, errorBody, GatewayError } from './errors.js';
import {
  ensureStreamOk,
  jsonBody,
  setDecisionHeaders,
  type UpstreamBody,
  type UpstreamResponse,
  upstreamJson,
} from './http.js';
import { Pseudonymizer } from './pseudonymize.js';
import { resolveUpstream } from './routes.js';
import { StreamGuard } from './stream-guard.js';

export interface Exchange {
  tenant: Tenant;
  guard: Guard;
  pseudo: Pseudonymizer | null;
  input: ConversationVerdict;
  /** Rules the input rail fired. */
  fired: string[];
  /** The body to send upstream: masked or pseudonymised messages, canary planted. */
  forwarded: Record<string, unknown>;
  /** Meta for the output rail (the canary this request planted). */
  outputMeta: { canary: string } | undefined;
  /** Where the request goes: the route its model matched, or the shape's default upstream. */
  upstream: Upstream;
}

/** The messages of a request to check, and how to put checked (masked) messages back into its body. */
export interface Conversation {
  messages: Message[];
  rebuild(checked: Message[]): Record<string, unknown>;
}

/** The chat shapes (OpenAI chat completions, Anthropic messages) keep their conversation in `messages`. */
export function messagesConversation(body: Record<string, unknown>): Conversation | null {
  if (!Array.isArray(body.messages)) return null;
  return { messages: body.messages as Message[], rebuild: (checked) => ({ ...body, messages: checked }) };
}

export interface ShapeOptions {
  flavor: Exclude<ApiFlavor, 'railgate'>;
  /** Error for a body without a conversation, in the shape's own words. */
  missingMessages: string;
  /** The request's conversation, or null when the body has none. */
  conversation(body: Record<string, unknown>): Conversation | null;
  /** Puts the canary into the forwarded body (system message or `system` field). */
  plantCanary(forwarded: Record<string, unknown>, canary: string): void;
  /** The texts of a whole answer, to check and rewrite in place. */
  answerTexts(answer: Record<string, unknown>): AnswerText[];
  /** Re-emits a streamed answer's events with its text passed through `output`. */
  relay(body: UpstreamBody, output: OutputStream, write: (event: string) => void): Promise<void>;
  /** A whole answer in the shape's format saying `message`, for a policy that refuses instead of erroring. */
  refusalAnswer(request: Record<string, unknown>, message: string, id: string): Record<string, unknown>;
  /** The same refusal as the events of a streamed answer. */
  refusalEvents(request: Record<string, unknown>, message: string, id: string): string[];
}

/**
 * What a client gets for a blocked request or answer: by default an error in the API's own shape (so SDKs
 * raise their usual exception); with the policy's `on_block.respond: refusal`, an ordinary answer that says
 * the policy's refusal message, streamed when the request asked for a stream.
 */
function blockedResponse(
  c: Context<Env>,
  ctx: RouteContext,
  shape: ShapeOptions,
  guard: Guard,
  request: Record<string, unknown>,
  what: 'request' | 'answer',
  rules: string[],
  decisionId: string,
): Response {
  setDecisionHeaders(c, 'block', rules, decisionId);
  const onBlock = guard.policy.on_block;
  if (onBlock.respond === 'refusal') {
    if (request.stream === true) {
      const events = shape.refusalEvents(request, onBlock.message, decisionId);
      return eventStream(c, new AbortController(), async (write) => events.forEach(write), noop);
    }
    return c.json(shape.refusalAnswer(request, onBlock.message, decisionId));
  }
  const message = `${what} blocked by Railgate policy (${[...new Set(rules)].join(', ')})`;
  const body = errorBody(shape.flavor, 'content_policy_violation', message, 'railgate_blocked');
  return c.json(body, (onBlock.status ?? ctx.blockStatus) as 400);
}

function noop(): void {}

/** The input half: a blocked request's error Response, or the exchange to forward upstream. */
export async function checkRequest(
  c: Context<Env>,
  ctx: RouteContext,
  shape: ShapeOptions,
): Promise<Exchange | Response> {
  const tenant = c.get('tenant');
  const body = await jsonBody(c, ctx.bodyLimit);
  const conversation = shape.conversation(body);
  if (!conversation) throw new GatewayError(400, 'invalid_request_error', shape.missingMessages, 'invalid_messages');
  // An unroutable model is refused before any check: nothing would be sent anyway.
  const upstream = resolveUpstream(ctx.routes, tenant.id, shape.flavor, body.model, ctx[shape.flavor]);
  const guard = ctx.guardFor(c);
  const pseudo = tenant.pseudonymize ? new Pseudonymizer() : null;
  const messages = pseudo ? pseudo.apply(conversation.messages) : conversation.messages;
  const input = await guard.check({ messages, tenant: tenant.id });
  ctx.recordConversation(tenant, input, messages);
  const fired = firedRules(input);
  if (!input.allowed) return blockedResponse(c, ctx, shape, guard, body, 'request', fired, input.decision_id);
  const forwarded = conversation.rebuild(input.masked_messages ?? messages);
  const canary = wantsCanary(c) ? newCanary() : null;
  if (canary) shape.plantCanary(forwarded, canary);
  return { tenant, guard, pseudo, input, fired, forwarded, outputMeta: canary ? { canary } : undefined, upstream };
}

/** The output half: the upstream's answer, streamed or whole, checked and sent in the shape's format. */
export async function respond(
  c: Context<Env>,
  ctx: RouteContext,
  ex: Exchange,
  shape: ShapeOptions,
  upstream: UpstreamResponse,
  abort: AbortController,
): Promise<Response> {
  if (ex.forwarded.stream === true) {
    const events = await ensureStreamOk(upstream);
    setDecisionHeaders(c, ex.input.action, ex.fired, ex.input.decision_id);
    const output = new OutputStream(ctx, ex);
    return eventStream(
      c,
      abort,
      (write) => shape.relay(events, output, write),
      () => output.record(ctx),
    );
  }
  const answer = await upstreamJson(upstream);
  const blocked = await checkAnswer(c, ctx, ex, shape, shape.answerTexts(answer));
  return blocked ?? c.json(answer);
}

/** One text of a whole answer, read and written in place in the answer's own structure. */
export interface AnswerText {
  text: string;
  set(text: string): void;
}

/**
 * The output half of a whole (not streamed) answer: each text is checked, recorded, and replaced by its
 * masked and PII-restored form. Returns the blocked answer's error Response, or null with headers set.
 */
async function checkAnswer(
  c: Context<Env>,
  ctx: RouteContext,
  ex: Exchange,
  shape: ShapeOptions,
  texts: AnswerText[],
): Promise<Response | null> {
  let action: string = ex.input.action;
  const fired = [...ex.fired];
  for (const part of texts) {
    const verdict = await ex.guard.check({
      text: part.text,
      rail: 'output',
      tenant: ex.tenant.id,
      ...(ex.outputMeta ? { meta: ex.outputMeta } : {}),
    });
    ctx.record(ex.tenant, verdict, part.text);
    fired.push(...verdict.fired_rules);
    if (!verdict.allowed) {
      return blockedResponse(c, ctx, shape, ex.guard, ex.forwarded, 'answer', fired, verdict.decision_id);
    }
    const checked = verdict.masked_text ?? part.text;
    part.set(ex.pseudo ? ex.pseudo.restore(checked) : checked);
    if (verdict.action !== 'allow') action = verdict.action;
  }
  setDecisionHeaders(c, action, fired, ex.input.decision_id);
  return null;
}

/** A streamed answer's text through the output rail, PII placeholders restored in what is released. */
export class OutputStream {
  private readonly guard: StreamGuard;
  private readonly restorer: ReturnType<Pseudonymizer['streamRestorer']> | undefined;

  constructor(
    ctx: RouteContext,
    private readonly ex: Exchange,
  ) {
    this.guard = new StreamGuard(ex.guard, ctx.holdBack, ex.tenant.id, ex.outputMeta);
    this.restorer = ex.pseudo?.streamRestorer();
    const onBlock = ex.guard.policy.on_block;
    this.refusal = onBlock.respond === 'refusal' ? onBlock.message : null;
  }

  /** Text to send in place of the withheld rest when the answer is blocked (policy `on_block: refusal`). */
  readonly refusal: string | null;

  /** Text to send now ('' for none), or null when the answer must be blocked. */
  async push(delta: string): Promise<string | null> {
    const step = await this.guard.push(delta);
    if (step.blocked) return null;
    return step.release && this.restorer ? this.restorer.push(step.release) : step.release;
  }

  /** The rest of the answer once the upstream finished, or null when it must be blocked. */
  async end(): Promise<string | null> {
    const step = await this.guard.end();
    if (step.blocked) return null;
    return this.restorer ? this.restorer.push(step.release) + this.restorer.end() : step.release;
  }

  /** Records the last check of the answer (the text as the model wrote it, placeholders and all). */
  record(ctx: RouteContext): void {
    if (this.guard.verdict) ctx.record(this.ex.tenant, this.guard.verdict, this.guard.text);
  }
}

/**
 * An event-stream Response fed by `run`, which reads `upstream` and writes events. Whatever happens —
 * the end, an error, the client leaving — the upstream request is aborted and `onDone` runs once.
 */
function eventStream(
  c: Context<Env>,
  abort: AbortController,
  run: (write: (event: string) => void) => Promise<void>,
  onDone: () => void,
): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        await run((event) => controller.enqueue(encoder.encode(event)));
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
