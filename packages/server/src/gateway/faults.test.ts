import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey } from '../bootstrap.js';
import { type RunningGateway, startGateway } from '../server.js';
import { type StubUpstream, startStubUpstream } from '../test-fixtures/stub-upstream.js';

/** A webhook detector that never answers in time. */
let slow: Server;
let slowUrl: string;
let dir: string;
let stub: StubUpstream;
let gw: RunningGateway;

function policyWith(onError: 'fail_open' | 'fail_closed'): string {
  return JSON.stringify({
    id: `slow-detector-${onError}`,
    rails: {
      input: {
        rules: [
          {
            id: 'vendor-check',
            scanner: 'webhook',
            timeout_ms: 100,
            on_error: onError,
            params: { url: slowUrl, secret_env: 'RAILGATE_TEST_WEBHOOK_SECRET', allow_private: true },
          },
        ],
      },
    },
  });
}

beforeAll(async () => {
  process.env.RAILGATE_TEST_WEBHOOK_SECRET = 'a-webhook-secret-for-tests';
  slow = createServer(() => {
    // Never answers: the rule must time out.
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/verdict`;
  dir = mkdtempSync(join(tmpdir(), 'railgate-faults-'));
  stub = await startStubUpstream();
  gw = await startGateway({ store: join(dir, 'f.db'), port: 0, upstream: { baseUrl: stub.baseUrl } });
});

afterAll(async () => {
  await gw.close();
  await stub.close();
  slow.closeAllConnections();
  await new Promise<void>((resolve) => slow.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a rule timing out in the gateway follows the policy on_error', () => {
  it('fail_closed blocks the request with 400; fail_open lets it through; both counted as rule timeouts in /metrics', async () => {
    const closed = await createTenantWithKey(gw.store, { id: 'closed', policy: policyWith('fail_closed') });
    const open = await createTenantWithKey(gw.store, { id: 'open', policy: policyWith('fail_open') });
    const ask = (key: string) =>
      new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions
        .create({ model: 'm', messages: [{ role: 'user', content: 'What is the capital of Chile?' }] })
        .then((r) => r.choices[0]?.message.content)
        .catch((e: { status?: number; type?: string }) => `${e.status} ${e.type}`);
    const t0 = Date.now();
    expect(await ask(closed.key)).toBe('400 content_policy_violation');
    expect(await ask(open.key)).toBe('Hello from the stub.');
    expect(Date.now() - t0).toBeLessThan(2000);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/railgate_rule_errors_total\{rule="vendor-check",kind="timeout"\} 2/);
  });
});
