import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../audit/chain.js';
import { createTenantWithKey, keyIdOf, policySummary, rotateKey } from '../bootstrap.js';
import { startGateway } from '../server.js';
import { startStubUpstream } from '../test-fixtures/stub-upstream.js';
import { policyChannel } from './policy-listener.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { DecisionRecord, Store } from './types.js';

const POSTGRES_URL = process.env.RAILGATE_TEST_POSTGRES_URL;
const dir = mkdtempSync(join(tmpdir(), 'railgate-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function decision(tenant: string, n: number, action = 'allow'): DecisionRecord {
  return {
    decision_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    tenant_id: tenant,
    rail: 'input',
    action,
    rules: action === 'block' ? ['prompt-injection'] : [],
    scores: { 'prompt-injection': action === 'block' ? 0.99 : 0.01 },
    latency_us: 120 + n,
    policy_id: 'default',
    policy_version: 'sha256:test',
    text_sha256: 'ab'.repeat(32),
    text: null,
    created_at: `2026-11-23T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
  };
}

/** The tables as the first release created them (before keys had policies and tenants the override flag). */
function firstReleaseTables(identity: string): string[] {
  return [
    `create table tenants (id text primary key, name text not null, policy text not null,
      store_text integer not null default 0, pseudonymize integer not null default 0, created_at text not null)`,
    `create table api_keys (id text primary key, tenant_id text not null references tenants (id),
      salt text not null, hash text not null, created_at text not null, revoked_at text)`,
    `create table decisions (seq ${identity}, decision_id text not null, tenant_id text not null, rail text not null,
      action text not null, rules text not null, scores text not null, latency_us integer not null,
      policy_id text not null, policy_version text not null, text_sha256 text not null, text text,
      created_at text not null, prev_hash text not null, hash text not null)`,
    `create table policy_versions (tenant_id text not null references tenants (id), version integer not null,
      policy text not null, actor text not null, created_at text not null, primary key (tenant_id, version))`,
    `create table admin_events (seq ${identity}, actor text not null, action text not null, target text not null,
      detail text not null, created_at text not null)`,
    `insert into tenants values ('old', 'Old', 'strict', 0, 1, '2026-01-01T00:00:00.000Z')`,
    `insert into api_keys values ('0123456789ab', 'old', 'ff', 'ee', '2026-01-01T00:00:00.000Z', null)`,
  ];
}

/** Checks a store opened on first-release tables: old rows read with the new fields' defaults, new ones work. */
async function expectUpgraded(store: Store): Promise<void> {
  await store.migrate();
  // Twice: an upgraded database is upgraded again at every start.
  await store.migrate();
  expect(await store.getTenant('old')).toMatchObject({
    policy: 'strict',
    pseudonymize: true,
    allow_policy_override: false,
  });
  expect(await store.getKey('0123456789ab')).toMatchObject({ tenant_id: 'old', policy: null, revoked_at: null });
  await store.addKey({ id: 'ba9876543210', tenant_id: 'old', salt: 'aa', hash: 'bb', policy: 'default' });
  expect((await store.getKey('ba9876543210'))?.policy).toBe('default');
  await store.createTenant({ id: 'new', name: 'New', policy: 'default', allow_policy_override: true });
  expect((await store.getTenant('new'))?.allow_policy_override).toBe(true);
}

/** The behaviour every store must have, run against SQLite and (with the env variable) PostgreSQL. */
function storeContract(name: string, open: () => Promise<Store & { dropSchema?: () => Promise<void> }>): void {
  describe(`${name} store`, () => {
    it('keeps tenants and keys, and revokes keys', async () => {
      const store = await open();
      try {
        const tenant = await store.createTenant({ id: 'acme', name: 'Acme', policy: 'strict', pseudonymize: true });
        expect(tenant).toMatchObject({ id: 'acme', policy: 'strict', store_text: false, pseudonymize: true });
        expect(await store.getTenant('acme')).toEqual(tenant);
        expect(await store.getTenant('nobody')).toBeUndefined();
        await store.addKey({ id: 'a1b2c3d4e5f6', tenant_id: 'acme', salt: 'ff', hash: 'ee' });
        expect((await store.getKey('a1b2c3d4e5f6'))?.revoked_at).toBeNull();
        await store.revokeKey('a1b2c3d4e5f6');
        expect((await store.getKey('a1b2c3d4e5f6'))?.revoked_at).toMatch(/^\d{4}-/);
        await expect(store.createTenant({ id: 'acme', name: 'again', policy: 'default' })).rejects.toThrow();
      } finally {
        await store.close();
      }
    });

    it("binds a key to a policy of its own, and keeps a tenant's override permission (off by default)", async () => {
      const store = await open();
      try {
        const plain = await store.createTenant({ id: 'plain', name: 'Plain', policy: 'default' });
        expect(plain.allow_policy_override).toBe(false);
        const open_ = await store.createTenant({
          id: 'open',
          name: 'Open',
          policy: 'default',
          allow_policy_override: true,
        });
        expect(open_.allow_policy_override).toBe(true);
        expect(await store.getTenant('open')).toEqual(open_);
        expect((await store.listTenants()).map((t) => [t.id, t.allow_policy_override])).toEqual([
          ['plain', false],
          ['open', true],
        ]);
        await store.addKey({ id: '00000000000a', tenant_id: 'plain', salt: 's', hash: 'h' });
        await store.addKey({ id: '00000000000b', tenant_id: 'plain', salt: 's', hash: 'h', policy: 'strict' });
        expect((await store.getKey('00000000000a'))?.policy).toBeNull();
        expect((await store.getKey('00000000000b'))?.policy).toBe('strict');
        const listed = await store.listKeys('plain');
        expect(listed.map((k) => [k.id, k.policy])).toEqual([
          ['00000000000a', null],
          ['00000000000b', 'strict'],
        ]);
        expect(JSON.stringify(listed)).not.toMatch(/salt|hash/);
      } finally {
        await store.close();
      }
    });

    it('revokes a key once: again, or an unknown key, reports false and keeps the first revocation time', async () => {
      const store = await open();
      try {
        await store.createTenant({ id: 'acme', name: 'Acme', policy: 'default' });
        await store.addKey({ id: 'a1b2c3d4e5f6', tenant_id: 'acme', salt: 'ff', hash: 'ee' });
        expect(await store.revokeKey('a1b2c3d4e5f6')).toBe(true);
        const first = (await store.getKey('a1b2c3d4e5f6'))?.revoked_at;
        await new Promise((r) => setTimeout(r, 5));
        expect(await store.revokeKey('a1b2c3d4e5f6')).toBe(false);
        expect((await store.getKey('a1b2c3d4e5f6'))?.revoked_at).toBe(first);
        expect(await store.revokeKey('ffffffffffff')).toBe(false);
        expect(await store.revokeKey("' or 1=1 --")).toBe(false);
      } finally {
        await store.close();
      }
    });

    it('refuses a policy version for a tenant that does not exist, and keeps none', async () => {
      const store = await open();
      try {
        await expect(store.setTenantPolicy('ghost', 'strict', 'alice')).rejects.toThrow("no tenant 'ghost'");
        expect(await store.policyVersions('ghost')).toEqual([]);
        await store.createTenant({ id: 'real', name: 'Real', policy: 'default' });
        expect(await store.setTenantPolicy('real', 'strict', 'alice')).toBe(1);
        expect(await store.setTenantPolicy('real', 'default', 'bob')).toBe(2);
        expect((await store.getTenant('real'))?.policy).toBe('default');
      } finally {
        await store.close();
      }
    });

    it('lets only one of two concurrent rotations of a key through, leaving the tenant one live key', async () => {
      const store = await open();
      try {
        const { key } = await createTenantWithKey(store, { id: 'race', key_policy: 'strict' });
        const results = await Promise.allSettled([
          rotateKey(store, keyIdOf(key), 'alice'),
          rotateKey(store, keyIdOf(key), 'bob'),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect([won.length, lost.length]).toEqual([1, 1]);
        expect(String((lost[0] as PromiseRejectedResult).reason)).toContain('already revoked');
        const live = (await store.listKeys('race')).filter((k) => k.revoked_at === null);
        expect(live.map((k) => [k.id, k.policy])).toEqual([
          [(won[0] as PromiseFulfilledResult<{ id: string }>).value.id, 'strict'],
        ]);
      } finally {
        await store.close();
      }
    });

    it('chains decisions in order across batches and lists them per tenant, newest first', async () => {
      const store = await open();
      try {
        await store.appendDecisions([decision('t1', 1), decision('t2', 2, 'block')]);
        await store.appendDecisions([decision('t1', 3, 'block')]);
        await store.appendDecisions([]);
        const all = await store.allDecisions();
        expect(all.map((d) => [d.seq, d.tenant_id, d.action])).toEqual([
          [all[0]?.seq, 't1', 'allow'],
          [(all[0]?.seq ?? 0) + 1, 't2', 'block'],
          [(all[0]?.seq ?? 0) + 2, 't1', 'block'],
        ]);
        expect(all[0]?.prev_hash).toBe(GENESIS_HASH);
        expect(verifyChain(all)).toEqual([]);
        expect(all[2]?.scores).toEqual({ 'prompt-injection': 0.99 });
        expect((await store.listDecisions('t1')).map((d) => d.decision_id.slice(-1))).toEqual(['3', '1']);
        expect((await store.listDecisions('t1', { action: 'block' })).length).toBe(1);
        expect(await store.listDecisions('t3')).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}

storeContract('SQLite', async () => {
  const store = new SqliteStore(join(dir, `${randomBytes(4).toString('hex')}.db`));
  await store.migrate();
  return store;
});

describe('SQLite store', () => {
  it('upgrades a database made by the first release, keeping its rows', async () => {
    const file = join(dir, `old-${randomBytes(4).toString('hex')}.db`);
    const raw = new Database(file);
    for (const statement of firstReleaseTables('integer primary key autoincrement')) raw.exec(statement);
    raw.close();
    const store = new SqliteStore(file);
    try {
      await expectUpgraded(store);
    } finally {
      await store.close();
    }
  });

  it('has no change notifications: a single process re-checks instead', async () => {
    const store: Store = new SqliteStore(':memory:');
    expect(store.watchPolicies).toBeUndefined();
    await store.close();
  });
});

describe('policySummary', () => {
  it('names a preset, a document by its id, and nothing else of the text', () => {
    expect(policySummary(null)).toBeNull();
    expect(policySummary(' strict\n')).toBe('strict');
    expect(policySummary(JSON.stringify({ id: 'no-acme', extends: 'default' }))).toBe('document no-acme');
    expect(policySummary('id: support\nextends: default\n')).toBe('document support');
    expect(policySummary('extends: strict\n')).toBe('document');
    expect(policySummary(JSON.stringify({ id: '\u001b[31mred\u0007', extends: 'default' }))).toBe('document ?[31mred?');
    expect(policySummary(`{"id": "${'x'.repeat(500)}"}`)).toHaveLength(60);
    expect(policySummary('{not json')).toBe('document (unreadable)');
  });
});

if (POSTGRES_URL) {
  const schemas: string[] = [];
  const fresh = async () => {
    const schema = `railgate_test_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const store = new PostgresStore(POSTGRES_URL, schema);
    await store.migrate();
    return store;
  };
  afterAll(async () => {
    for (const schema of schemas) {
      const store = new PostgresStore(POSTGRES_URL, schema);
      await store.dropSchema();
      await store.close();
    }
  });

  storeContract('PostgreSQL', fresh);

  describe('PostgreSQL store upgrades', () => {
    it('upgrades tables made by the first release, keeping their rows', async () => {
      const schema = `railgate_test_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      const raw = new pg.Client({ connectionString: POSTGRES_URL });
      await raw.connect();
      try {
        await raw.query(`create schema ${schema}`);
        await raw.query(`set search_path = ${schema}`);
        for (const statement of firstReleaseTables('integer generated by default as identity primary key')) {
          await raw.query(statement);
        }
      } finally {
        await raw.end();
      }
      const store = new PostgresStore(POSTGRES_URL, schema);
      try {
        await expectUpgraded(store);
      } finally {
        await store.close();
      }
    });

    it('migrates one fresh schema from several instances starting at once', async () => {
      const schema = `railgate_test_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      const stores = Array.from({ length: 4 }, () => new PostgresStore(POSTGRES_URL, schema));
      try {
        await Promise.all(stores.map((store) => store.migrate()));
        await (stores[0] as PostgresStore).createTenant({ id: 't', name: 'T', policy: 'default' });
        expect((await (stores[3] as PostgresStore).getTenant('t'))?.allow_policy_override).toBe(false);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  });

  describe('PostgreSQL policy-change notifications (LISTEN/NOTIFY)', () => {
    /** What a watcher heard: tenant ids (with the policy the store then read) and reported errors. */
    async function listen(store: PostgresStore, onChange?: (id: string) => void) {
      const heard: Array<{ id: string; policy: string | undefined }> = [];
      const errors: Error[] = [];
      const stop = await store.watchPolicies(
        (id) => {
          // Read at once: a notification sent at commit finds the change already visible.
          void store.getTenant(id).then((t) => heard.push({ id, policy: t?.policy }));
          onChange?.(id);
        },
        (error) => errors.push(error),
      );
      return { heard, errors, stop };
    }

    async function until(what: string, done: () => boolean | Promise<boolean>, ms = 2000): Promise<number> {
      const t0 = Date.now();
      while (!(await done())) {
        if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return Date.now() - t0;
    }

    /** A connection of the test's own, to look at and kill the store's connections. */
    const probe = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    afterAll(() => probe.end());

    /** Backends listening on a store's channel (LISTEN is the last statement a listener's connection ran). */
    async function listenerPids(store: PostgresStore): Promise<number[]> {
      const { rows } = await probe.query<{ pid: number }>('select pid from pg_stat_activity where query = $1', [
        `listen "${store.channel}"`,
      ]);
      return rows.map((r) => r.pid);
    }

    it('tells another instance which tenant changed, within 2 s, after the change is visible', async () => {
      const a = await fresh();
      const b = new PostgresStore(POSTGRES_URL, a.schema);
      try {
        await a.createTenant({ id: 'shop', name: 'Shop', policy: 'default' });
        const watcher = await listen(b);
        await a.setTenantPolicy('shop', 'strict', 'alice');
        const ms = await until('b hears of shop', () => watcher.heard.length === 1);
        expect(ms).toBeLessThan(2000);
        expect(watcher.heard).toEqual([{ id: 'shop', policy: 'strict' }]);
        expect(watcher.errors).toEqual([]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('tells of a revoked key, but not of a revocation that changed nothing', async () => {
      const a = await fresh();
      const b = new PostgresStore(POSTGRES_URL, a.schema);
      try {
        const { key } = await createTenantWithKey(a, { id: 'keys' });
        await a.createTenant({ id: 'marker', name: 'M', policy: 'default' });
        const watcher = await listen(b);
        expect(await a.revokeKey(keyIdOf(key))).toBe(true);
        expect(await a.revokeKey(keyIdOf(key))).toBe(false);
        expect(await a.revokeKey('ffffffffffff')).toBe(false);
        // Notifications arrive in commit order: once the marker is heard, anything before it has been too.
        await a.setTenantPolicy('marker', 'strict', 'alice');
        await until('b hears the marker', () => watcher.heard.some((h) => h.id === 'marker'));
        expect(watcher.heard.map((h) => h.id)).toEqual(['keys', 'marker']);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('does not tell of a change that was refused (no such tenant)', async () => {
      const a = await fresh();
      const b = new PostgresStore(POSTGRES_URL, a.schema);
      try {
        await a.createTenant({ id: 'marker', name: 'M', policy: 'default' });
        const watcher = await listen(b);
        await expect(a.setTenantPolicy('ghost', 'strict', 'mallory')).rejects.toThrow();
        await a.setTenantPolicy('marker', 'strict', 'alice');
        await until('b hears the marker', () => watcher.heard.some((h) => h.id === 'marker'));
        expect(watcher.heard.map((h) => h.id)).toEqual(['marker']);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it("does not hear another schema's changes", async () => {
      const mine = await fresh();
      const other = await fresh();
      expect(other.channel).not.toBe(mine.channel);
      try {
        await other.createTenant({ id: 'theirs', name: 'T', policy: 'default' });
        await mine.createTenant({ id: 'ours', name: 'O', policy: 'default' });
        const watcher = await listen(mine);
        await other.setTenantPolicy('theirs', 'strict', 'alice');
        await mine.setTenantPolicy('ours', 'strict', 'alice');
        await until('mine hears ours', () => watcher.heard.some((h) => h.id === 'ours'));
        expect(watcher.heard.map((h) => h.id)).toEqual(['ours']);
      } finally {
        await Promise.all([mine.close(), other.close()]);
      }
    });

    it('stops a watcher when it is stopped, and every watcher when the store closes', async () => {
      const a = await fresh();
      const b = new PostgresStore(POSTGRES_URL, a.schema);
      const c = new PostgresStore(POSTGRES_URL, a.schema);
      try {
        await a.createTenant({ id: 'shop', name: 'Shop', policy: 'default' });
        const stopped = await listen(b);
        const closed = await listen(c);
        const control = await listen(a);
        expect(await listenerPids(a)).toHaveLength(3);
        await stopped.stop();
        await c.close();
        await until('both listener connections are gone', async () => (await listenerPids(a)).length === 1);
        await a.setTenantPolicy('shop', 'strict', 'alice');
        await until('the control watcher hears it', () => control.heard.length === 1);
        await new Promise((r) => setTimeout(r, 200));
        expect([stopped.heard, closed.heard, stopped.errors, closed.errors]).toEqual([[], [], [], []]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('reconnects after its connection is killed, reporting the loss instead of throwing', async () => {
      const a = await fresh();
      const b = new PostgresStore(POSTGRES_URL, a.schema);
      try {
        await a.createTenant({ id: 'shop', name: 'Shop', policy: 'default' });
        const watcher = await listen(b);
        const [pid] = await listenerPids(a);
        await probe.query('select pg_terminate_backend($1)', [pid]);
        await until('the loss is reported', () => watcher.errors.length > 0);
        await until(
          'a new listener connection',
          async () => {
            const pids = await listenerPids(a);
            return pids.length === 1 && pids[0] !== pid;
          },
          5000,
        );
        await a.setTenantPolicy('shop', 'strict', 'alice');
        await until('b hears of shop again', () => watcher.heard.length === 1);
        expect(watcher.heard).toEqual([{ id: 'shop', policy: 'strict' }]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('keeps delivering when a callback throws, reporting the error', async () => {
      const a = await fresh();
      const b = new PostgresStore(POSTGRES_URL, a.schema);
      try {
        await a.createTenant({ id: 'shop', name: 'Shop', policy: 'default' });
        const watcher = await listen(b, () => {
          throw new Error('callback failed');
        });
        await a.setTenantPolicy('shop', 'strict', 'alice');
        await a.setTenantPolicy('shop', 'default', 'alice');
        await until('both changes are heard', () => watcher.heard.length === 2);
        expect(watcher.errors.map((e) => e.message)).toEqual(['callback failed', 'callback failed']);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('resolves and reports, never throws, when the database cannot be reached; close stops retrying', async () => {
      const store = new PostgresStore('postgres://postgres@127.0.0.1:1/test', 'railgate_unreachable');
      const errors: Error[] = [];
      const stop = await store.watchPolicies(
        () => undefined,
        (error) => errors.push(error),
      );
      expect(typeof stop).toBe('function');
      expect(errors.length).toBe(1);
      await store.close();
      await new Promise((r) => setTimeout(r, 1300));
      expect(errors.length).toBe(1);
    });

    it('hashes a schema name too long for a channel, and still delivers', async () => {
      const schema = `railgate_test_${randomBytes(5).toString('hex')}_`.padEnd(63, 'x');
      schemas.push(schema);
      expect(Buffer.byteLength(`railgate_policy_${schema}`)).toBeGreaterThan(63);
      expect(policyChannel(schema)).toMatch(/^railgate_policy_[0-9a-f]{40}$/);
      const a = new PostgresStore(POSTGRES_URL, schema);
      const b = new PostgresStore(POSTGRES_URL, schema);
      try {
        await a.migrate();
        await a.createTenant({ id: 'shop', name: 'Shop', policy: 'default' });
        const watcher = await listen(b);
        await a.setTenantPolicy('shop', 'strict', 'alice');
        await until('b hears of shop', () => watcher.heard.length === 1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });

  describe('two gateway instances sharing PostgreSQL', () => {
    it('serve the same tenant and write one intact audit chain with every decision', async () => {
      const seed = await fresh();
      const { key } = await createTenantWithKey(seed, { id: 'two-instances' });
      const schema = seed.schema;
      await seed.close();
      const stub = await startStubUpstream();
      const start = () =>
        startGateway({ store: new PostgresStore(POSTGRES_URL, schema), port: 0, upstream: { baseUrl: stub.baseUrl } });
      const [a, b] = await Promise.all([start(), start()]);
      try {
        const clients = [a, b].map((g) => new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0 }));
        const requests = Array.from({ length: 40 }, (_, i) =>
          (clients[i % 2] as OpenAI).chat.completions.create({
            model: 'm',
            messages: [{ role: 'user', content: `Question number ${i}: what is ${i} squared?` }],
          }),
        );
        const answers = await Promise.all(requests);
        expect(answers.every((r) => r.choices[0]?.message.content === 'Hello from the stub.')).toBe(true);
        await Promise.all([a.gateway.audit.flush(), b.gateway.audit.flush()]);
        const rows = await a.store.allDecisions();
        // Each request is two decisions: its input and its answer.
        expect(rows.length).toBe(80);
        expect(new Set(rows.map((r) => r.decision_id)).size).toBe(80);
        expect(verifyChain(rows)).toEqual([]);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await stub.close();
      }
    });
  });
}
