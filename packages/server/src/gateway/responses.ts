/**
 * `POST /v1/responses`: OpenAI's Responses API, streamed and not. The request's `input` (a string or a list
 * of items) is checked as a conversation — user text on `input`, earlier assistant text on `output`,
 * `function_call_output` items on `tool_result`, `function_call` arguments on `tool_call` — and masked text
 * is written back into the items it came from. The answer's `output_text` parts go through the output rail.
 * A streamed answer repeats its whole text in the `…done` and `response.completed` events; those are
 * rewritten to the text actually released, so nothing withheld or masked leaks through them.
 */
import type { Hono } from 'hono';
import type { Message } from 'railgate';
import { plantInSystem } from './canary.js';
import type { Env, RouteContext } from './context.js';
import type { AnswerText, Conversation, OutputStream, ShapeOptions } from './exchange.js';
import { sse, sseEvents, type UpstreamBody } from './http.js';
import { forwardOpenAI } from './openai.js';

type Item = Record<string, unknown>;
type Part = { type?: string; text?: unknown };

const SHAPE: ShapeOptions = {
  flavor: 'openai',
  missingMessages: 'input must be a string or an array of input items',
  conversation: responsesConversation,
  plantCanary(forwarded, canary) {
    forwarded.instructions = plantInSystem(forwarded.instructions, canary);
  },
  answerTexts: (answer) => outputTexts(answer.output),
  relay: relayEvents,
  refusalAnswer: (request, message, id) => refusalResponse(request, message, id),
  refusalEvents: (request, message, id) => {
    const done = refusalResponse(request, message, id);
    const item = (done.output as Item[])[0] as Item;
    const at = { item_id: item.id, output_index: 0, content_index: 0 };
    return [
      sse({ type: 'response.created', response: { ...done, status: 'in_progress', output: [] } }, 'response.created'),
      sse(
        { type: 'response.output_item.added', output_index: 0, item: { ...item, content: [] } },
        'response.output_item.added',
      ),
      sse({ type: 'response.content_part.added', ...at, part: textPart('') }, 'response.content_part.added'),
      sse({ type: 'response.output_text.delta', ...at, delta: message }, 'response.output_text.delta'),
      sse({ type: 'response.output_text.done', ...at, text: message }, 'response.output_text.done'),
      sse({ type: 'response.content_part.done', ...at, part: textPart(message) }, 'response.content_part.done'),
      sse({ type: 'response.output_item.done', output_index: 0, item }, 'response.output_item.done'),
      sse({ type: 'response.incomplete', response: done }, 'response.incomplete'),
    ];
  },
};

export function registerResponses(app: Hono<Env>, ctx: RouteContext): void {
  app.post('/v1/responses', (c) => forwardOpenAI(c, ctx, SHAPE, '/responses'));
}

/**
 * `input` as chat messages, one per item so that indices line up; items the guard has nothing to read in
 * (images, reasoning, …) become messages with a role it skips, and are forwarded untouched.
 */
function responsesConversation(body: Record<string, unknown>): Conversation | null {
  const { input } = body;
  if (typeof input === 'string') {
    return {
      messages: [{ role: 'user', content: input }],
      rebuild: (checked) => ({ ...body, input: checked[0]?.content ?? input }),
    };
  }
  if (!Array.isArray(input)) return null;
  const messages = (input as unknown[]).map(itemMessage);
  return {
    messages,
    rebuild(checked) {
      const items = structuredClone(input) as unknown[];
      for (const [i, message] of checked.entries()) writeBack(items[i], message);
      return { ...body, input: items };
    },
  };
}

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function itemMessage(item: unknown): Message {
  if (!isItem(item)) return { role: 'unchecked' };
  if (typeof item.role === 'string' && (item.type === undefined || item.type === 'message')) {
    return { role: item.role, content: item.content };
  }
  if (item.type === 'function_call_output' && typeof item.output === 'string') {
    return { role: 'tool', content: item.output };
  }
  if (item.type === 'function_call' && typeof item.arguments === 'string') {
    return {
      role: 'assistant',
      content: null,
      tool_calls: [{ type: 'function', function: { name: item.name, arguments: item.arguments } }],
    };
  }
  return { role: 'unchecked' };
}

/** Puts a checked message's text back into the item it was made from. */
function writeBack(item: unknown, message: Message): void {
  if (!isItem(item)) return;
  if (typeof item.role === 'string' && (item.type === undefined || item.type === 'message')) {
    item.content = message.content;
  } else if (item.type === 'function_call_output' && typeof message.content === 'string') {
    item.output = message.content;
  } else if (item.type === 'function_call') {
    const calls = (message as { tool_calls?: Array<{ function?: { arguments?: unknown } }> }).tool_calls;
    const args = calls?.[0]?.function?.arguments;
    if (typeof args === 'string') item.arguments = args;
  }
}

/** The `output_text` parts of an answer's message items, read and written in place. */
function outputTexts(output: unknown): AnswerText[] {
  const items = Array.isArray(output) ? (output as Item[]) : [];
  return items.flatMap((item) =>
    item.type === 'message' && Array.isArray(item.content)
      ? (item.content as Part[]).flatMap((part) =>
          part.type === 'output_text' && typeof part.text === 'string' && part.text !== ''
            ? [{ text: part.text, set: (text: string) => setText(part, text) }]
            : [],
        )
      : [],
  );
}

