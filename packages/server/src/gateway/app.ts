/**
 * The HTTP gateway: authenticates the tenant, runs its policy's input rail on the request, forwards it to
 * the upstream model, runs the output rail on the answer (streamed or not) and records every decision.
 * The API shapes live in openai.ts and anthropic.ts; this file wires auth, `/v1/guard` and health.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { type Message, PolicyError, RAILS, type Rail, RequestError } from 'railgate';
import { AuditWriter } from '../audit/writer.js';
import { parseApiKey, secretMatches } from '../store/keys.js';
import type { Store, Tenant } from '../store/types.js';
import { registerAdmin } from './admin.js';
import { registerAnthropic } from './anthropic.js';
import { auditRecorders, type Env, type RouteContext, timedUpstream, type Upstream } from './context.js';
import { type ApiFlavor, errorBody, GatewayError } from './errors.js';
import { DEFAULT_BODY_LIMIT, jsonBody } from './http.js';
import { GatewayMetrics } from './metrics.js';
import { registerOpenAI } from './openai.js';
import { PolicyCache } from './policies.js';
import { registerResponses } from './responses.js';
import type { RouteTable } from './routes.js';

export interface GatewayOptions {
  store: Store;
  /** OpenAI-compatible base URL the chat completions go to, e.g. `https://api.openai.com/v1`. */
  upstream: Upstream;
  /** Anthropic base URL for `/v1/messages`. Default `https://api.anthropic.com`. */
  anthropic?: Upstream;
  /**
   * Upstreams by model name, shared and per tenant (see routes.ts, `railgate serve --routes`). A shape with
   * routes refuses models none of them match (404); a shape without uses `upstream` / `anthropic`.
   */
  routes?: RouteTable;
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
  /**
   * Compiles the policies of the store's first tenants and runs their checks a few times, so the first
   * requests after a start neither wait for a compile nor run cold code.
   */
  warm(): Promise<void>;
  /** Stops the policy re-check timer and the change notifications. */
  stop(): Promise<void>;
}

const KEY_CACHE_MS = 30_000;

