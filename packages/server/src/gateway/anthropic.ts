/**
 * `POST /v1/messages`: the Anthropic shape, streamed and not. A blocked request answers the Anthropic
 * error shape; a blocked answer ends with `stop_reason: "refusal"`, Anthropic's own signal that a safety
 * check stopped the output.
 */
import type { Hono } from 'hono';
import { plantInSystem } from './canary.js';
import type { Env, RouteContext } from './context.js';
import {
  type AnswerText,
  checkRequest,
  messagesConversation,
  type OutputStream,
  respond,
  type ShapeOptions,
} from './exchange.js';
import { sse, sseEvents, type UpstreamBody } from './http.js';

const ANTHROPIC_VERSION = '2023-06-01';

interface AnthropicEvent {
  type?: string;
  index?: number;
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  content_block?: { type?: string };
}

const SHAPE: ShapeOptions = {
  flavor: 'anthropic',
  conversation: messagesConversation,
  missingMessages: 'messages: field required',
  plantCanary(forwarded, canary) {
    forwarded.system = plantInSystem(forwarded.system, canary);
  },
  answerTexts: (answer) => answerTexts(answer.content),
  relay: relayEvents,
  refusalAnswer: (request, message, id) => ({
    ...messageHeader(request, id),
    content: [{ type: 'text', text: message }],
    stop_reason: 'refusal',
  }),
  refusalEvents: (request, message, id) => [
    sse(
      { type: 'message_start', message: { ...messageHeader(request, id), content: [], stop_reason: null } },
      'message_start',
    ),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: message } }, 'content_block_delta'),
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse(REFUSAL_DELTA, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  ],
};

/** The `message_delta` that ends an answer a safety check stopped. */
const REFUSAL_DELTA = {
  type: 'message_delta',
  delta: { stop_reason: 'refusal', stop_sequence: null },
  usage: { output_tokens: 0 },
};

/** The fields of a message the gateway writes itself. */
function messageHeader(request: Record<string, unknown>, id: string): Record<string, unknown> {
  const model = typeof request.model === 'string' ? request.model : 'railgate';
  return {
    id: `msg_railgate_${id}`,
    type: 'message',
    role: 'assistant',
    model,
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0 },
  };
}

export function registerAnthropic(app: Hono<Env>, ctx: RouteContext): void {
  app.post('/v1/messages', async (c) => {
    const ex = await checkRequest(c, ctx, SHAPE);
    if (ex instanceof Response) return ex;
    const abort = new AbortController();
    const target = ex.upstream;
    const upstream = await ctx.upstream('anthropic', {
      url: `${target.baseUrl.replace(/\/$/, '')}/v1/messages`,
      headers: {
        'anthropic-version': c.req.header('anthropic-version') ?? ANTHROPIC_VERSION,
        ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}),
      },
      body: ex.forwarded,
      timeoutMs: target.timeoutMs ?? 60_000,
      signal: abort.signal,
    });
    return respond(c, ctx, ex, SHAPE, upstream, abort);
  });
}

function answerTexts(content: unknown): AnswerText[] {
  const blocks = Array.isArray(content) ? (content as Array<{ type?: string; text?: unknown }>) : [];
  return blocks.flatMap((block) =>
    block.type === 'text' && typeof block.text === 'string' && block.text !== ''
      ? [
          {
            text: block.text,
            set: (text: string) => {
              block.text = text;
            },
          },
        ]
      : [],
  );
}

/**
 * Re-emits the upstream's events with the text deltas of text blocks passed through the output rail.
 * One guard sees the text blocks in order as one text; each block's held-back tail is released (checked)
 * when the block closes.
 */
async function relayEvents(body: UpstreamBody, output: OutputStream, write: (event: string) => void): Promise<void> {
  const send = (data: unknown, event: string) => write(sse(data, event));
  const textDelta = (index: number, text: string) =>
    send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }, 'content_block_delta');
  let openText: number | null = null;
  let blockedAt: number | null = null;
  for await (const { event, data } of sseEvents(body)) {
    const parsed = JSON.parse(data) as AnthropicEvent;
    const type = parsed.type ?? event ?? '';
    if (type === 'content_block_start' && parsed.content_block?.type === 'text') openText = parsed.index ?? 0;
    if (type === 'content_block_delta' && parsed.delta?.type === 'text_delta') {
      const shown = await output.push(parsed.delta.text ?? '');
      if (shown === null) {
        blockedAt = parsed.index ?? 0;
        break;
      }
      if (shown) textDelta(parsed.index ?? 0, shown);
      continue;
    }
    if (type === 'content_block_stop' && openText === (parsed.index ?? 0)) {
      // Release the held-back tail of this block before it closes.
      const rest = await output.end();
      if (rest === null) {
        blockedAt = openText;
        break;
      }
      if (rest) textDelta(openText, rest);
      openText = null;
    }
    send(parsed, type);
  }
  if (blockedAt !== null) {
    if (output.refusal) textDelta(blockedAt, output.refusal);
    send({ type: 'content_block_stop', index: blockedAt }, 'content_block_stop');
    send(REFUSAL_DELTA, 'message_delta');
    send({ type: 'message_stop' }, 'message_stop');
  }
}
