/**
 * The admin API (`/admin/v1/*`), behind its own token: tenants, keys, policy versions with validation,
 * diff and rollback, decisions of any tenant, and the log of every change (who and when). Disabled
 * (404) unless the gateway was given an admin token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { canonicalJson } from 'railgate';
import { createTenantWithKey, issueKey, listTenantKeys, revokeApiKey, rotateKey } from '../bootstrap.js';
import type { Store } from '../store/types.js';
import type { Env } from './context.js';
import { GatewayError } from './errors.js';
import { jsonBody } from './http.js';
import { compilePolicy } from './policy-input.js';

export interface AdminOptions {
  token: string | undefined;
  store: Store;
  /** Forget what an instance cached about a tenant (its compiled policy, its keys). */
  reloadTenant(id: string): void;
}

function tokenMatches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function actorOf(c: Context): string {
  return (c.req.header('x-railgate-actor') ?? 'admin').slice(0, 100);
}

async function tenantOr404(store: Store, id: string) {
  const tenant = await store.getTenant(id);
  if (!tenant) throw new GatewayError(404, 'not_found_error', `no tenant '${id}'`);
  return tenant;
}

/** Line diff of two texts (longest common subsequence), `-`/`+`/` ` prefixed; policies are short. */
export function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (
      j < b.length &&
      (i >= a.length || ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))
    ) {
      out.push(`+ ${b[j++]}`);
    } else {
      out.push(`- ${a[i++]}`);
    }
  }
  return out.join('\n');
}

function effective(policy: string): string {
  const guard = compilePolicy(policy);
  return JSON.stringify(JSON.parse(canonicalJson(guard.policy)), null, 2);
}

