/** `POST /v1/chat/completions`: the OpenAI shape, streamed and not. */
import type { Hono } from 'hono';
import { plantInMessages } from './canary.js';
import type { Env, RouteContext } from './context.js';
import { type AnswerText, checkRequest, type OutputStream, respond, type ShapeOptions } from './exchange.js';
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
  missingMessages: 'messages must be an array',
  plantCanary(forwarded, canary) {
    forwarded.messages = plantInMessages(forwarded.messages as unknown[], canary);
  },
  answerTexts: (answer) => answerTexts(answer as ChatCompletion),
  relay: relayChunks,
};

export function registerOpenAI(app: Hono<Env>, ctx: RouteContext): void {
  app.post('/v1/chat/completions', async (c) => {
    const ex = await checkRequest(c, ctx, SHAPE);
    if (ex instanceof Response) return ex;
    const abort = new AbortController();
    const upstream = await ctx.upstream('openai', {
      url: `${ctx.openai.baseUrl.replace(/\/$/, '')}/chat/completions`,
      headers: ctx.openai.apiKey ? { authorization: `Bearer ${ctx.openai.apiKey}` } : {},
      body: ex.forwarded,
      timeoutMs: ctx.openai.timeoutMs ?? 60_000,
      signal: abort.signal,
    });
    return respond(c, ctx, ex, SHAPE, upstream, abort);
  });
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
  if (template) {
    const reason = blocked ? 'content_filter' : (finish ?? 'stop');
    write(sse({ ...template, choices: [{ index: 0, delta: {}, finish_reason: reason }] }));
  }
  write('data: [DONE]\n\n');
}
