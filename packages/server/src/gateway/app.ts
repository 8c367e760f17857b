/**
 * The HTTP gateway: authenticates the tenant, runs its policy's input rail on the request, forwards it to
 * the upstream model, runs the output rail on the answer (streamed or not) and records every decision.
 * The API shapes live in openai.ts and anthropic.ts; this file wires auth, `/v1/guard` and health.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { type Guard, type Message, PolicyError, RAILS, type Rail, RequestError } from 'railgate';
import { AuditWriter } from '../audit/writer.js';
import { parseApiKey, secretMatches } from '../store/keys.js';
import type { Store, Tenant } from '../store/types.js';
import { registerAdmin } from './admin.js';
import { registerAnthropic } from './anthropic.js';
import { auditRecorders, type Env, type RouteContext, timedUpstream, type Upstream } from './context.js';
import { type ApiFlavor, errorBody, GatewayError } from './errors.js';
import { jsonBody } from './http.js';
import { GatewayMetrics } from './metrics.js';
import { registerOpenAI } from './openai.js';
import { compilePolicy } from './policy-input.js';

export interface GatewayOptions {
  store: Store;
  /** OpenAI-compatible base URL the chat completions go to, e.g. `https://api.openai.com/v1`. */
  upstream: Upstream;
  /** Anthropic base URL for `/v1/messages`. Default `https://api.anthropic.com`. */
  anthropic?: Upstream;
  /**
   * Characters of a streamed answer held back until the output rail has seen what follows. It must be longer
   * than what a rule needs to recognise a leak: a PEM private key is recognised from its header and 64
   * characters of body (about 100). Default 160.
   */
  holdBack?: number;
  /** Largest request body accepted, in bytes. Default 4 MiB. */
  bodyLimit?: number;
  /** HTTP status of a blocked request. Default 400. */
  blockStatus?: number;
  audit?: AuditWriter;
  /**
   * What to do when the audit spool is full (the store has been down long enough to fill it):
   * `fail_closed` (default) answers 503 to new requests, so no decision goes unrecorded; `fail_open` keeps
   * serving and counts the records it loses (`railgate_audit_dropped`).
   */
  auditOnFull?: 'fail_open' | 'fail_closed';
  /**
   * How often an instance re-reads the policies of the tenants it serves, to pick up changes made through
   * another instance. Default 1000 ms (0: never). The new policy is compiled before it replaces the old,
   * so a request runs under one whole policy or the other.
   */
  policyPollMs?: number;
  /** Token of the admin API (`/admin/v1/*`); without one the admin API is disabled. */
  adminToken?: string;
  /** JSON logs (pino): one line per request, without text or keys. Default: none. */
  logger?: Logger;
}

export interface Gateway {
  app: Hono<Env>;
  audit: AuditWriter;
  metrics: GatewayMetrics;
  /** Forgets the compiled policy and cached keys of a tenant (after its policy or keys changed). */
  reloadTenant(id: string): void;
  /** Stops the policy re-check timer. */
  stop(): void;
}

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
const KEY_CACHE_MS = 30_000;

