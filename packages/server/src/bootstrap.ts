/**
 * Tenants and keys: creating, listing, revoking and rotating them, and the first-start tenant `npm start`
 * needs. The admin API and the `railgate keys` commands both go through here, so both validate alike and
 * record the same admin events.
 */
import { GatewayError } from './gateway/errors.js';
import { compilePolicy, policyInput } from './gateway/policy-input.js';
import { newApiKey } from './store/keys.js';
import type { ApiKeyRow, KeyInfo, Store, Tenant } from './store/types.js';

export interface NewTenant {
  id: string;
  name?: string;
  /** The tenant's policy: a preset name or a policy document. Default `default`. */
  policy?: string;
  store_text?: boolean;
  pseudonymize?: boolean;
  allow_policy_override?: boolean;
  /** A policy of the first key's own; default: none (the key runs under the tenant's policy). */
  key_policy?: string;
  /** Who creates it; when given, recorded as admin events. */
  actor?: string;
}

export interface IssueKeyOptions {
  /** The key's own policy (a preset name or a policy document); default: the tenant's. */
  policy?: string;
  /** Who creates it; when given, recorded as an admin event. */
  actor?: string;
}

/** A key as the admin API and `railgate keys list` show it. */
export interface KeyListing {
  id: string;
  created_at: string;
  revoked_at: string | null;
  /** Null: the tenant's policy. Otherwise a short name of the key's own policy (see `policySummary`). */
  policy: string | null;
}

export interface RotatedKey {
  /** The new key, to show once. */
  key: string;
  id: string;
  tenant_id: string;
  /** The id of the key it replaces, now revoked. */
  replaced: string;
}

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SUMMARY_LENGTH = 60;

/** Refuses a policy that does not compile, with every problem and its path (400 through the admin API). */
function validatePolicy(policy: string, what: string): void {
  try {
    compilePolicy(policy);
  } catch (error) {
    if (error instanceof GatewayError) {
      throw new GatewayError(error.status, error.type, `${what}: ${error.message}`, error.code);
    }
    throw error;
  }
}

export async function createTenantWithKey(store: Store, input: NewTenant): Promise<{ tenant: Tenant; key: string }> {
  if (!TENANT_ID.test(input.id)) {
    throw new Error(`tenant id '${input.id}' must be 1-63 lowercase letters, digits, '-' or '_'`);
  }
  const policy = input.policy ?? 'default';
  // Both policies are checked before anything is written: no tenant is left behind without its key.
  validatePolicy(policy, 'tenant policy');
  if (input.key_policy !== undefined) validatePolicy(input.key_policy, 'key policy');
  const tenant = await store.createTenant({
    id: input.id,
    name: input.name ?? input.id,
    policy,
    store_text: input.store_text ?? false,
    pseudonymize: input.pseudonymize ?? false,
    allow_policy_override: input.allow_policy_override ?? false,
  });
  await store.setTenantPolicy(tenant.id, tenant.policy, 'create');
  if (input.actor !== undefined) {
    await store.logEvent({
      actor: input.actor,
      action: 'tenant.create',
      target: tenant.id,
      detail: tenantDetail(tenant),
    });
  }
  const key = await issueKey(store, tenant.id, {
    ...(input.key_policy !== undefined ? { policy: input.key_policy } : {}),
    ...(input.actor !== undefined ? { actor: input.actor } : {}),
  });
  return { tenant, key };
}

function tenantDetail(tenant: Tenant): string {
  const flags = (['pseudonymize', 'store_text', 'allow_policy_override'] as const).filter((flag) => tenant[flag]);
  return [`policy ${tenant.policy.slice(0, 80)}`, ...flags].join('; ');
}

/** The id part of a key `rg_<id>_<secret>`. */
export function keyIdOf(key: string): string {
  return key.split('_')[1] ?? '';
}

/** A new key for an existing tenant; the raw key is returned once and never stored. */
export async function issueKey(store: Store, tenantId: string, options: IssueKeyOptions = {}): Promise<string> {
  if (options.policy !== undefined) validatePolicy(options.policy, 'key policy');
  if (!(await store.getTenant(tenantId))) throw new GatewayError(404, 'not_found_error', `no tenant '${tenantId}'`);
  const fresh = newApiKey();
  await store.addKey({
    id: fresh.id,
    tenant_id: tenantId,
    salt: fresh.salt,
    hash: fresh.hash,
    policy: options.policy ?? null,
  });
  if (options.actor !== undefined) {
    await store.logEvent({
      actor: options.actor,
      action: 'key.create',
      target: `${tenantId}/${fresh.id}`,
      detail: options.policy === undefined ? '' : `policy ${policySummary(options.policy)}`,
    });
  }
  return fresh.key;
}

