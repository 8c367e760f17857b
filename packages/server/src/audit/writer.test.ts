import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTenantWithKey } from '../bootstrap.js';
import { createGateway } from '../gateway/app.js';
import { startGateway } from '../server.js';
import { PostgresStore } from '../store/postgres.js';
import { SqliteStore } from '../store/sqlite.js';
import type { DecisionRecord } from '../store/types.js';
import { startStubUpstream } from '../test-fixtures/stub-upstream.js';
import { verifyChain } from './chain.js';
import { AuditWriter } from './writer.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real SQLite store with a switch that makes writes fail, as a database outage does. */
class OutageStore extends SqliteStore {
  down = false;
  override async appendDecisions(records: DecisionRecord[]): Promise<void> {
    if (this.down) throw new Error('connection refused (outage)');
    return super.appendDecisions(records);
  }
}

function record(n: number): DecisionRecord {
  return {
    decision_id: `d-${n}`,
    tenant_id: 't',
    rail: 'input',
    action: 'allow',
    rules: [],
    scores: {},
    latency_us: n,
    policy_id: 'default',
    policy_version: 'v',
    text_sha256: '00',
    text: null,
    created_at: '2026-11-23T00:00:00.000Z',
  };
}

async function openOutageStore(name: string): Promise<OutageStore> {
  const store = new OutageStore(join(dir, `${name}.db`));
  await store.migrate();
  return store;
}

describe('audit spool', () => {
  it('spools to disk while the store is down and replays in order when it is back', async () => {
    const store = await openOutageStore('outage');
    const spoolPath = join(dir, 'outage.spool');
    const audit = new AuditWriter(store, { spoolPath, batchSize: 3 });
    store.down = true;
    for (let n = 1; n <= 7; n++) audit.push(record(n));
    await audit.flush();
    expect([audit.depth, audit.written, existsSync(spoolPath)]).toEqual([0, 0, true]);
    expect(readFileSync(spoolPath, 'utf8').trim().split('\n')).toHaveLength(7);
    audit.push(record(8));
    await audit.flush();
    store.down = false;
    audit.push(record(9));
    await audit.close();
    const rows = await store.allDecisions();
    expect(rows.map((r) => r.decision_id)).toEqual(['d-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6', 'd-7', 'd-8', 'd-9']);
    expect(verifyChain(rows)).toEqual([]);
    expect(existsSync(spoolPath)).toBe(false);
    await store.close();
  });

  it('replays a spool left by an earlier run on the first flush', async () => {
    const store = await openOutageStore('restart');
    const spoolPath = join(dir, 'restart.spool');
    store.down = true;
    const first = new AuditWriter(store, { spoolPath });
    first.push(record(1));
    first.push(record(2));
    await first.close();
    store.down = false;
    const second = new AuditWriter(store, { spoolPath });
    expect(second.spooled).toBeGreaterThan(0);
    second.push(record(3));
    await second.close();
    expect((await store.allDecisions()).map((r) => r.decision_id)).toEqual(['d-1', 'd-2', 'd-3']);
    await store.close();
  });

  it('when the spool is full: fail_closed answers 503, fail_open serves and counts what it loses', async () => {
    const store = await openOutageStore('full');
    const { key } = await createTenantWithKey(store, { id: 'full' });
    store.down = true;
    const request = (app: ReturnType<typeof createGateway>['app']) =>
      app.request('/v1/guard', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'What is the tallest mountain in Africa?' }),
      });
    for (const mode of ['fail_closed', 'fail_open'] as const) {
      const audit = new AuditWriter(store, { spoolPath: join(dir, `full-${mode}.spool`), maxSpoolBytes: 600 });
      const { app } = createGateway({
        store,
        audit,
        upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
        auditOnFull: mode,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await request(app)).status);
        await audit.flush();
      }
      expect(audit.full).toBe(true);
      if (mode === 'fail_closed') {
        expect(statuses.slice(-2)).toEqual([503, 503]);
        const body = (await (await request(app)).json()) as { error: { type: string } };
        expect(body.error.type).toBe('overloaded_error');
      } else {
        expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
        expect(audit.dropped).toBeGreaterThan(0);
      }
    }
    await store.close();
  });

  it('refuses to start, naming the cause, when the store cannot be reached', async () => {
    await expect(
      startGateway({
        store: 'postgres://postgres@127.0.0.1:9/none',
        port: 0,
        upstream: { baseUrl: 'http://127.0.0.1:9' },
      }),
    ).rejects.toThrow(/^cannot open the store: .*ECONNREFUSED/);
  });
});

const POSTGRES_URL = process.env.RAILGATE_TEST_POSTGRES_URL;
if (POSTGRES_URL) {
  /** A TCP relay to PostgreSQL that can be cut and restored: a real outage as the gateway sees it. */
  async function relay(target: URL): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
    let up = true;
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      if (!up) {
        client.destroy();
        return;
      }
      const upstream = new Socket();
      upstream.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as { port: number }).port,
      cut() {
        up = false;
        for (const s of sockets) s.destroy();
      },
      restore() {
        up = true;
      },
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  describe('PostgreSQL going down mid-run', () => {
    it('keeps serving, spools every decision, and writes them all when the database is back', async () => {
      const target = new URL(POSTGRES_URL);
      const proxy = await relay(target);
      const viaProxy = new URL(POSTGRES_URL);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const schema = `railgate_test_${randomBytes(5).toString('hex')}`;
      const stub = await startStubUpstream();
      const gw = await startGateway({
        store: new PostgresStore(viaProxy.toString(), schema),
        port: 0,
        upstream: { baseUrl: stub.baseUrl },
        auditSpool: join(dir, 'pg.spool'),
      });
      const key = gw.firstKey as string;
      const ask = (i: number) =>
        fetch(`${gw.url}/v1/guard`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: `Is ${i} a prime number?` }),
        }).then((r) => r.status);
      try {
        expect(await ask(0)).toBe(200);
        await gw.gateway.audit.flush();
        proxy.cut();
        const during = [];
        for (let i = 1; i <= 10; i++) during.push(await ask(i));
        await gw.gateway.audit.flush();
        expect(during.every((s) => s === 200)).toBe(true);
        expect(gw.gateway.audit.spooled).toBeGreaterThan(0);
        const ready = await fetch(`${gw.url}/readyz`);
        expect(ready.status).toBe(503);
        proxy.restore();
        await gw.gateway.audit.flush();
        expect(gw.gateway.audit.spooled).toBe(0);
        const rows = await gw.store.allDecisions();
        expect(rows).toHaveLength(11);
        expect(verifyChain(rows)).toEqual([]);
      } finally {
        await gw.close();
        await stub.close();
        const cleanup = new PostgresStore(POSTGRES_URL, schema);
        await cleanup.dropSchema();
        await cleanup.close();
        await proxy.close();
      }
    });
  });
}
