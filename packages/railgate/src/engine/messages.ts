/**
 * Chat messages in OpenAI or Anthropic shape, split into the pieces of text to check and the rail each
 * belongs on: user text → input, assistant text → output, tool results → tool_result, tool-call arguments
 * the model produced → tool_call. System and developer messages come from the application itself and are
 * skipped unless asked for.
 */
import { RequestError } from './errors.js';
import type { Message, Rail } from './types.js';

export interface MessagePart {
  /** Index of the message in the array. */
  message: number;
  role: string;
  rail: Rail;
  /** Where the text sits inside the message, e.g. `content`, `content[1].text`, `tool_calls[0].function.arguments`. */
  path: string;
  text: string;
}

export interface MessageOptions {
  /** Also check system and developer messages, on the input rail. Default false. */
  checkSystem?: boolean;
}

const TEXT_BLOCKS = new Set(['text', 'input_text', 'output_text']);

function roleRail(role: string, options: MessageOptions): Rail | null {
  switch (role) {
    case 'user':
      return 'input';
    case 'assistant':
    case 'model':
      return 'output';
    case 'tool':
    case 'function':
    case 'ipython':
      return 'tool_result';
    case 'system':
    case 'developer':
      return options.checkSystem ? 'input' : null;
    default:
      return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of an Anthropic tool_result block's content (a string or a list of text blocks). */
function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { text: string } => isRecord(b) && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n');
}

function partsOfContent(content: unknown, base: Omit<MessagePart, 'path' | 'text'>, out: MessagePart[]): void {
  if (typeof content === 'string') {
    out.push({ ...base, path: 'content', text: content });
    return;
  }
  if (content === null || content === undefined) return;
  if (!Array.isArray(content)) {
    throw new RequestError(
      'REQUEST_INVALID',
      'content must be a string, an array of content blocks or null',
      `messages[${base.message}].content`,
    );
  }
  content.forEach((block, i) => {
    if (!isRecord(block)) return;
    const type = typeof block.type === 'string' ? block.type : 'text';
    if (TEXT_BLOCKS.has(type) && typeof block.text === 'string') {
      out.push({ ...base, path: `content[${i}].text`, text: block.text });
    } else if (type === 'tool_result') {
      out.push({ ...base, rail: 'tool_result', path: `content[${i}].content`, text: toolResultText(block.content) });
    } else if (type === 'tool_use' && block.input !== undefined) {
      out.push({ ...base, rail: 'tool_call', path: `content[${i}].input`, text: JSON.stringify(block.input) });
    }
  });
}

/** Splits a messages array into the parts to check; throws RequestError naming the bad message. */
export function partsOfMessages(messages: unknown, options: MessageOptions = {}): MessagePart[] {
  if (!Array.isArray(messages)) throw new RequestError('REQUEST_INVALID', 'messages must be an array', 'messages');
  const out: MessagePart[] = [];
  messages.forEach((message: unknown, index) => {
    if (!isRecord(message) || typeof message.role !== 'string') {
      throw new RequestError('REQUEST_INVALID', 'each message needs a string role', `messages[${index}]`);
    }
    const rail = roleRail(message.role, options);
    if (rail === null) return;
    partsOfContent(message.content, { message: index, role: message.role, rail }, out);
    if (Array.isArray(message.tool_calls)) {
      message.tool_calls.forEach((call: unknown, i) => {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
        if (fn && typeof fn.arguments === 'string') {
          out.push({
            message: index,
            role: message.role as string,
            rail: 'tool_call',
            path: `tool_calls[${i}].function.arguments`,
            text: fn.arguments,
          });
        }
      });
    }
    const legacy = isRecord(message.function_call) ? message.function_call : undefined;
    if (legacy && typeof legacy.arguments === 'string') {
      out.push({
        message: index,
        role: message.role,
        rail: 'tool_call',
        path: 'function_call.arguments',
        text: legacy.arguments,
      });
    }
  });
  return out;
}

/** A copy of the messages with masked text written back where it came from (string or text blocks). */
export function applyMaskedParts(
  messages: readonly Message[],
  masked: ReadonlyArray<{ part: MessagePart; text: string }>,
): Message[] {
  const copy = structuredClone(messages) as Message[];
  for (const { part, text } of masked) {
    const message = copy[part.message];
    if (!message) continue;
    const blockMatch = /^content\[(\d+)\]\.(text|content)$/.exec(part.path);
    if (part.path === 'content') message.content = text;
    else if (blockMatch && Array.isArray(message.content)) {
      const block = message.content[Number(blockMatch[1])] as Record<string, unknown> | undefined;
      if (block && typeof block[blockMatch[2] as string] === 'string') block[blockMatch[2] as string] = text;
    } else if (part.path.startsWith('tool_calls[') && Array.isArray(message.tool_calls)) {
      const i = Number(/^tool_calls\[(\d+)\]/.exec(part.path)?.[1]);
      const call = message.tool_calls[i] as { function?: { arguments?: string } } | undefined;
      if (call?.function) call.function.arguments = text;
    }
  }
  return copy;
}
