/**
 * A local stand-in for an OpenAI-compatible model server: a real HTTP server on 127.0.0.1 that answers
 * chat completions (JSON or SSE, split into the chunks the test chooses) and can misbehave on request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'answer'; text: string; chunks?: string[]; chunkDelayMs?: number }
  /** Answers with the request's system prompt, as a model leaking it would. */
  | { kind: 'echo_system'; prefix: string }
  | { kind: 'status'; status: number; body: string }
  | { kind: 'malformed' }
  | { kind: 'slow'; delayMs: number };

export interface StubUpstream {
  /** OpenAI-style base URL (ends in /v1). */
  baseUrl: string;
  /** Server root, the Anthropic-style base URL (the client adds /v1/messages). */
  root: string;
  /** Requests received, with the credential they carried (Bearer token or x-api-key). */
  requests: Array<{ path: string; body: Record<string, unknown>; credential: string | null }>;
  /** Streams the client closed before the end. */
  aborted: number;
  behave(next: Behaviour): void;
  close(): Promise<void>;
}

function completion(text: string, model: string): unknown {
  return {
    id: 'chatcmpl-stub',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
  };
}

function chunk(delta: Record<string, unknown>, model: string, finish: string | null = null): string {
  const body = {
    id: 'chatcmpl-stub',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const piece of req) raw += piece;
  return JSON.parse(raw) as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startStubUpstream(): Promise<StubUpstream> {
  let behaviour: Behaviour = { kind: 'answer', text: 'Hello from the stub.' };
  const stub: StubUpstream = {
    baseUrl: '',
    root: '',
    requests: [],
    aborted: 0,
    behave(next) {
      behaviour = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const credential = req.headers.authorization ?? (req.headers['x-api-key'] as string | undefined) ?? null;
    stub.requests.push({ path: req.url ?? '', body, credential });
    const model = typeof body.model === 'string' ? body.model : 'stub-model';
    const current: Behaviour =
      behaviour.kind === 'echo_system' ? { kind: 'answer', text: `${behaviour.prefix}${systemOf(body)}` } : behaviour;
    if (current.kind === 'status') {
      res.writeHead(current.status, { 'content-type': 'application/json' }).end(current.body);
      return;
    }
    if (current.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [');
      return;
    }
    if (current.kind === 'slow') {
      await sleep(current.delayMs);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion('late', model)));
      return;
    }
    if (req.url?.endsWith('/messages')) {
      await shapedAnswer(res, body, current, () => stub.aborted++, ANTHROPIC);
      return;
    }
    if (req.url?.endsWith('/responses')) {
      await shapedAnswer(res, body, current, () => stub.aborted++, RESPONSES);
      return;
    }
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(current.text, model)));
      return;
    }
    await streamEvents(res, current, () => stub.aborted++, {
      open: [chunk({ role: 'assistant', content: '' }, model)],
      piece: (text) => chunk({ content: text }, model),
      close: [chunk({}, model, 'stop'), 'data: [DONE]\n\n'],
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.baseUrl = `${stub.root}/v1`;
  return stub;
}

function anthropicMessage(text: string, model: string): Record<string, unknown> {
  return {
    id: 'msg_stub',
    type: 'message',
    role: 'assistant',
    model,
    content: text === '' ? [] : [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 7 },
  };
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** How an API shape writes a whole answer and a streamed one (opening events, one per chunk, closing). */
interface AnswerShape {
  whole(text: string, model: string): unknown;
  stream(text: string, model: string): { open: string[]; piece: (text: string) => string; close: string[] };
}

/** Answers in a shape: the whole answer as JSON, or its event stream when the request asked for one. */
async function shapedAnswer(
  res: ServerResponse,
  body: Record<string, unknown>,
  current: Extract<Behaviour, { kind: 'answer' }>,
  onAbort: () => void,
  shape: AnswerShape,
): Promise<void> {
  const model = typeof body.model === 'string' ? body.model : 'stub-model';
  if (body.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(shape.whole(current.text, model)));
    return;
  }
  await streamEvents(res, current, onAbort, shape.stream(current.text, model));
}

/** The Anthropic Messages API: one text block, streamed as message_start … message_stop. */
const ANTHROPIC: AnswerShape = {
  whole: anthropicMessage,
  stream: (_text, model) => ({
    open: [
      event('message_start', { message: { ...anthropicMessage('', model), stop_reason: null } }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('ping', {}),
    ],
    piece: (text) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    close: [
      event('content_block_stop', { index: 0 }),
      event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } }),
      event('message_stop', {}),
    ],
  }),
};

function response(text: string, model: string, status: string): Record<string, unknown> {
  return {
    id: 'resp_stub',
    object: 'response',
    created_at: 1_700_000_000,
    status,
    error: null,
    incomplete_details: null,
    model,
    output: text === '' ? [] : [responseItem(text)],
    usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 },
  };
}

function responseItem(text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: 'msg_stub',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

const RESPONSE_PLACE = { item_id: 'msg_stub', output_index: 0, content_index: 0 };
const outputText = (text: string) => ({ type: 'output_text', text, annotations: [] });

/** The OpenAI Responses API: one message with one output_text part, streamed as its events. */
const RESPONSES: AnswerShape = {
  whole: (text, model) => response(text, model, 'completed'),
  stream: (full, model) => ({
    open: [
      event('response.created', { response: response('', model, 'in_progress') }),
      event('response.output_item.added', {
        output_index: 0,
        item: { ...responseItem(''), status: 'in_progress', content: [] },
      }),
      event('response.content_part.added', { ...RESPONSE_PLACE, part: outputText('') }),
    ],
    piece: (text) => event('response.output_text.delta', { ...RESPONSE_PLACE, delta: text }),
    close: [
      event('response.output_text.done', { ...RESPONSE_PLACE, text: full }),
      event('response.content_part.done', { ...RESPONSE_PLACE, part: outputText(full) }),
      event('response.output_item.done', { output_index: 0, item: responseItem(full) }),
      event('response.completed', { response: response(full, model, 'completed') }),
    ],
  }),
};

function systemOf(body: Record<string, unknown>): string {
  if (typeof body.instructions === 'string') return body.instructions;
  if (typeof body.system === 'string') return body.system;
  if (Array.isArray(body.system)) return body.system.map((b: { text?: string }) => b.text ?? '').join('\n');
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: string; content?: unknown }>) : [];
  const system = messages.find((m) => m.role === 'system');
  return typeof system?.content === 'string' ? system.content : '';
}

/** Writes an event stream: the opening events, one event per chunk of the answer (paced), the closing ones. */
async function streamEvents(
  res: ServerResponse,
  answer: Extract<Behaviour, { kind: 'answer' }>,
  onAbort: () => void,
  events: { open: string[]; piece: (text: string) => string; close: string[] },
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let closed = false;
  res.on('close', () => {
    if (!res.writableFinished) {
      closed = true;
      onAbort();
    }
  });
  for (const e of events.open) res.write(e);
  for (const piece of answer.chunks ?? [answer.text]) {
    if (closed) return;
    res.write(events.piece(piece));
    if (answer.chunkDelayMs) await sleep(answer.chunkDelayMs);
  }
  res.end(events.close.join(''));
}
