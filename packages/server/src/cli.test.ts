import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
// The CLI lives in the library package and loads this package at run time; test the pair together.
import { main } from 'railgate/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway/app.js';
import { SqliteStore } from './store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { code, out, err };
}

describe('railgate keys create / audit verify', () => {
  const db = join(dir, 'gw.db');

  it('creates a tenant and a working key, shown once, and a second key for the same tenant', async () => {
    const first = await run(['keys', 'create', '--tenant', 'shop', '--store', db]);
    expect(first.code).toBe(0);
    expect(first.out.trim()).toMatch(/^rg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const second = await run(['keys', 'create', '--tenant', 'shop', '--store', db]);
    expect(second.out.trim()).not.toBe(first.out.trim());
    const store = new SqliteStore(db);
    const { app, audit } = createGateway({ store, upstream: { baseUrl: 'http://127.0.0.1:9/v1' } });
    for (const key of [first.out.trim(), second.out.trim()]) {
      const res = await app.request('/v1/guard', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'What time is it in Tokyo?' }),
      });
      expect(res.status).toBe(200);
    }
    await audit.close();
    // The raw key is nowhere in the database.
    const raw = new Database(db);
    const dump = JSON.stringify(raw.prepare('select * from api_keys').all());
    raw.close();
    expect(dump).not.toContain(first.out.trim().split('_')[2]);
  });

  it('verifies an intact chain and exits 1 naming the record after one is altered', async () => {
    const ok = await run(['audit', 'verify', '--store', db]);
    expect([ok.code, ok.out]).toEqual([0, 'audit chain intact: 2 decisions\n']);
    const raw = new Database(db);
    raw.prepare("update decisions set action = 'block' where seq = 1").run();
    raw.close();
    const broken = await run(['audit', 'verify', '--store', db]);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('seq 1 (');
    expect(broken.out).toContain('record altered');
  });

  it('rejects a bad tenant id with a readable error', async () => {
    const bad = await run(['keys', 'create', '--tenant', 'Bad Tenant!', '--store', db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("tenant id 'Bad Tenant!' must be 1-63 lowercase letters");
  });
});

describe('railgate policy push / diff / rollback against a running gateway', () => {
  it('pushes a file, diffs the versions and rolls back, through the admin API', async () => {
    const { startGateway } = await import('./server.js');
    const { writeFileSync } = await import('node:fs');
    const gw = await startGateway({
      store: join(dir, 'push.db'),
      port: 0,
      upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
      adminToken: 'cli-admin-token',
    });
    const file = join(dir, 'policy.yaml');
    writeFileSync(
      file,
      'id: support\nextends: default\nrails:\n  input:\n    rules:\n      - id: no-refunds\n        scanner: banned_substrings\n        params: { substrings: [refund] }\n',
    );
    process.env.RAILGATE_ADMIN_TOKEN = 'cli-admin-token';
    try {
      const push = await run(['policy', 'push', file, '--tenant', 'default', '--url', gw.url]);
      expect([push.code, push.out]).toEqual([
        0,
        expect.stringMatching(/^tenant default: policy version 2 active \(sha256:[0-9a-f]+\)\n$/),
      ]);
      const diff = await run(['policy', 'diff', '--tenant', 'default', '--from', '1', '--to', '2', '--url', gw.url]);
      expect(diff.out).toContain('+ ');
      expect(diff.out).toContain('"no-refunds"');
      const back = await run(['policy', 'rollback', '--tenant', 'default', '--to', '1', '--url', gw.url]);
      expect(back.out).toBe('tenant default: version 3 active (restores version 1)\n');
      const missing = await run(['policy', 'push', file, '--tenant', 'nobody', '--url', gw.url]);
      expect([missing.code, missing.err]).toEqual([2, expect.stringContaining("404 no tenant 'nobody'")]);
      delete process.env.RAILGATE_ADMIN_TOKEN;
      const noToken = await run(['policy', 'push', file, '--tenant', 'default', '--url', gw.url]);
      expect(noToken.err).toContain('set RAILGATE_ADMIN_TOKEN');
    } finally {
      delete process.env.RAILGATE_ADMIN_TOKEN;
      await gw.close();
    }
  });
});