/** A JSON body that may be left out entirely (a POST with nothing to say). */
async function optionalBody(c: Context): Promise<Record<string, unknown>> {
  const length = c.req.header('content-length');
  if (length === '0' || (length === undefined && c.req.header('transfer-encoding') === undefined)) return {};
  return jsonBody(c);
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new GatewayError(400, 'invalid_request_error', `${field} must be a string`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new GatewayError(400, 'invalid_request_error', `${field} must be true or false`);
  return value;
}

async function policyText(c: Context): Promise<string> {
  const body = await jsonBody(c);
  if (typeof body.policy !== 'string')
    throw new GatewayError(400, 'invalid_request_error', 'policy (a string) is required');
  return body.policy;
}

export function registerAdmin(app: Hono<Env>, options: AdminOptions): void {
  const { store } = options;

  /** Validates, stores as the next version, drops what instances cached, and logs who did it. */
  async function activate(
    c: Context,
    tenantId: string,
    policy: string,
    action: string,
    detail: (version: number, policyVersion: string) => string,
  ) {
    const guard = compilePolicy(policy);
    const version = await store.setTenantPolicy(tenantId, policy, actorOf(c));
    options.reloadTenant(tenantId);
    await store.logEvent({
      actor: actorOf(c),
      action,
      target: tenantId,
      detail: detail(version, guard.policy.version),
    });
    return { version, guard };
  }

  app.use('/admin/*', async (c, next) => {
    if (!options.token)
      throw new GatewayError(404, 'not_found_error', 'the admin API is disabled (no admin token set)');
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!presented || !tokenMatches(presented, options.token)) {
      throw new GatewayError(401, 'authentication_error', 'admin token required');
    }
    return next();
  });

  app.get('/admin/v1/tenants', async (c) => c.json({ tenants: await store.listTenants() }));

  app.post('/admin/v1/tenants', async (c) => {
    const body = await jsonBody(c);
    if (typeof body.id !== 'string') throw new GatewayError(400, 'invalid_request_error', 'id (a string) is required');
    const name = optionalString(body, 'name');
    const policy = optionalString(body, 'policy') ?? 'default';
    const allowOverride = optionalBoolean(body, 'allow_policy_override');
    if (await store.getTenant(body.id))
      throw new GatewayError(409, 'invalid_request_error', `tenant '${body.id}' exists`);
    let created: Awaited<ReturnType<typeof createTenantWithKey>>;
    try {
      created = await createTenantWithKey(store, {
        id: body.id,
        ...(name === undefined ? {} : { name }),
        policy,
        pseudonymize: body.pseudonymize === true,
        store_text: body.store_text === true,
        allow_policy_override: allowOverride ?? false,
        actor: actorOf(c),
      });
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError(400, 'invalid_request_error', (error as Error).message);
    }
    return c.json({ tenant: created.tenant, key: created.key }, 201);
  });

  app.get('/admin/v1/tenants/:id', async (c) => {
    const tenant = await tenantOr404(store, c.req.param('id'));
    return c.json({ tenant, keys: await listTenantKeys(store, tenant.id) });
  });

  app.post('/admin/v1/tenants/:id/keys', async (c) => {
    const tenant = await tenantOr404(store, c.req.param('id'));
    const policy = optionalString(await optionalBody(c), 'policy');
    const key = await issueKey(store, tenant.id, { ...(policy === undefined ? {} : { policy }), actor: actorOf(c) });
    return c.json({ key }, 201);
  });

  app.delete('/admin/v1/keys/:keyId', async (c) => {
    const row = await revokeApiKey(store, c.req.param('keyId'), actorOf(c));
    options.reloadTenant(row.tenant_id);
    return c.body(null, 204);
  });

  app.post('/admin/v1/keys/:keyId/rotate', async (c) => {
    const rotated = await rotateKey(store, c.req.param('keyId'), actorOf(c));
    options.reloadTenant(rotated.tenant_id);
    return c.json(rotated, 201);
  });

  app.post('/admin/v1/policies/validate', async (c) => {
    const guard = compilePolicy(await policyText(c));
    return c.json({ valid: true, id: guard.policy.id, version: guard.policy.version });
  });

  app.put('/admin/v1/tenants/:id/policy', async (c) => {
    const tenant = await tenantOr404(store, c.req.param('id'));
    const policy = await policyText(c);
    const { version, guard } = await activate(c, tenant.id, policy, 'policy.activate', (v, hash) => `v${v} ${hash}`);
    return c.json({ version, policy_version: guard.policy.version });
  });

  app.get('/admin/v1/tenants/:id/policy/versions', async (c) => {
    const tenant = await tenantOr404(store, c.req.param('id'));
    return c.json({ active: tenant.policy, versions: await store.policyVersions(tenant.id) });
  });

  app.get('/admin/v1/tenants/:id/policy/diff', async (c) => {
    const tenant = await tenantOr404(store, c.req.param('id'));
    const versions = await store.policyVersions(tenant.id);
    const pick = (n: string | undefined) => versions.find((v) => String(v.version) === n);
    const from = pick(c.req.query('from'));
    const to = pick(c.req.query('to'));
    if (!from || !to)
      throw new GatewayError(400, 'invalid_request_error', 'from and to must be existing version numbers');
    return c.text(lineDiff(effective(from.policy), effective(to.policy)));
  });

  app.post('/admin/v1/tenants/:id/policy/rollback', async (c) => {
    const tenant = await tenantOr404(store, c.req.param('id'));
    const body = await jsonBody(c);
    const target = (await store.policyVersions(tenant.id)).find((v) => v.version === body.version);
    if (!target) throw new GatewayError(400, 'invalid_request_error', 'version must be an existing version number');
    const { version } = await activate(
      c,
      tenant.id,
      target.policy,
      'policy.rollback',
      (v) => `v${v} = v${target.version}`,
    );
    return c.json({ version, restored: target.version });
  });

  app.get('/admin/v1/decisions', async (c) => {
    const tenant = c.req.query('tenant');
    if (!tenant) throw new GatewayError(400, 'invalid_request_error', 'tenant is required');
    const action = c.req.query('action');
    const limit = Number(c.req.query('limit') ?? 100);
    return c.json({ decisions: await store.listDecisions(tenant, { limit, ...(action ? { action } : {}) }) });
  });

  app.get('/admin/v1/events', async (c) => c.json({ events: await store.events(Number(c.req.query('limit') ?? 100)) }));
}