const KEY_ID = /^[0-9a-f]{12}$/;

async function liveKey(store: Store, keyId: string): Promise<ApiKeyRow> {
  // Not echoed unless it is shaped like an id: a whole key pasted by mistake must not reach logs or terminals.
  if (!KEY_ID.test(keyId)) {
    throw new GatewayError(404, 'not_found_error', 'no such key: a key id is the 12 hex digits after rg_');
  }
  const row = await store.getKey(keyId);
  if (!row) throw new GatewayError(404, 'not_found_error', `no key '${keyId}'`);
  if (row.revoked_at) throw alreadyRevoked(row);
  return row;
}

function alreadyRevoked(row: Pick<ApiKeyRow, 'id' | 'revoked_at'>): GatewayError {
  return new GatewayError(409, 'invalid_request_error', `key '${row.id}' was already revoked (${row.revoked_at})`);
}

/** Revokes a live key and records who did it; unknown and already revoked keys are refused (404, 409). */
export async function revokeApiKey(store: Store, keyId: string, actor: string): Promise<ApiKeyRow> {
  const row = await liveKey(store, keyId);
  if (!(await store.revokeKey(row.id))) throw alreadyRevoked((await store.getKey(row.id)) ?? row);
  await store.logEvent({ actor, action: 'key.revoke', target: `${row.tenant_id}/${row.id}`, detail: '' });
  return row;
}

/**
 * Replaces a live key by a new one for the same tenant with the same bound policy, and revokes the old
 * one. The new key is made first: were the revocation to fail, the tenant would still hold a working key.
 * Of two concurrent rotations of one key, one succeeds; the other's new key is revoked unseen (409).
 */
export async function rotateKey(store: Store, keyId: string, actor: string): Promise<RotatedKey> {
  const old = await liveKey(store, keyId);
  const key = await issueKey(store, old.tenant_id, old.policy === null ? {} : { policy: old.policy });
  const id = keyIdOf(key);
  if (!(await store.revokeKey(old.id))) {
    await store.revokeKey(id);
    throw alreadyRevoked((await store.getKey(old.id)) ?? old);
  }
  await store.logEvent({
    actor,
    action: 'key.rotate',
    target: `${old.tenant_id}/${id}`,
    detail: `replaces ${old.id}`,
  });
  await store.logEvent({
    actor,
    action: 'key.revoke',
    target: `${old.tenant_id}/${old.id}`,
    detail: `rotated to ${id}`,
  });
  return { key, id, tenant_id: old.tenant_id, replaced: old.id };
}

/** A tenant's keys, oldest first, with a short name of each key's own policy; unknown tenant: 404. */
export async function listTenantKeys(store: Store, tenantId: string): Promise<KeyListing[]> {
  if (!(await store.getTenant(tenantId))) throw new GatewayError(404, 'not_found_error', `no tenant '${tenantId}'`);
  return (await store.listKeys(tenantId)).map(keyListing);
}

function keyListing(row: KeyInfo): KeyListing {
  return { id: row.id, created_at: row.created_at, revoked_at: row.revoked_at, policy: policySummary(row.policy) };
}

/**
 * A short name for a policy, for listings: a preset's name as is (`strict`), a document as `document <id>`
 * (its `id` field), or `document` when it has none; at most 60 characters. Null stays null.
 */
export function policySummary(policy: string | null): string | null {
  if (policy === null) return null;
  let input: ReturnType<typeof policyInput>;
  try {
    input = policyInput(policy);
  } catch {
    return 'document (unreadable)';
  }
  if (typeof input === 'string') return input.slice(0, SUMMARY_LENGTH);
  // Listings go to terminals: nothing from a document may carry control characters there.
  const id = typeof input.id === 'string' ? ` ${input.id.replace(/[^\x20-\x7e]/g, '?')}` : '';
  return `document${id}`.slice(0, SUMMARY_LENGTH);
}

/** On an empty store, creates tenant `default` (policy `default`) and returns its key, to print once. */
export async function ensureFirstTenant(store: Store): Promise<string | null> {
  if ((await store.listTenants()).length > 0) return null;
  return (await createTenantWithKey(store, { id: 'default', name: 'Default tenant' })).key;
}
