/**
 * Which policy a request runs under: a key bound to a policy of its own, a policy named per request where
 * the tenant allows it (and what such a policy may not do), and — on PostgreSQL — changes reaching another
 * instance through LISTEN/NOTIFY alone (its periodic re-check turned off).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey, issueKey } from '../bootstrap.js';
import { type RunningGateway, startGateway } from '../server.js';
import { PostgresStore } from '../store/postgres.js';
import { startTestGateway, type TestGateway } from '../test-fixtures/gateway.js';
import { NO_ACME } from '../test-fixtures/policies.js';

const ACME = 'Do you sell acme rockets?';
const ROCKETS = 'Do you sell model rockets for kids?';

interface GuardAnswer {
  action?: string;
  policy?: { id: string };
  error?: { type: string; code: string | null; message: string };
}

function guard(url: string, key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/guard`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as GuardAnswer }));
}

let testGateway: TestGateway;
let gw: RunningGateway;

beforeAll(async () => {
  testGateway = await startTestGateway();
  gw = testGateway.gw;
});

afterAll(() => testGateway.close());

describe('a key bound to a policy of its own', () => {
  it('runs its requests under that policy while the tenant’s other keys keep the tenant’s', async () => {
    const { key: plain } = await createTenantWithKey(gw.store, { id: 'shop' });
    const bound = await issueKey(gw.store, 'shop', { policy: NO_ACME });
    expect((await guard(gw.url, bound, { text: ACME })).body).toMatchObject({
      action: 'block',
      policy: { id: 'no-acme' },
    });
    expect((await guard(gw.url, bound, { text: ROCKETS })).body.action).toBe('allow');
    expect((await guard(gw.url, plain, { text: ACME })).body).toMatchObject({
      action: 'allow',
      policy: { id: 'default' },
    });
    const chat = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bound}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: ACME }] }),
    });
    expect(chat.status).toBe(400);
    expect(chat.headers.get('x-railgate-findings')).toBe('no-acme');
    const shown = (await (
      await fetch(`${gw.url}/v1/policy`, { headers: { authorization: `Bearer ${bound}` } })
    ).json()) as {
      id: string;
    };
    expect(shown.id).toBe('no-acme');
  });
});

describe('a policy named per request', () => {
  let allowed: string;
  let locked: string;

  beforeAll(async () => {
    allowed = (await createTenantWithKey(gw.store, { id: 'lab', allow_policy_override: true })).key;
    locked = (await createTenantWithKey(gw.store, { id: 'bank' })).key;
  });

  it('is refused with 403 for a tenant not allowed to, in each API’s shape', async () => {
    const refused = await guard(gw.url, locked, { text: ROCKETS, policy: 'strict' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'policy_override_not_allowed' });
    const chat = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${locked}`, 'content-type': 'application/json', 'x-railgate-policy': 'strict' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: ROCKETS }] }),
    });
    expect(chat.status).toBe(403);
    const messages = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': locked, 'content-type': 'application/json', 'x-railgate-policy': 'strict' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: ROCKETS }] }),
    });
    expect(messages.status).toBe(403);
    expect(((await messages.json()) as { type: string; error: { type: string } }).error.type).toBe('permission_error');
  });

  it('applies a preset or a document built on presets for a tenant allowed to', async () => {
    expect((await guard(gw.url, allowed, { text: ROCKETS, policy: 'strict' })).body.policy?.id).toBe('strict');
    expect((await guard(gw.url, allowed, { text: ACME }, { 'x-railgate-policy': NO_ACME })).body.action).toBe('block');
    expect((await guard(gw.url, allowed, { text: ACME, policy: JSON.parse(NO_ACME) })).body.action).toBe('block');
    expect((await guard(gw.url, allowed, { text: ACME })).body).toMatchObject({
      action: 'allow',
      policy: { id: 'default' },
    });
  });

  it('may not extend files, call out to the network, or be anything but a policy', async () => {
    // A webhook that would compile (public URL, its secret set) so that the override rule is what refuses it.
    process.env.RAILGATE_TEST_HOOK_SECRET = 'a-signing-secret-of-some-length';
    const cases: Array<[unknown, string]> = [
      [{ extends: '/etc/passwd' }, 'may extend presets only'],
      [{ extends: ['default', '../secrets.yaml'] }, 'may extend presets only'],
      [webhookPolicy('https://hooks.example.com/verdict'), 'may not use webhook'],
      [webhookPolicy('http://169.254.169.254/latest'), 'link-local'],
      ['no-such-preset', 'no-such-preset'],
      ['', 'must be a preset name or a policy document'],
      [{ rails: { input: { rules: [{ id: 'x', scanner: 'size', threshold: 7 }] } } }, 'threshold'],
    ];
    for (const [policy, message] of cases) {
      const answer = await guard(gw.url, allowed, { text: ROCKETS, policy });
      expect(answer.status, JSON.stringify(policy)).toBe(400);
      expect(answer.body.error?.message).toContain(message);
    }
  });
});

/** A per-request policy with one webhook rule to `url` (its secret set in the environment by the test). */
function webhookPolicy(url: string): Record<string, unknown> {
  const hook = { id: 'hook', scanner: 'webhook', params: { url, secret_env: 'RAILGATE_TEST_HOOK_SECRET' } };
  return { extends: 'default', rails: { input: { rules: [hook] } } };
}

const POSTGRES_URL = process.env.RAILGATE_TEST_POSTGRES_URL;
if (POSTGRES_URL) {
  describe('changes reach another instance through LISTEN/NOTIFY (no periodic re-check)', () => {
    const schema = `railgate_test_${randomBytes(5).toString('hex')}`;
    const admin = 'admin-token-for-notify-test';
    let a: RunningGateway;
    let b: RunningGateway;

    beforeAll(async () => {
      const start = () =>
        startGateway({
          store: new PostgresStore(POSTGRES_URL, schema),
          port: 0,
          upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
          adminToken: admin,
          policyPollMs: 0,
        });
      a = await start();
      b = await start();
    });

    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
      const cleanup = new PostgresStore(POSTGRES_URL, schema);
      await cleanup.dropSchema();
      await cleanup.close();
    });

    const within2s = async (check: () => Promise<boolean>, what: string) => {
      const t0 = Date.now();
      while (!(await check())) {
        if (Date.now() - t0 > 2000) throw new Error(`instance b: ${what} after 2 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    it('a new policy, and a revoked key despite the key cache', async () => {
      const key = a.firstKey ?? (b.firstKey as string);
      expect((await guard(b.url, key, { text: ACME })).body.action).toBe('allow');
      const put = await fetch(`${a.url}/admin/v1/tenants/default/policy`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ policy: NO_ACME }),
      });
      expect(put.status).toBe(200);
      await within2s(async () => (await guard(b.url, key, { text: ACME })).body.action === 'block', 'old policy');
      const revoke = await fetch(`${a.url}/admin/v1/keys/${key.split('_')[1]}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(revoke.status).toBe(204);
      await within2s(
        async () => (await guard(b.url, key, { text: ROCKETS })).status === 401,
        'revoked key still works',
      );
    });
  });
}
