import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../audit/chain.js';
import { createTenantWithKey } from '../bootstrap.js';
import { startGateway } from '../server.js';
import { startStubUpstream } from '../test-fixtures/stub-upstream.js';
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
