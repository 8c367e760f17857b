/**
 * A running Railgate gateway as a target: each variant is sent to `POST /v1/guard` with the tenant's key,
 * so the tenant's own policy (and whatever the deployment changed) is what is measured. A text goes with
 * its rail, a conversation as `messages`; the answer is the verdict (or the conversation verdict), and the
 * attack got through when its action does not count as stopped for the seed's category.
 */
import { ACTIONS, type VerdictAction } from '../../engine/types.js';
import type { FlagOn } from '../../eval/run.js';
import { OutboundEndpoint } from '../../models/net/client.js';
import type { Variant } from '../strategies.js';
import { accessFor } from './access.js';
import { httpFailure, readJson } from './http.js';
import { type AttemptContext, type Outcome, type Target, verdictOutcome } from './target.js';

export interface GatewayTargetOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8787`; `/v1/guard` is appended. */
  url: string;
  /** A tenant API key (read from the variable named by --key-env). */
  apiKey: string;
  timeoutMs: number;
  allowPrivate: boolean;
  flagOn: FlagOn;
}

const VERDICT_ACTIONS: ReadonlySet<string> = new Set<string>([...ACTIONS, 'allow']);

/** `http://host:8787` or `http://host:8787/` → `http://host:8787/v1/guard`; a URL already ending so is kept. */
export function guardUrl(base: string): URL {
  const url = new URL(base);
  let path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1/guard')) path += '/v1/guard';
  url.pathname = path;
  return url;
}

export function gatewayTarget(options: GatewayTargetOptions): Target {
  const url = guardUrl(options.url);
  const endpoint = new OutboundEndpoint(url, {
    access: accessFor(url, options.allowPrivate),
    timeoutMs: options.timeoutMs,
    maxResponseBytes: 4 * 1024 * 1024,
  });
  const headers = { authorization: `Bearer ${options.apiKey}` };
  return {
    info: { kind: 'gateway', url: endpoint.label },
    acceptsRail: () => true,
    attempt: async (variant, context) => {
      try {
        const response = await endpoint.post(JSON.stringify(guardBody(variant)), headers, context.signal);
        if (response.status !== 200) return httpFailure(response);
        return outcomeOf(readJson(response.body), context, options.flagOn);
      } catch (error) {
        return { kind: 'error', detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

function guardBody(variant: Variant): Record<string, unknown> {
  return variant.kind === 'conversation' ? { messages: variant.messages } : { text: variant.text, rail: variant.rail };
}

function outcomeOf(body: unknown, context: AttemptContext, flagOn: FlagOn): Outcome {
  const action = typeof body === 'object' && body !== null ? (body as { action?: unknown }).action : undefined;
  if (typeof action !== 'string' || !VERDICT_ACTIONS.has(action))
    return { kind: 'error', detail: 'the gateway answered without a verdict action (is this /v1/guard?)' };
  const reason = (body as { reason?: unknown }).reason;
  return verdictOutcome(
    { action: action as VerdictAction, reason: typeof reason === 'string' ? reason : undefined },
    context.category,
    flagOn,
  );
}
