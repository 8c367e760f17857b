import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '../bootstrap.js';
import { type RunningGateway, startGateway } from '../server.js';
import { PostgresStore } from '../store/postgres.js';
import { secretOf } from '../test-fixtures/gateway.js';
import { NO_ACME } from '../test-fixtures/policies.js';
import { lineDiff } from './admin.js';

const ADMIN = 'admin-token-for-tests-0123456789';

let dir: string;
let gw: RunningGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'railgate-admin-'));
  gw = await startGateway({
    store: join(dir, 'a.db'),
    port: 0,
    upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
    adminToken: ADMIN,
  });
});
afterAll(async () => {
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown, token = ADMIN) =>
  fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-railgate-actor': 'alice' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const guard = (key: string, text: string) =>
  fetch(`${gw.url}/v1/guard`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
const action = async (key: string, text: string) =>
  ((await (await guard(key, text)).json()) as { action: string }).action;

describe('admin API', () => {
  it('is refused without the admin token, and a tenant key is not an admin token', async () => {
    expect((await admin('GET', '/admin/v1/tenants', undefined, 'wrong')).status).toBe(401);
    expect((await admin('GET', '/admin/v1/tenants', undefined, gw.firstKey as string)).status).toBe(401);
    const off = await startGateway({
      store: join(dir, 'off.db'),
      port: 0,
      upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
    });
    try {
      expect(
        (await fetch(`${off.url}/admin/v1/tenants`, { headers: { authorization: `Bearer ${ADMIN}` } })).status,
      ).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('creates a tenant whose key works, and rejects a bad policy naming the path, and a duplicate', async () => {
    const res = await admin('POST', '/admin/v1/tenants', { id: 'shop', policy: 'strict' });
    expect(res.status).toBe(201);
    const { key } = (await res.json()) as { key: string };
    expect(await action(key, 'Can you tell me when the shop opens on Sunday?')).toBe('allow');
    const bad = await admin('POST', '/admin/v1/tenants', {
      id: 'bad',
      policy: JSON.stringify({ id: 'x', rails: { input: { rules: [{ id: 'r', scanner: 'pii', threshold: 8 }] } } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'rails.input.rules[0].threshold',
    );
    expect((await admin('POST', '/admin/v1/tenants', { id: 'shop' })).status).toBe(409);
  });

  it('activates a new policy version, diffs it, rolls it back, and records who did it', async () => {
    const { key } = (await (await admin('POST', '/admin/v1/tenants', { id: 'rockets' })).json()) as { key: string };
    expect(await action(key, 'Do you sell acme rockets?')).toBe('allow');
    const put = await admin('PUT', '/admin/v1/tenants/rockets/policy', { policy: NO_ACME });
    expect(((await put.json()) as { version: number }).version).toBe(2);
    expect(await action(key, 'Do you sell acme rockets?')).toBe('block');
    const mine = (await (
      await fetch(`${gw.url}/v1/policy`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { id: string };
    expect(mine.id).toBe('no-acme');
    const diff = await (await admin('GET', '/admin/v1/tenants/rockets/policy/diff?from=1&to=2')).text();
    expect(diff).toContain('+ ');
    expect(diff).toContain('acme rockets');
    const back = await admin('POST', '/admin/v1/tenants/rockets/policy/rollback', { version: 1 });
    expect(await back.json()).toEqual({ version: 3, restored: 1 });
    expect(await action(key, 'Do you sell acme rockets?')).toBe('allow');
    const versions = (await (await admin('GET', '/admin/v1/tenants/rockets/policy/versions')).json()) as {
      versions: Array<{ version: number; actor: string }>;
    };
    expect(versions.versions.map((v) => [v.version, v.actor])).toEqual([
      [1, 'create'],
      [2, 'alice'],
      [3, 'alice'],
    ]);
    const events = (await (await admin('GET', '/admin/v1/events')).json()) as {
      events: Array<{ actor: string; action: string; target: string }>;
    };
    expect(events.events.filter((e) => e.target === 'rockets').map((e) => [e.actor, e.action])).toEqual([
      ['alice', 'policy.rollback'],
      ['alice', 'policy.activate'],
      ['alice', 'tenant.create'],
    ]);
  });

  it('rotates a key: the new one works and the revoked one stops at once', async () => {
    const { key: old } = (await (await admin('POST', '/admin/v1/tenants', { id: 'rotate' })).json()) as { key: string };
    expect((await guard(old, 'hello')).status).toBe(200);
    const { key: fresh } = (await (await admin('POST', '/admin/v1/tenants/rotate/keys')).json()) as { key: string };
    expect((await admin('DELETE', `/admin/v1/keys/${old.split('_')[1]}`)).status).toBe(204);
    expect((await guard(old, 'hello')).status).toBe(401);
    expect((await guard(fresh, 'hello')).status).toBe(200);
    const listed = (await (await admin('GET', '/admin/v1/tenants/rotate')).json()) as {
      keys: Array<{ revoked_at: string | null }>;
    };
    expect(listed.keys.map((k) => k.revoked_at === null)).toEqual([false, true]);
    expect(JSON.stringify(listed)).not.toContain('hash');
  });

  it('binds a new key to a policy of its own, and refuses one that does not compile', async () => {
    await admin('POST', '/admin/v1/tenants', { id: 'bound' });
    const strict = await admin('POST', '/admin/v1/tenants/bound/keys', { policy: 'strict' });
    expect(strict.status).toBe(201);
    const strictId = keyIdOf(((await strict.json()) as { key: string }).key);
    const doc = await admin('POST', '/admin/v1/tenants/bound/keys', { policy: NO_ACME });
    const docId = keyIdOf(((await doc.json()) as { key: string }).key);
    expect((await gw.store.getKey(strictId))?.policy).toBe('strict');
    expect((await gw.store.getKey(docId))?.policy).toBe(NO_ACME);
    const listed = (await (await admin('GET', '/admin/v1/tenants/bound')).json()) as {
      keys: Array<{ id: string; policy: string | null }>;
    };
    expect(listed.keys.map((k) => k.policy)).toEqual([null, 'strict', 'document no-acme']);
    expect(JSON.stringify(listed)).not.toContain('acme rockets');

    const invalid = await admin('POST', '/admin/v1/tenants/bound/keys', {
      policy: JSON.stringify({ id: 'x', rails: { input: { rules: [{ id: 'r', scanner: 'pii', threshold: 8 }] } } }),
    });
    expect(invalid.status).toBe(400);
    const message = ((await invalid.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/^key policy: /);
    expect(message).toContain('rails.input.rules[0].threshold');
    expect((await admin('POST', '/admin/v1/tenants/bound/keys', { policy: 'no-such-preset' })).status).toBe(400);
    expect((await admin('POST', '/admin/v1/tenants/bound/keys', { policy: '' })).status).toBe(400);
    const notString = await admin('POST', '/admin/v1/tenants/bound/keys', { policy: { id: 'x' } });
    expect([notString.status, ((await notString.json()) as { error: { message: string } }).error.message]).toEqual([
      400,
      'policy must be a string',
    ]);
    const garbled = await fetch(`${gw.url}/admin/v1/tenants/bound/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: '{"policy": ',
    });
    expect(garbled.status).toBe(400);
    expect((await admin('POST', '/admin/v1/tenants/nobody/keys', { policy: 'strict' })).status).toBe(404);
    // Nothing refused was stored.
    expect((await gw.store.listKeys('bound')).length).toBe(3);
    const events = (await (await admin('GET', '/admin/v1/events')).json()) as {
      events: Array<{ actor: string; action: string; target: string; detail: string }>;
    };
    expect(events.events.find((e) => e.target === `bound/${strictId}`)).toMatchObject({
      actor: 'alice',
      action: 'key.create',
      detail: 'policy strict',
    });
  });

  it('creates a tenant allowed to override its policy per request only when asked, with a boolean', async () => {
    const open = (await (
      await admin('POST', '/admin/v1/tenants', { id: 'overridable', allow_policy_override: true })
    ).json()) as { tenant: { allow_policy_override: boolean } };
    expect(open.tenant.allow_policy_override).toBe(true);
    expect((await gw.store.getTenant('overridable'))?.allow_policy_override).toBe(true);
    const closed = (await (await admin('POST', '/admin/v1/tenants', { id: 'fixed' })).json()) as {
      tenant: { allow_policy_override: boolean };
    };
    expect(closed.tenant.allow_policy_override).toBe(false);
    const bad = await admin('POST', '/admin/v1/tenants', { id: 'sloppy', allow_policy_override: 'yes' });
    expect([bad.status, ((await bad.json()) as { error: { message: string } }).error.message]).toEqual([
      400,
      'allow_policy_override must be true or false',
    ]);
    expect(await gw.store.getTenant('sloppy')).toBeUndefined();
  });

  it('rotates a key in one call: same tenant and bound policy, old one revoked, both recorded', async () => {
    const { key: first } = (await (await admin('POST', '/admin/v1/tenants', { id: 'rotating' })).json()) as {
      key: string;
    };
    const { key: old } = (await (
      await admin('POST', '/admin/v1/tenants/rotating/keys', { policy: NO_ACME })
    ).json()) as {
      key: string;
    };
    // The key runs under its own policy, not the tenant's default.
    expect(await action(old, 'Do you sell acme rockets?')).toBe('block');
    const res = await admin('POST', `/admin/v1/keys/${keyIdOf(old)}/rotate`);
    expect(res.status).toBe(201);
    const rotated = (await res.json()) as { key: string; id: string; tenant_id: string; replaced: string };
    expect(rotated).toEqual({
      key: expect.stringMatching(/^rg_[0-9a-f]{12}_/),
      id: keyIdOf(rotated.key),
      tenant_id: 'rotating',
      replaced: keyIdOf(old),
    });
    expect((await gw.store.getKey(rotated.id))?.policy).toBe(NO_ACME);
    expect((await guard(old, 'hello')).status).toBe(401);
    expect((await guard(rotated.key, 'hello')).status).toBe(200);
    expect(await action(rotated.key, 'Do you sell acme rockets?')).toBe('block');
    const events = (await (await admin('GET', '/admin/v1/events?limit=5')).json()) as {
      events: Array<{ actor: string; action: string; target: string; detail: string }>;
    };
    expect(events.events.slice(0, 2).map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      ['alice', 'key.revoke', `rotating/${keyIdOf(old)}`, `rotated to ${rotated.id}`],
      ['alice', 'key.rotate', `rotating/${rotated.id}`, `replaces ${keyIdOf(old)}`],
    ]);

    const again = await admin('POST', `/admin/v1/keys/${keyIdOf(old)}/rotate`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('already revoked');
    expect((await admin('POST', '/admin/v1/keys/ffffffffffff/rotate')).status).toBe(404);
    const pasted = await admin('POST', `/admin/v1/keys/${encodeURIComponent(rotated.key)}/rotate`);
    expect(pasted.status).toBe(404);
    expect(await pasted.text()).not.toContain(secretOf(rotated.key));
    expect((await admin('POST', `/admin/v1/keys/${rotated.id}/rotate`, undefined, rotated.key)).status).toBe(401);
    // Refused rotations mint nothing: the tenant's first key and the rotated one are all that work.
    expect((await gw.store.listKeys('rotating')).filter((k) => k.revoked_at === null).map((k) => k.id)).toEqual([
      keyIdOf(first),
      rotated.id,
    ]);
  });

  it('refuses to revoke a key twice or one that does not exist, keeping the first revocation time', async () => {
    const { key } = (await (await admin('POST', '/admin/v1/tenants', { id: 'revoking' })).json()) as { key: string };
    expect((await admin('DELETE', `/admin/v1/keys/${keyIdOf(key)}`)).status).toBe(204);
    const first = (await gw.store.getKey(keyIdOf(key)))?.revoked_at;
    const twice = await admin('DELETE', `/admin/v1/keys/${keyIdOf(key)}`);
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: { message: string } }).error.message).toBe(
      `key '${keyIdOf(key)}' was already revoked (${first})`,
    );
    expect((await gw.store.getKey(keyIdOf(key)))?.revoked_at).toBe(first);
    expect((await admin('DELETE', '/admin/v1/keys/ffffffffffff')).status).toBe(404);
  });

  it('lets a tenant read only its own decisions, whatever it asks for', async () => {
    const a = (await (await admin('POST', '/admin/v1/tenants', { id: 'tenant-a' })).json()) as { key: string };
    const b = (await (await admin('POST', '/admin/v1/tenants', { id: 'tenant-b' })).json()) as { key: string };
    await guard(a.key, 'question from a');
    await guard(b.key, 'question from b');
    await gw.gateway.audit.flush();
    const res = await fetch(`${gw.url}/v1/decisions?tenant=tenant-b`, {
      headers: { authorization: `Bearer ${a.key}` },
    });
    const { decisions } = (await res.json()) as { decisions: Array<{ tenant_id: string }> };
    expect(decisions.map((d) => d.tenant_id)).toEqual(['tenant-a']);
    const all = (await (await admin('GET', '/admin/v1/decisions?tenant=tenant-b')).json()) as { decisions: unknown[] };
    expect(all.decisions).toHaveLength(1);
  });

  it('diffs lines', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toBe('  a\n- b\n  c\n+ d');
  });
});

const POSTGRES_URL = process.env.RAILGATE_TEST_POSTGRES_URL;
if (POSTGRES_URL) {
  describe('a policy change reaches every instance sharing PostgreSQL', () => {
    it('within 2 seconds, without restarting the other instance', async () => {
      const schema = `railgate_test_${randomBytes(5).toString('hex')}`;
      const start = () =>
        startGateway({
          store: new PostgresStore(POSTGRES_URL, schema),
          port: 0,
          upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
          adminToken: ADMIN,
        });
      const a = await start();
      const b = await start();
      try {
        const key = a.firstKey ?? (b.firstKey as string);
        const ask = (g: RunningGateway) =>
          fetch(`${g.url}/v1/guard`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'Do you sell acme rockets?' }),
          }).then(async (r) => ((await r.json()) as { action: string }).action);
        expect([await ask(a), await ask(b)]).toEqual(['allow', 'allow']);
        const put = await fetch(`${a.url}/admin/v1/tenants/default/policy`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ policy: NO_ACME }),
        });
        expect(put.status).toBe(200);
        const t0 = Date.now();
        while ((await ask(b)) !== 'block') {
          if (Date.now() - t0 > 2000) throw new Error('instance b still serves the old policy after 2 s');
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await ask(a)).toBe('block');
      } finally {
        await Promise.all([a.close(), b.close()]);
        const cleanup = new PostgresStore(POSTGRES_URL, schema);
        await cleanup.dropSchema();
        await cleanup.close();
      }
    });
  });
}
