import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCidr } from './address.js';
import { endpointProblem, OutboundEndpoint, OutboundError } from './client.js';
import { addressProblem, type OutboundAccess, OutboundRefusedError, PUBLIC_ONLY, type Resolver } from './ssrf-guard.js';
import { type StubServer, sendJson, startStubServer } from './test-fixtures/stub-server.js';

const PRIVATE_OK: OutboundAccess = { ...PUBLIC_ONLY, allowPrivate: true };
const NEVER = new AbortController().signal;

function endpoint(url: string, access: OutboundAccess, extra: { resolve?: Resolver; timeoutMs?: number } = {}) {
  return new OutboundEndpoint(url, {
    access,
    timeoutMs: extra.timeoutMs ?? 2000,
    maxResponseBytes: 1024,
    ...(extra.resolve && { resolve: extra.resolve }),
  });
}

/** A resolver answering fixed addresses for any name, so a test can say what DNS returns. */
const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

let server: StubServer;
beforeAll(async () => {
  server = await startStubServer((request, response) => {
    if (request.path === '/redirect') {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      response.end();
    } else if (request.path === '/big') {
      sendJson(response, 200, { padding: 'x'.repeat(2000) });
    } else if (request.path === '/big-chunked') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('x'.repeat(800));
      response.end('y'.repeat(800));
    } else if (request.path === '/silent') {
      // never answers
    } else {
      sendJson(response, 200, { host: request.headers.host, echo: JSON.parse(request.body) as unknown });
    }
  });
});
afterAll(() => server.close());

describe('SSRF guard: destinations refused before anything is sent', () => {
  it('refuses loopback, metadata, private and IPv6 loopback literals unless the rule allows them', () => {
    const before = server.requests.length;
    for (const url of [
      `${server.origin}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.8/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://0x7f.1/',
    ]) {
      expect(() => endpoint(url, PUBLIC_ONLY), url).toThrow(OutboundRefusedError);
    }
    expect(() => endpoint('http://localhost:8080/', PUBLIC_ONLY)).toThrow(
      'http://localhost:8080/ refused: localhost names this machine (loopback); set allow_private: true or list it in allow_hosts to call a local endpoint',
    );
    expect(() => endpoint('http://169.254.169.254/', PUBLIC_ONLY)).toThrow(
      'http://169.254.169.254/ refused: 169.254.169.254, a link-local (cloud metadata lives here) address; list the range in allow_cidrs if this destination is intended',
    );
    expect(server.requests.length).toBe(before);
  });

  it('allow_private opens loopback and private networks but not link-local metadata', () => {
    expect(addressProblem('127.0.0.1', '127.0.0.1', PRIVATE_OK)).toBeNull();
    expect(addressProblem('10.1.2.3', '10.1.2.3', PRIVATE_OK)).toBeNull();
    expect(addressProblem('fd12::1', 'fd12::1', PRIVATE_OK)).toBeNull();
    expect(addressProblem('169.254.169.254', 'metadata.google.internal', PRIVATE_OK)).toBe(
      'metadata.google.internal resolves to 169.254.169.254, a link-local (cloud metadata lives here) address; list the range in allow_cidrs if this destination is intended',
    );
    const metadataAllowed: OutboundAccess = { ...PUBLIC_ONLY, allowCidrs: [parseCidr('169.254.169.254/32')!] };
    expect(addressProblem('169.254.169.254', 'x', metadataAllowed)).toBeNull();
    expect(addressProblem('0.0.0.0', '0.0.0.0', { ...PRIVATE_OK, allowCidrs: [parseCidr('0.0.0.0/0')!] })).toBe(
      '0.0.0.0, an unspecified address, is never a valid destination',
    );
  });

  it('only http and https, and no credentials in the URL', () => {
    expect(endpointProblem(new URL('ftp://example.com/x'), PUBLIC_ONLY)).toBe('scheme ftp: is not http or https');
    expect(endpointProblem(new URL('file:///etc/passwd'), PUBLIC_ONLY)).toBe('scheme file: is not http or https');
    expect(endpointProblem(new URL('https://user:pw@example.com/'), PUBLIC_ONLY)).toBe(
      'credentials in the URL would be logged; pass them through an environment variable instead',
    );
    expect(endpointProblem(new URL('https://api.example.com/v1'), PUBLIC_ONLY)).toBeNull();
  });
});

describe('SSRF guard: names checked at connect time, on the address actually used', () => {
  it('refuses a host name that resolves to loopback, and sends nothing', async () => {
    const before = server.requests.length;
    const judge = endpoint(`http://judge.example:${server.port}/`, PUBLIC_ONLY, { resolve: resolvesTo('127.0.0.1') });
    const error = await failure(judge.post('{}', {}, NEVER));
    expect(error.code).toBe('REFUSED');
    expect(error.message).toBe(
      `http://judge.example:${server.port}/ refused: judge.example resolves to 127.0.0.1, a loopback address; set allow_private: true, or list the host in allow_hosts or the range in allow_cidrs`,
    );
    expect(error.retryable).toBe(false);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a name whose answer mixes a public and a private address', async () => {
    const judge = endpoint('http://mixed.example/', PUBLIC_ONLY, { resolve: resolvesTo('93.184.215.14', '10.0.0.7') });
    expect((await failure(judge.post('{}', {}, NEVER))).message).toMatch(/mixed\.example resolves to 10\.0\.0\.7/);
  });

  it('refuses a name resolving to the metadata address even with allow_private', async () => {
    const judge = endpoint('http://metadata.example/', PRIVATE_OK, { resolve: resolvesTo('169.254.169.254') });
    expect((await failure(judge.post('{}', {}, NEVER))).code).toBe('REFUSED');
  });

  it('refuses the real name localhost, and reaches it when allowed', async () => {
    expect(() => endpoint(`http://localhost:${server.port}/`, PUBLIC_ONLY)).toThrow(OutboundRefusedError);
    const local = endpoint(`http://localhost:${server.port}/ok`, PRIVATE_OK);
    expect((await local.post('{"a":1}', {}, NEVER)).status).toBe(200);
  });

  it('connects to the address it checked, keeping the name in the Host header (pinning)', async () => {
    // No DNS server knows judge.internal: reaching the stub proves the socket used the checked address.
    const access: OutboundAccess = { ...PUBLIC_ONLY, allowHosts: new Set(['judge.internal']) };
    const pinned = endpoint(`http://judge.internal:${server.port}/ok`, access, { resolve: resolvesTo('127.0.0.1') });
    const response = await pinned.post('{"q":"hi"}', { 'x-test': '1' }, NEVER);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ host: `judge.internal:${server.port}`, echo: { q: 'hi' } });
  });
});

