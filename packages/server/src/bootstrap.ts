/** Tenants and keys: creating them, and the first-start tenant `npm start` needs. */
import { newApiKey } from './store/keys.js';
import type { Store, Tenant } from './store/types.js';

export async function createTenantWithKey(
  store: Store,
  input: { id: string; name?: string; policy?: string; store_text?: boolean; pseudonymize?: boolean },
): Promise<{ tenant: Tenant; key: string }> {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(input.id)) {
    throw new Error(`tenant id '${input.id}' must be 1-63 lowercase letters, digits, '-' or '_'`);
  }
  const tenant = await store.createTenant({
    id: input.id,
    name: input.name ?? input.id,
    policy: input.policy ?? 'default',
    store_text: input.store_text ?? false,
    pseudonymize: input.pseudonymize ?? false,
  });
  await store.setTenantPolicy(tenant.id, tenant.policy, 'create');
  const key = await issueKey(store, tenant.id);
  return { tenant, key };
}

/** A new key for an existing tenant; the raw key is returned once and never stored. */
export async function issueKey(store: Store, tenantId: string): Promise<string> {
  const fresh = newApiKey();
  await store.addKey({ id: fresh.id, tenant_id: tenantId, salt: fresh.salt, hash: fresh.hash });
  return fresh.key;
}

/** On an empty store, creates tenant `default` (policy `default`) and returns its key, to print once. */
export async function ensureFirstTenant(store: Store): Promise<string | null> {
  if ((await store.listTenants()).length > 0) return null;
  return (await createTenantWithKey(store, { id: 'default', name: 'Default tenant' })).key;
}