function setText(part: Part, text: string): void {
  part.text = text;
}

function textPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [] };
}

/** A whole response saying `message`, stopped by a safety check: `incomplete`, reason `content_filter`. */
function refusalResponse(request: Record<string, unknown>, message: string, id: string): Record<string, unknown> {
  return {
    id: `resp_railgate_${id}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'incomplete',
    incomplete_details: { reason: 'content_filter' },
    error: null,
    model: typeof request.model === 'string' ? request.model : 'railgate',
    output: [
      {
        type: 'message',
        id: `msg_railgate_${id}`,
        status: 'completed',
        role: 'assistant',
        content: [textPart(message)],
      },
    ],
    usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
  };
}

interface TextEvent {
  type?: string;
  item_id?: string;
  output_index?: number;
  content_index?: number;
  delta?: string;
  text?: string;
  part?: Part;
  item?: Item;
  response?: Item;
}

/** What the client has been sent of each output_text part, and the items as announced. */
class Released {
  private readonly texts = new Map<string, string>();
  readonly items: Item[] = [];
  created: Item | null = null;

  add(e: TextEvent, text: string): void {
    const key = `${e.output_index ?? 0}:${e.content_index ?? 0}`;
    this.texts.set(key, (this.texts.get(key) ?? '') + text);
  }

  of(outputIndex: number, contentIndex: number): string {
    return this.texts.get(`${outputIndex}:${contentIndex}`) ?? '';
  }

  /** An item with each output_text part's text replaced by what was released of it. */
  item(item: Item, outputIndex: number): Item {
    if (!Array.isArray(item.content)) return item;
    const content = (item.content as Part[]).map((part, j) =>
      part.type === 'output_text' ? { ...part, text: this.of(outputIndex, j) } : part,
    );
    return { ...item, content };
  }

  output(output: unknown): Item[] {
    return (Array.isArray(output) ? (output as Item[]) : []).map((item, i) => this.item(item, i));
  }
}

/** Re-emits the upstream's events with the output text passed through the output rail. */
async function relayEvents(body: UpstreamBody, output: OutputStream, write: (event: string) => void): Promise<void> {
  const send = (data: TextEvent) => write(sse(data, data.type));
  const released = new Released();
  const delta = (e: TextEvent, text: string) => {
    released.add(e, text);
    send({
      type: 'response.output_text.delta',
      item_id: e.item_id,
      output_index: e.output_index,
      content_index: e.content_index,
      delta: text,
    });
  };
  let blocked: TextEvent | null = null;
  for await (const { event, data } of sseEvents(body)) {
    const e = JSON.parse(data) as TextEvent;
    e.type ??= event ?? '';
    const outputIndex = e.output_index ?? 0;
    if (e.type === 'response.output_text.delta') {
      const shown = await output.push(e.delta ?? '');
      if (shown === null) {
        blocked = e;
        break;
      }
      if (shown) delta(e, shown);
      continue;
    }
    if (e.type === 'response.output_text.done') {
      // The part is complete: release its held-back tail (checked) before saying so.
      const rest = await output.end();
      if (rest === null) {
        blocked = e;
        break;
      }
      if (rest) delta(e, rest);
      send({ ...e, text: released.of(outputIndex, e.content_index ?? 0) });
      continue;
    }
    if (e.type === 'response.created' && e.response) released.created = e.response;
    if (e.type === 'response.output_item.added' && e.item) released.items[outputIndex] = { ...e.item, content: [] };
    if (e.type === 'response.content_part.added' && e.part) {
      const content = released.items[outputIndex]?.content;
      if (Array.isArray(content)) content[e.content_index ?? 0] = e.part;
    }
    if (e.type === 'response.content_part.done' && e.part?.type === 'output_text') {
      e.part = { ...e.part, text: released.of(outputIndex, e.content_index ?? 0) };
    }
    if (e.type === 'response.output_item.done' && e.item) e.item = released.item(e.item, outputIndex);
    if ((e.type === 'response.completed' || e.type === 'response.incomplete') && e.response) {
      e.response = { ...e.response, output: released.output(e.response.output) };
    }
    send(e);
  }
  if (blocked) endBlocked(blocked, released, output.refusal, send, delta);
}

/** Closes the blocked part and item, and ends the response as incomplete for `content_filter`. */
function endBlocked(
  at: TextEvent,
  released: Released,
  refusal: string | null,
  send: (data: TextEvent) => void,
  delta: (e: TextEvent, text: string) => void,
): void {
  const outputIndex = at.output_index ?? 0;
  const contentIndex = at.content_index ?? 0;
  if (refusal) delta(at, refusal);
  const text = released.of(outputIndex, contentIndex);
  const place = { item_id: at.item_id, output_index: outputIndex, content_index: contentIndex };
  send({ type: 'response.output_text.done', ...place, text });
  send({ type: 'response.content_part.done', ...place, part: textPart(text) });
  const announced = released.items[outputIndex] ?? {
    type: 'message',
    id: at.item_id,
    role: 'assistant',
    content: [textPart('')],
  };
  const item = { ...released.item(announced, outputIndex), status: 'incomplete' };
  send({ type: 'response.output_item.done', output_index: outputIndex, item });
  const output = released.items.map((it, i) => (i === outputIndex ? item : released.item(it, i)));
  send({
    type: 'response.incomplete',
    response: { ...released.created, status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output },
  });
}