describe('outbound client bounds', () => {
  it('posts JSON and returns status, content type and body', async () => {
    const response = await endpoint(`${server.origin}/ok`, PRIVATE_OK).post('{"n":1}', {}, NEVER);
    expect(response).toEqual({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ host: `127.0.0.1:${server.port}`, echo: { n: 1 } }),
    });
  });

  it('does not follow a redirect (here towards the metadata address)', async () => {
    const error = await failure(endpoint(`${server.origin}/redirect`, PRIVATE_OK).post('{}', {}, NEVER));
    expect(error.code).toBe('REDIRECT');
    expect(error.message).toBe(`${server.origin}/redirect: answered a redirect (HTTP 302); redirects are not followed`);
  });

  it('refuses answers over the size bound, declared or streamed', async () => {
    const declared = await failure(endpoint(`${server.origin}/big`, PRIVATE_OK).post('{}', {}, NEVER));
    expect(declared.message).toBe(`${server.origin}/big: answer of 2014 bytes exceeds 1024 bytes`);
    const streamed = await failure(endpoint(`${server.origin}/big-chunked`, PRIVATE_OK).post('{}', {}, NEVER));
    expect(streamed.message).toBe(`${server.origin}/big-chunked: answer exceeds 1024 bytes`);
  });

  it('times out a silent server (retryable) and honours an abort signal (not retryable)', async () => {
    const silent = endpoint(`${server.origin}/silent`, PRIVATE_OK, { timeoutMs: 40 });
    const timeout = await failure(silent.post('{}', {}, NEVER));
    expect([timeout.code, timeout.retryable, timeout.message]).toEqual([
      'TIMEOUT',
      true,
      `${server.origin}/silent: no answer within 40 ms`,
    ]);
    const controller = new AbortController();
    const pending = endpoint(`${server.origin}/silent`, PRIVATE_OK).post('{}', {}, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).code).toBe('ABORTED');
    const aborted = await failure(endpoint(`${server.origin}/ok`, PRIVATE_OK).post('{}', {}, controller.signal));
    expect(aborted.message).toBe(`${server.origin}/ok: aborted before sending`);
  });

  it('reports a refused connection as a retryable network error', async () => {
    const gone = await startStubServer(() => undefined);
    await gone.close();
    const error = await failure(endpoint(`${gone.origin}/`, PRIVATE_OK).post('{}', {}, NEVER));
    expect([error.code, error.retryable, error.message]).toEqual(['NETWORK', true, `${gone.origin}/: ECONNREFUSED`]);
  });
});
