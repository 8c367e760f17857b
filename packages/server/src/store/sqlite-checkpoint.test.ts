/**
 * WAL checkpoints in a worker thread: the gateway's own connection never checkpoints (so no commit stalls
 * the event loop copying the log), and the worker's checkpoints still move the log into the database file.
 * Real SQLite files; the database file's size shows whether a checkpoint ran.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../server.js';
import { SqliteStore } from './sqlite.js';
import type { DecisionRecord } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function records(count: number): DecisionRecord[] {
  return Array.from({ length: count }, (_, n) => ({
    decision_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    tenant_id: 't',
    rail: 'input',
    action: 'allow',
    rules: [],
    scores: {},
    latency_us: 100,
    policy_id: 'default',
    policy_version: 'sha256:test',
    text_sha256: 'cd'.repeat(32),
    // Room per record, so a few hundred records fill many pages of the log.
    text: 'x'.repeat(400),
    created_at: '2026-11-23T10:00:00.000Z',
  }));
}

/** Writes records, then reports the database file's size now and after waiting `waitMs`. */
async function fileGrowth(
  store: SqliteStore,
  path: string,
  waitMs: number,
): Promise<{ before: number; after: number }> {
  await store.migrate();
  const base = statSync(path).size;
  // About 6 MB of log: past SQLite's default checkpoint limit of 1000 pages (4 MB).
  for (let i = 0; i < 60; i++) await store.appendDecisions(records(200));
  const before = statSync(path).size;
  await new Promise((r) => setTimeout(r, waitMs));
  return { before: before - base, after: statSync(path).size - base };
}

describe('WAL checkpoints in a worker thread', () => {
  it('moves the log into the database file from the worker, while the connection itself never does', async () => {
    const path = join(dir, 'worker.db');
    // The first checkpoint comes after the writes (they take well under the interval).
    const store = new SqliteStore(path, { checkpointInWorker: true, checkpointEveryMs: 3000 });
    expect(store.checkpointsInWorker).toBe(true);
    const growth = await fileGrowth(store, path, 4000);
    // Past the limit, and still nothing reached the database file at commit time; the worker brought it there.
    expect(growth.before).toBe(0);
    expect(growth.after).toBeGreaterThan(4 * 1024 * 1024);
    await store.close();
    expect(store.checkpointsInWorker).toBe(false);
  });

  it('leaves SQLite’s own checkpointing (inside a commit) alone without the option', async () => {
    const path = join(dir, 'plain.db');
    const store = new SqliteStore(path);
    expect(store.checkpointsInWorker).toBe(false);
    const growth = await fileGrowth(store, path, 0);
    expect(growth.before).toBeGreaterThan(2 * 1024 * 1024);
    await store.close();
  });

  it('is what the gateway uses for its SQLite store', async () => {
    const gw = await startGateway({
      store: join(dir, 'gw.db'),
      port: 0,
      upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
    });
    expect((gw.store as SqliteStore).checkpointsInWorker).toBe(true);
    await gw.close();
    expect((gw.store as SqliteStore).checkpointsInWorker).toBe(false);
  });
});
