import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../../engine/errors.js';
import { createGuard } from '../../engine/guard.js';
import type { RuleDocument } from '../../engine/policy-schema.js';
import { runScanner } from '../../engine/run-scanner.js';
import type { Finding } from '../../engine/types.js';
import {
  type RecordedRequest,
  type StubHandler,
  type StubServer,
  sendJson,
  startStubServer,
} from '../../models/net/test-fixtures/stub-server.js';
import { webhookScanner } from './index.js';
import { verifyWebhookSignature } from './signature.js';

const SECRET = 'whsec-test-4f1c9a2e7b3d8f60';
const SECRET_ENV = 'RAILGATE_TEST_WEBHOOK_SECRET';
const EMAIL_TEXT = 'Contact me at jane.doe@example.com about the invoice.';

/**
 * The receiver's check, written from the documented algorithm (docs/scanners/webhook.md), not from the
 * scanner's code: HMAC-SHA256 over `<timestamp>.<raw body>`, hex, prefixed `sha256=`, timestamp within 5 min.
 */
function receiverVerifies(rawBody: string, headers: IncomingHttpHeaders, secret: string): boolean {
  const timestamp = String(headers['x-railgate-timestamp'] ?? '');
  const signature = String(headers['x-railgate-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/** A receiver that finds e-mail addresses, after checking the signature (401 when it does not verify). */
const emailReceiver: StubHandler = (request, response) => {
  if (!receiverVerifies(request.body, request.headers, SECRET)) {
    sendJson(response, 401, { error: 'bad signature' });
    return;
  }
  const { text } = (JSON.parse(request.body) as { subject: { text: string } }).subject;
  const at = text.indexOf('jane.doe@example.com');
  sendJson(response, 200, {
    findings:
      at < 0 ? [] : [{ category: 'pii', label: 'EMAIL', score: 0.99, span: [at, at + 20], evidence: 'j***@e***.com' }],
  });
};

const answering =
  (status: number, body: unknown): StubHandler =>
  (_request, response) =>
    sendJson(response, status, body);

let server: StubServer;
let url: string;
beforeAll(async () => {
  server = await startStubServer(emailReceiver);
  url = `${server.origin}/check`;
});
afterAll(() => server.close());
beforeEach(() => {
  process.env[SECRET_ENV] = SECRET;
  server.handle(emailReceiver);
  server.requests.length = 0;
});
afterEach(() => {
  delete process.env[SECRET_ENV];
});

const params = (extra: Record<string, unknown> = {}) => ({
  url,
  secret_env: SECRET_ENV,
  allow_private: true,
  retry_backoff_ms: 5,
  ...extra,
});

const hook = (text: string, extra: Record<string, unknown> = {}, subject: Record<string, unknown> = {}) =>
  runScanner(webhookScanner, params(extra), text, subject) as Promise<Finding[]>;

const rule = (extra: Record<string, unknown> = {}, fields: Partial<RuleDocument> = {}): RuleDocument => ({
  id: 'hook',
  scanner: 'webhook',
  ...fields,
  params: params(extra),
});

const guardOf = (rules: RuleDocument[], rail: Record<string, unknown> = {}) =>
  createGuard({ policy: { rails: { input: { ...rail, rules } } } });

const bodyOf = (request: RecordedRequest | undefined): unknown => JSON.parse(request?.body ?? 'null');

describe('webhook: findings from a signed receiver', () => {
  it('reports the receiver’s findings with their spans; a text without an address gets none', async () => {
    expect(await hook(EMAIL_TEXT)).toEqual([
      { category: 'pii', label: 'EMAIL', score: 0.99, span: [14, 34], evidence: 'j***@e***.com' },
    ]);
    expect(await hook('Contact me about the invoice.')).toEqual([]);
  });

  it('posts the subject and the rule id as JSON; meta only when send_meta is on', async () => {
    const subject = { rail: 'output', role: 'assistant', tenant: 'acme', meta: { canary: 'RG-CANARY-secret' } };
    await hook('Hello there.', {}, subject);
    expect(bodyOf(server.requests[0])).toEqual({
      subject: { text: 'Hello there.', rail: 'output', role: 'assistant', tenant: 'acme' },
      rule: 'webhook',
    });
    await hook('Hello there.', { send_meta: true }, subject);
    expect(bodyOf(server.requests[1])).toEqual({
      subject: { text: 'Hello there.', rail: 'output', role: 'assistant', tenant: 'acme', meta: subject.meta },
      rule: 'webhook',
    });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('signs timestamp and body so the documented check passes, and fails for a tampered body or another secret', async () => {
    await hook(EMAIL_TEXT);
    const request = server.requests[0] as RecordedRequest;
    expect(request.headers['x-railgate-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(receiverVerifies(request.body, request.headers, SECRET)).toBe(true);
    expect(receiverVerifies(request.body.replace('invoice', 'invoices'), request.headers, SECRET)).toBe(false);
    expect(receiverVerifies(request.body, request.headers, 'another-secret-value-123')).toBe(false);
    const ts = String(request.headers['x-railgate-timestamp']);
    const sig = String(request.headers['x-railgate-signature']);
    expect(verifyWebhookSignature(SECRET, ts, request.body, sig)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts, request.body, sig, Number(ts) + 301)).toBe(false);
  });

  it('through the engine: a mask rule masks the receiver’s span; a block rule blocks', async () => {
    const masking = await guardOf([rule({}, { action: 'mask' })]);
    expect(await masking.check({ text: EMAIL_TEXT })).toMatchObject({
      allowed: true,
      action: 'mask',
      masked_text: 'Contact me at [PII:EMAIL_1] about the invoice.',
    });
    const blocking = await guardOf([rule()]);
    expect(await blocking.check({ text: EMAIL_TEXT })).toMatchObject({ allowed: false, fired_rules: ['hook'] });
    expect(bodyOf(server.requests.at(-1))).toEqual({ subject: { text: EMAIL_TEXT, rail: 'input' }, rule: 'hook' });
  });
});

describe('webhook: malformed answers are rule errors', () => {
  const cases: Array<[string, number, unknown, string]> = [
    ['a body that is not JSON', 200, 'OK', 'answer is not JSON'],
    [
      'an extra top-level key',
      200,
      { findings: [], verdict: 'allow' },
      'answer does not match {findings: [...]}: Unrecognized key: "verdict"',
    ],
    [
      'a finding with an unknown key',
      200,
      { findings: [{ category: 'pii', score: 0.5, action: 'allow' }] },
      'answer does not match {findings: [...]}: findings[0]: Unrecognized key: "action"',
    ],
    [
      'a score out of range',
      200,
      { findings: [{ category: 'pii', score: 2 }] },
      'answer does not match {findings: [...]}: findings[0].score: Too big: expected number to be <=1',
    ],
    [
      'a category in the wrong case',
      200,
      { findings: [{ category: 'PII', score: 0.5 }] },
      'answer does not match {findings: [...]}: findings[0].category: a lower_snake_case category such as prompt_injection',
    ],
    [
      'a span past the end of the text',
      200,
      { findings: [{ category: 'pii', score: 0.5, span: [14, 400] }] },
      'answer findings[0].span [14, 400] is not a range inside the text (length 53)',
    ],
    [
      'an empty span',
      200,
      { findings: [{ category: 'pii', score: 0.5, span: [14, 14] }] },
      'answer findings[0].span [14, 14] is not a range inside the text (length 53)',
    ],
  ];

  for (const [name, status, body, message] of cases) {
    it(name, async () => {
      server.handle(answering(status, body));
      await expect(hook(EMAIL_TEXT)).rejects.toThrow(`webhook: ${url} ${message}`);
    });
  }

  it('a missing findings list is named', async () => {
    server.handle(answering(200, {}));
    await expect(hook(EMAIL_TEXT)).rejects.toThrow(
      `webhook: ${url} answer does not match {findings: [...]}: findings: Invalid input: expected array, received undefined`,
    );
  });

  it('an answer signed with a wrong secret is refused by the receiver, and that 401 is an error', async () => {
    process.env[SECRET_ENV] = 'not-the-receivers-secret-0000';
    await expect(hook(EMAIL_TEXT)).rejects.toThrow(`webhook: ${url} answered HTTP 401`);
  });

  it('through the engine: fail_closed blocks on a malformed answer, fail_open lets it through', async () => {
    server.handle(answering(200, 'OK'));
    const error = { rule: 'hook', kind: 'error', message: `webhook: ${url} answer is not JSON` };
    const closed = await (await guardOf([rule()], { on_error: 'fail_closed' })).check({ text: EMAIL_TEXT });
    expect(closed).toMatchObject({ allowed: false, reason: 'on_error: fail_closed (hook)', errors: [error] });
    const open = await (await guardOf([rule()], { on_error: 'fail_open' })).check({ text: EMAIL_TEXT });
    expect(open).toMatchObject({ allowed: true, errors: [error] });
  });
});

describe('webhook: retries and timeouts', () => {
  /** Fails with `status` for the first `failures` requests, then behaves like the e-mail receiver. */
  const flaky =
    (failures: number, status: number): StubHandler =>
    (request, response) => {
      if (server.requests.length <= failures) sendJson(response, status, { error: 'busy' });
      else emailReceiver(request, response);
    };

  it('retries are off by default: one 503 is one request and an error', async () => {
    server.handle(flaky(1, 503));
    await expect(hook(EMAIL_TEXT)).rejects.toThrow(`webhook: ${url} answered HTTP 503`);
    expect(server.requests).toHaveLength(1);
  });

  it('with retries, 5xx answers are retried with the same delivery id and a fresh signature', async () => {
    server.handle(flaky(2, 503));
    expect(await hook(EMAIL_TEXT, { retries: 2 })).toHaveLength(1);
    expect(server.requests.map((r) => r.headers['x-railgate-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(server.requests.map((r) => r.headers['x-railgate-delivery'])).size).toBe(1);
    expect(server.requests.every((r) => receiverVerifies(r.body, r.headers, SECRET))).toBe(true);
  });

  it('gives up after the last retry and says how many attempts were made', async () => {
    server.handle(flaky(10, 502));
    await expect(hook(EMAIL_TEXT, { retries: 1 })).rejects.toThrow(
      `webhook: ${url} answered HTTP 502 (after 2 attempts)`,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('4xx answers and malformed answers are never retried', async () => {
    server.handle(answering(422, { error: 'bad' }));
    await expect(hook(EMAIL_TEXT, { retries: 3 })).rejects.toThrow(`webhook: ${url} answered HTTP 422`);
    server.handle(answering(200, 'OK'));
    await expect(hook(EMAIL_TEXT, { retries: 3 })).rejects.toThrow(`webhook: ${url} answer is not JSON`);
    expect(server.requests).toHaveLength(2);
  });

  it('network errors are retried, then reported', async () => {
    const gone = await startStubServer(() => undefined);
    await gone.close();
    await expect(hook(EMAIL_TEXT, { url: `${gone.origin}/check`, retries: 2 })).rejects.toThrow(
      `webhook: ${gone.origin}/check: ECONNREFUSED (after 3 attempts)`,
    );
  });

  it('a per-attempt timeout counts as a network error and is retried', async () => {
    server.handle((request, response) => {
      if (server.requests.length === 1) return; // the first attempt never gets an answer
      emailReceiver(request, response);
    });
    expect(await hook(EMAIL_TEXT, { retries: 1, request_timeout_ms: 150 })).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('a receiver slower than the rule timeout_ms is a timeout; on_error decides', async () => {
    server.handle((request, response) => {
      setTimeout(() => emailReceiver(request, response), 400);
    });
    const slow = rule({}, { timeout_ms: 40 });
    const closed = await (await guardOf([slow], { on_error: 'fail_closed' })).check({ text: EMAIL_TEXT });
    expect(closed).toMatchObject({ allowed: false, reason: 'on_error: fail_closed (hook)' });
    expect(closed.errors).toEqual([{ rule: 'hook', kind: 'timeout', message: 'no answer within 40 ms' }]);
    const open = await (await guardOf([slow], { on_error: 'fail_open' })).check({ text: EMAIL_TEXT });
    expect(open).toMatchObject({ allowed: true, findings: [], errors: [{ rule: 'hook', kind: 'timeout' }] });
  });
});

describe('webhook: policy errors at load', () => {
  async function issueOf(extra: Record<string, unknown>) {
    try {
      await guardOf([
        {
          id: 'hook',
          scanner: 'webhook',
          params: { url: 'https://guard.example.com/check', secret_env: SECRET_ENV, ...extra },
        },
      ]);
    } catch (error) {
      if (error instanceof PolicyError) return error.issues[0];
      throw error;
    }
    throw new Error('expected a PolicyError');
  }

  it('rejects a bad URL and private, metadata or loopback destinations unless allowed', async () => {
    expect(await issueOf({ url: '/check' })).toMatchObject({
      path: 'rails.input.rules[0].params.url',
      message: 'an absolute URL such as https://api.example.com/v1',
    });
    expect(await issueOf({ url: 'http://192.168.1.20/check' })).toMatchObject({
      path: 'rails.input.rules[0].params.url',
      message:
        '192.168.1.20, a private-network address; set allow_private: true, or list the host in allow_hosts or the range in allow_cidrs',
    });
    expect(await issueOf({ url: 'http://[::1]:9000/check' })).toMatchObject({
      path: 'rails.input.rules[0].params.url',
    });
    expect(await issueOf({ url: 'http://169.254.169.254/check', allow_private: true })).toMatchObject({
      path: 'rails.input.rules[0].params.url',
    });
    const allowed = await guardOf([
      rule({ url: 'http://10.1.2.3/check', allow_private: false, allow_cidrs: ['10.1.0.0/16'] }),
    ]);
    expect(allowed.policy.rails.input?.rules.map((r) => r.id)).toEqual(['hook']);
  });

  it('requires secret_env, as a variable name that is set to a long enough secret', async () => {
    expect(await issueOf({ secret_env: undefined })).toMatchObject({
      path: 'rails.input.rules[0].params.secret_env',
      found: 'nothing',
    });
    expect(await issueOf({ secret_env: 'whsec-4f1c9a2e' })).toMatchObject({
      path: 'rails.input.rules[0].params.secret_env',
      message: 'an environment variable name such as OPENAI_API_KEY (the name, not the key)',
    });
    delete process.env[SECRET_ENV];
    expect(await issueOf({})).toMatchObject({
      code: 'POLICY_COMPILE',
      path: 'rails.input.rules[0].params',
      message: `rule 'hook' (webhook) could not be compiled: environment variable ${SECRET_ENV} (named by secret_env) is not set or is empty`,
    });
    process.env[SECRET_ENV] = 'short';
    expect((await issueOf({}))?.message).toBe(
      `rule 'hook' (webhook) could not be compiled: the secret in ${SECRET_ENV} has 5 characters; use at least 16 random characters`,
    );
  });

  it('rejects retries above 3, bad CIDRs and unknown keys', async () => {
    expect((await issueOf({ retries: 5 }))?.path).toBe('rails.input.rules[0].params.retries');
    expect((await issueOf({ allow_cidrs: ['10.0.0.0/40'] }))?.path).toBe('rails.input.rules[0].params.allow_cidrs[0]');
    expect((await issueOf({ timeout: 5 }))?.path).toBe('rails.input.rules[0].params.timeout');
  });
});