export function createGateway(options: GatewayOptions): Gateway {
  const { store } = options;
  const audit = options.audit ?? new AuditWriter(store);
  /** Each tenant's compiled policy, with the policy text it was compiled from. */
  const compiled = new Map<string, { guard: Guard; policy: string }>();
  const keyCache = new Map<string, { tenant: Tenant; at: number }>();
  const metrics = new GatewayMetrics(audit);
  const ctx: RouteContext = {
    metrics,
    upstream: timedUpstream(metrics),
    store,
    audit,
    openai: options.upstream,
    anthropic: options.anthropic ?? { baseUrl: 'https://api.anthropic.com' },
    holdBack: options.holdBack ?? 160,
    blockStatus: options.blockStatus ?? 400,
    guardFor(tenant) {
      let entry = compiled.get(tenant.id);
      if (!entry) {
        entry = { guard: compilePolicy(tenant.policy), policy: tenant.policy };
        compiled.set(tenant.id, entry);
      }
      return entry.guard;
    },
    ...auditRecorders(audit, metrics),
  };
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const t0 = performance.now();
    await next();
    const route = c.req.routePath === '*' || c.req.routePath === '/v1/*' ? 'other' : c.req.routePath;
    metrics.requests.inc({ route, status: String(c.res.status) });
    options.logger?.info(
      {
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round((performance.now() - t0) * 10) / 10,
        tenant: c.get('tenant')?.id,
        decision: c.res.headers.get('x-railgate-decision') ?? undefined,
        decision_id: c.res.headers.get('x-railgate-decision-id') ?? undefined,
      },
      'request',
    );
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });

  app.onError((error, c) => {
    const flavor = flavorOf(c.req.path);
    if (error instanceof GatewayError) {
      return c.json(errorBody(flavor, error.type, error.message, error.code), error.status as 400);
    }
    if (error instanceof RequestError || error instanceof PolicyError) {
      return c.json(errorBody(flavor, 'invalid_request_error', error.message), 400);
    }
    return c.json(errorBody(flavor, 'server_error', 'internal error in the gateway'), 500);
  });
  app.notFound((c) =>
    c.json(errorBody(flavorOf(c.req.path), 'not_found_error', `no route ${c.req.method} ${c.req.path}`), 404),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await store.ping();
      return c.json({ status: 'ready', audit_queue: audit.depth, audit_spool_bytes: audit.spooled });
    } catch {
      return c.json({ status: 'store unavailable', audit_queue: audit.depth, audit_spool_bytes: audit.spooled }, 503);
    }
  });

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      onError: () => {
        throw new GatewayError(413, 'request_too_large', 'request body is larger than the gateway accepts');
      },
    }),
  );
  app.use('/v1/*', async (c, next) => {
    if (audit.full && options.auditOnFull !== 'fail_open') {
      throw new GatewayError(503, 'overloaded_error', 'the audit store is unavailable and its spool is full');
    }
    const presented = bearer(c.req.header('authorization')) ?? c.req.header('x-api-key');
    if (!presented) throw new GatewayError(401, 'authentication_error', 'missing API key (Authorization: Bearer rg_…)');
    const cached = keyCache.get(presented);
    if (cached && Date.now() - cached.at < KEY_CACHE_MS) {
      c.set('tenant', cached.tenant);
      return next();
    }
    const parsed = parseApiKey(presented);
    const row = parsed ? await store.getKey(parsed.id) : undefined;
    if (!parsed || !row || row.revoked_at || !secretMatches(row.salt, parsed.secret, row.hash)) {
      throw new GatewayError(401, 'authentication_error', 'invalid API key');
    }
    const tenant = await store.getTenant(row.tenant_id);
    if (!tenant) throw new GatewayError(401, 'authentication_error', 'invalid API key');
    keyCache.set(presented, { tenant, at: Date.now() });
    c.set('tenant', tenant);
    return next();
  });

  app.post('/v1/guard', async (c) => {
    const tenant = c.get('tenant');
    const body = await jsonBody(c);
    const guard = ctx.guardFor(tenant);
    const rail = body.rail ?? 'input';
    if (typeof rail !== 'string' || !RAILS.includes(rail as Rail)) {
      throw new GatewayError(400, 'invalid_request_error', `rail must be one of ${RAILS.join(', ')}`);
    }
    if (Array.isArray(body.messages)) {
      const messages = body.messages as Message[];
      const verdict = await guard.check({ messages, tenant: tenant.id });
      ctx.recordConversation(tenant, verdict, messages);
      return c.json(verdict);
    }
    if (typeof body.text !== 'string') {
      throw new GatewayError(400, 'invalid_request_error', 'send either text (a string) or messages (an array)');
    }
    const verdict = await guard.check({ text: body.text, rail: rail as Rail, tenant: tenant.id });
    ctx.record(tenant, verdict, body.text);
    return c.json(verdict);
  });

  // A tenant's own decisions and policy: the key decides whose, so no tenant can name another.
  app.get('/v1/decisions', async (c) => {
    const action = c.req.query('action');
    const limit = Number(c.req.query('limit') ?? 100);
    return c.json({
      decisions: await store.listDecisions(c.get('tenant').id, { limit, ...(action ? { action } : {}) }),
    });
  });
  app.get('/v1/policy', (c) => {
    const tenant = c.get('tenant');
    const guard = ctx.guardFor(tenant);
    return c.json({ tenant: tenant.id, policy: tenant.policy, id: guard.policy.id, version: guard.policy.version });
  });

  registerOpenAI(app, ctx);
  registerAnthropic(app, ctx);

  const reloadTenant = (id: string) => {
    compiled.delete(id);
    for (const [key, entry] of keyCache) if (entry.tenant.id === id) keyCache.delete(key);
  };
  registerAdmin(app, { token: options.adminToken, store, reloadTenant });

  const pollMs = options.policyPollMs ?? 1000;
  let polling = false;
  const poller =
    pollMs > 0
      ? setInterval(async () => {
          if (polling) return;
          polling = true;
          try {
            if (compiled.size === 0) return;
            // One query per tick, whatever the number of tenants this instance serves.
            const current = new Map((await store.listTenants()).map((t) => [t.id, t.policy]));
            for (const [id, entry] of [...compiled]) {
              const policy = current.get(id);
              if (policy === entry.policy) continue;
              // Compile first, then swap: requests in between keep the old policy, never half of each.
              const next = policy === undefined ? undefined : { guard: compilePolicy(policy), policy };
              reloadTenant(id);
              if (next) compiled.set(id, next);
            }
          } catch {
            // Store unreachable: keep serving the policies already compiled; the next tick tries again.
          } finally {
            polling = false;
          }
        }, pollMs)
      : null;
  poller?.unref();

  return {
    app,
    audit,
    metrics,
    reloadTenant,
    stop() {
      if (poller) clearInterval(poller);
    },
  };
}

function flavorOf(path: string): ApiFlavor {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  return path.startsWith('/v1/guard') ? 'railgate' : 'openai';
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}