export function createGateway(options: GatewayOptions): Gateway {
  const { store } = options;
  const audit = options.audit ?? new AuditWriter(store);
  const policies = new PolicyCache();
  const keyCache = new Map<string, { tenant: Tenant; keyPolicy: string | null; at: number }>();
  const metrics = new GatewayMetrics(audit);
  const ctx: RouteContext = {
    metrics,
    upstream: timedUpstream(metrics),
    store,
    audit,
    openai: options.upstream,
    anthropic: options.anthropic ?? { baseUrl: 'https://api.anthropic.com' },
    routes: options.routes,
    holdBack: options.holdBack ?? 160,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    blockStatus: options.blockStatus ?? 400,
    guardFor(c, requested) {
      const tenant = c.get('tenant');
      const named = requested ?? c.req.header('x-railgate-policy');
      if (named !== undefined) return policies.forRequest(tenant, named);
      const keyPolicy = c.get('keyPolicy');
      return keyPolicy ? policies.forText(keyPolicy) : policies.forTenant(tenant);
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

  app.use('/v1/*', async (c, next) => {
    if (audit.full && options.auditOnFull !== 'fail_open') {
      throw new GatewayError(503, 'overloaded_error', 'the audit store is unavailable and its spool is full');
    }
    const presented = bearer(c.req.header('authorization')) ?? c.req.header('x-api-key');
    if (!presented) throw new GatewayError(401, 'authentication_error', 'missing API key (Authorization: Bearer rg_…)');
    const cached = keyCache.get(presented);
    if (cached && Date.now() - cached.at < KEY_CACHE_MS) {
      c.set('tenant', cached.tenant);
      c.set('keyPolicy', cached.keyPolicy);
      return next();
    }
    const parsed = parseApiKey(presented);
    const row = parsed ? await store.getKey(parsed.id) : undefined;
    if (!parsed || !row || row.revoked_at || !secretMatches(row.salt, parsed.secret, row.hash)) {
      throw new GatewayError(401, 'authentication_error', 'invalid API key');
    }
    const tenant = await store.getTenant(row.tenant_id);
    if (!tenant) throw new GatewayError(401, 'authentication_error', 'invalid API key');
    keyCache.set(presented, { tenant, keyPolicy: row.policy, at: Date.now() });
    c.set('tenant', tenant);
    c.set('keyPolicy', row.policy);
    return next();
  });

  app.post('/v1/guard', async (c) => {
    const tenant = c.get('tenant');
    const body = await jsonBody(c, ctx.bodyLimit);
    const guard = ctx.guardFor(c, body.policy);
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
    const guard = ctx.guardFor(c);
    const policy = c.get('keyPolicy') ?? tenant.policy;
    return c.json({ tenant: tenant.id, policy, id: guard.policy.id, version: guard.policy.version });
  });

  registerOpenAI(app, ctx);
  registerResponses(app, ctx);
  registerAnthropic(app, ctx);

  const forgetKeys = (id: string) => {
    for (const [key, entry] of keyCache) if (entry.tenant.id === id) keyCache.delete(key);
  };
  const reloadTenant = (id: string) => {
    policies.forget(id);
    forgetKeys(id);
  };
  registerAdmin(app, { token: options.adminToken, store, reloadTenant });
  const watcher = watchChanges(store, policies, forgetKeys, options);

  return {
    app,
    audit,
    metrics,
    reloadTenant,
    warm: () => warmUp(store, policies),
    stop: () => watcher.stop(),
  };
}

const WARM_TENANTS = 20;
const WARM_ROUNDS = 50;
const WARM_TEXTS = [
  'Could you suggest a three-day plan for Lisbon with food markets and one restaurant per evening?',
  'Sure, here is a short plan: day one, Alfama and the tiled houses; day two, Belém; day three, Sintra.',
];

async function warmUp(store: Store, policies: PolicyCache): Promise<void> {
  const tenants = (await store.listTenants()).slice(0, WARM_TENANTS);
  for (const [index, tenant] of tenants.entries()) {
    try {
      const guard = policies.forTenant(tenant);
      // The code is shared by all tenants: running it often once is enough to have it compiled.
      const rounds = index === 0 ? WARM_ROUNDS : 1;
      for (let i = 0; i < rounds; i++) {
        await guard.check({ text: WARM_TEXTS[0] as string, rail: 'input' });
        await guard.check({ text: WARM_TEXTS[1] as string, rail: 'output' });
      }
    } catch {
      // A stored policy that no longer compiles is reported to the first request that needs it.
    }
  }
}

/**
 * Keeps an instance's compiled policies and cached keys in step with the store when another instance (or
 * the CLI) changes them: at once through the store's change notifications where it has them (PostgreSQL
 * LISTEN/NOTIFY), and by a periodic re-check of every tenant it serves, which also covers notifications
 * lost while the listening connection was down. Re-checks run one at a time, in order, so an older read
 * never overwrites a newer one.
 */
function watchChanges(
  store: Store,
  policies: PolicyCache,
  forgetKeys: (tenantId: string) => void,
  options: Pick<GatewayOptions, 'policyPollMs' | 'logger'>,
): { stop(): Promise<void> } {
  let queue: Promise<void> = Promise.resolve();
  const serially = (task: () => Promise<void>) => {
    queue = queue.then(task).catch(() => {
      // Store unreachable: keep serving the policies already compiled; the next check tries again.
    });
    return queue;
  };
  const recheckAll = async () => {
    if (policies.tenants.length === 0) return;
    // One query per check, whatever the number of tenants this instance serves.
    const current = new Map((await store.listTenants()).map((t) => [t.id, t.policy]));
    const changed = policies.refresh(policies.tenants.map((id) => [id, current.get(id)]));
    for (const id of changed) forgetKeys(id);
  };
  const recheckOne = async (id: string) => {
    // A notification is also sent for a revoked key: forget the tenant's cached keys in any case.
    forgetKeys(id);
    policies.refresh([[id, (await store.getTenant(id))?.policy]]);
  };

  const pollMs = options.policyPollMs ?? 1000;
  let waiting = false;
  const poller =
    pollMs > 0
      ? setInterval(() => {
          if (waiting) return;
          waiting = true;
          void serially(recheckAll).finally(() => {
            waiting = false;
          });
        }, pollMs)
      : null;
  poller?.unref();
  const unwatch = store.watchPolicies?.(
    (id) => void serially(() => recheckOne(id)),
    (error) => options.logger?.warn({ err: error.message }, 'policy change notifications interrupted'),
  );
  return {
    async stop() {
      if (poller) clearInterval(poller);
      await (await unwatch)?.();
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
