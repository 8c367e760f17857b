/** Reading the answers of the network targets: errors as outcomes a person can act on, never as successes. */
import type { OutboundResponse } from '../../models/net/client.js';
import type { Outcome } from './target.js';

/** An answer that is not the success status: an error outcome with the status and the server's message. */
export function httpFailure(response: OutboundResponse): Outcome {
  return { kind: 'error', detail: `HTTP ${response.status}${errorMessage(response.body)}` };
}

/** The `error.message` of an OpenAI-style error body (the gateway answers that shape too), cut short. */
function errorMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? `: ${message.replace(/\s+/g, ' ').slice(0, 160)}` : '';
  } catch {
    return '';
  }
}

/** The body as JSON; an unreadable body throws an Error the target turns into an error outcome. */
export function readJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`the answer is not JSON (${body.length} bytes)`);
  }
}
