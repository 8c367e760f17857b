/** `POST /v1/chat/completions`: the OpenAI shape, streamed and not. */
import type { Context, Hono } from 'hono';
import { plantInMessages } from './canary.js';
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

const SHAPE: ShapeOptions = {
  flavor: 'openai',
  conversation: messagesConversation,
  missingMessages: 'messages must be an array',
  plantCanary(forwarded, canary) {
    forwarded.messages = plantInMessages(forwarded.messages as unknown[], canary);
  },
  answerTexts: (answer) => answerTexts(answer as ChatCompletion),
  relay: relayChunks,
  refusalAnswer: (request, message, id) => ({
    ...completionHeader(request, id, 'chat.completion'),
    choices: [{ index: 0, message: { role: 'assistant', content: message }, finish_reason: 'content_filter' }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  }),
  refusalEvents: (request, message, id) => {
    const head = completionHeader(request, id, 'chat.completion.chunk');
    return [
      sse({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: message }, finish_reason: null }] }),
      sse({ ...head, choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }] }),
      'data: [DONE]\n\n',
    ];
  },
};

/** The fields every completion (or chunk) the gateway writes itself starts with. */
function completionHeader(request: Record<string, unknown>, id: string, object: string): ChatChunk {
  const model = typeof request.model === 'string' ? request.model : 'railgate';
  return { id: `chatcmpl-railgate-${id}`, object, created: Math.floor(Date.now() / 1000), model };
}

export function registerOpenAI(app: Hono<Env>, ctx: RouteContext): void {
  app.post('/v1/chat/completions', (c) => forwardOpenAI(c, ctx, SHAPE, '/chat/completions'));
}

/** Checks a request of an OpenAI-shaped route, sends it to its upstream at `path`, checks the answer. */
export async function forwardOpenAI(
  c: Context<Env>,
  ctx: RouteContext,
  shape: ShapeOptions,
  path: string,
): Promise<Response> {
  const ex = await checkRequest(c, ctx, shape);
  if (ex instanceof Response) return ex;
  const abort = new AbortController();
  const target = ex.upstream;
  const upstream = await ctx.upstream('openai', {
    url: `${target.baseUrl.replace(/\/$/, '')}${path}`,
    headers: target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
    body: ex.forwarded,
    timeoutMs: target.timeoutMs ?? 60_000,
    signal: abort.signal,
  });
  return respond(c, ctx, ex, shape, upstream, abort);
}

function answerTexts(answer: ChatCompletion): AnswerText[] {
  return (answer.choices ?? []).flatMap((choice) => {
    const message = choice.message;
    const content = message?.content;
    if (!message || typeof content !== 'string' || content === '') return [];
    return [
      {
        text: content,
        set: (text: string) => {
          message.content = text;
        },
      },
    ];
  });
}

/** Re-emits the upstream's chunks with the answer's text passed through the output rail. */
async function relayChunks(body: UpstreamBody, output: OutputStream, write: (event: string) => void): Promise<void> {
  let template: ChatChunk | null = null;
  const text = (content: string): ChatChunk => ({
    ...(template as ChatChunk),
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  });
  let finish: string | null = null;
  let blocked = false;
  for await (const { data } of sseEvents(body)) {
    if (data === '[DONE]') break;
    const chunk = JSON.parse(data) as ChatChunk;
    template ??= { ...chunk, choices: [] };
    const choice = chunk.choices?.[0];
    if (choice?.finish_reason) finish = choice.finish_reason;
    const delta = choice?.delta?.content;
    if (typeof delta !== 'string' || delta === '') {
      // Role announcements, tool-call deltas and usage pass through; the finish waits for the checks.
      if (!choice?.finish_reason) write(sse(chunk));
      continue;
    }
    const shown = await output.push(delta);
    if (shown === null) {
      blocked = true;
      break;
    }
    if (shown) write(sse(text(shown)));
  }
  if (!blocked) {
    const rest = await output.end();
    blocked = rest === null;
    if (rest) write(sse(text(rest)));
  }
  if (blocked && output.refusal && template) write(sse(text(output.refusal)));
  if (template) {
    const reason = blocked ? 'content_filter' : (finish ?? 'stop');
    write(sse({ ...template, choices: [{ index: 0, delta: {}, finish_reason: reason }] }));
  }
  write('data: [DONE]\n\n');
}
