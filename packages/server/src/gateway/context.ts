/** What every API route needs from the gateway: the tenant's guard, the audit writer, settings. */
import type { Context } from 'hono';
import type { ConversationVerdict, Guard, Message, Verdict } from 'railgate';
import type { AuditWriter } from '../audit/writer.js';
import type { Store, Tenant } from '../store/types.js';
import { GatewayError } from './errors.js';
import { callUpstream, decisionRecord, type UpstreamCall, type UpstreamResponse } from './http.js';
import type { GatewayMetrics } from './metrics.js';
import type { RouteTable } from './routes.js';

export interface Upstream {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
}

export interface Env {
  Variables: {
    tenant: Tenant;
    /** The policy bound to the request's API key, if it has one. */
    keyPolicy: string | null;
  };
}

export interface RouteContext {
  store: Store;
  audit: AuditWriter;
  openai: Upstream;
  anthropic: Upstream;
  /** Routes by model name (and tenant); without them every request of a shape goes to its upstream above. */
  routes: RouteTable | undefined;
  holdBack: number;
  /** Largest request body, in bytes. */
  bodyLimit: number;
  blockStatus: number;
  metrics: GatewayMetrics;
  /**
   * The policy this request runs under: one it names (`x-railgate-policy`, or `requested` from a body) when
   * its tenant allows that, else its key's, else its tenant's.
   */
  guardFor(c: Context<Env>, requested?: unknown): Guard;
  /** Calls an upstream, timing it for /metrics. */
  upstream(api: 'openai' | 'anthropic', call: UpstreamCall): Promise<UpstreamResponse>;
  record(tenant: Tenant, verdict: Verdict, text: string): void;
  recordConversation(tenant: Tenant, verdict: ConversationVerdict, messages: Message[]): void;
}

export function auditRecorders(
  audit: AuditWriter,
  metrics: GatewayMetrics,
): Pick<RouteContext, 'record' | 'recordConversation'> {
  const record = (tenant: Tenant, verdict: Verdict, text: string) => {
    metrics.observeVerdict(verdict);
    audit.push(decisionRecord(tenant, verdict, text));
  };
  return {
    record,
    recordConversation(tenant, verdict, messages) {
      for (const part of verdict.parts) {
        const content = messages[part.message]?.content;
        record(tenant, part.verdict, typeof content === 'string' ? content : JSON.stringify(content ?? ''));
      }
    },
  };
}

/** Rule ids that fired anywhere in a conversation verdict. */
export function firedRules(verdict: ConversationVerdict): string[] {
  return [...new Set(verdict.parts.flatMap((p) => p.verdict.fired_rules))];
}

export function timedUpstream(metrics: GatewayMetrics): RouteContext['upstream'] {
  return async (api, call) => {
    const t0 = performance.now();
    try {
      const response = await callUpstream(call);
      const outcome = response.ok ? 'ok' : `status_${response.status}`;
      metrics.upstreamLatency.observe({ api, outcome }, (performance.now() - t0) / 1000);
      if (!response.ok) metrics.upstreamErrors.inc({ api, kind: outcome });
      return response;
    } catch (error) {
      metrics.upstreamErrors.inc({ api, kind: error instanceof GatewayError ? error.type : 'error' });
      throw error;
    }
  };
}
