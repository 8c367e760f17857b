/**
 * Routes by model name: the pattern matcher, the route file's errors (file, path, fix), and the gateway
 * sending each model to its upstream — shared routes, a tenant's own routes, and 404 for a model no route
 * matches — with the official SDKs against two stub upstreams on 127.0.0.1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey } from '../bootstrap.js';
import { type RunningGateway, startGateway } from '../server.js';
import { type StubUpstream, startStubUpstream } from '../test-fixtures/stub-upstream.js';
import { loadRoutes, modelMatches, parseRoutes } from './routes.js';

describe('model patterns', () => {
  it.each([
    ['gpt-4o', 'gpt-4o', true],
    ['gpt-4o', 'gpt-4o-mini', false],
    ['gpt-4o*', 'gpt-4o-mini', true],
    ['gpt-4o*', 'gpt-4', false],
    ['*-mini', 'gpt-4o-mini', true],
    ['*-mini', 'gpt-4o-mini-2024', false],
    ['claude-*-sonnet*', 'claude-3-5-sonnet-latest', true],
    ['claude-*-sonnet*', 'claude-3-haiku', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['*', 'anything at all', true],
    ['*', '', true],
    ['a**b', 'ab', true],
  ])('%s against %s → %s', (pattern, model, expected) => {
    expect(modelMatches(pattern, model)).toBe(expected);
  });

  it('takes linear time on a pattern built to make a backtracking matcher explode', () => {
    const t0 = performance.now();
    expect(modelMatches(`${'a*'.repeat(40)}b`, 'a'.repeat(50_000))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('route file errors name the file, the path and the fix', () => {
  it('reports every problem at once', () => {
    const doc = {
      routes: [
        { model: 'gpt-*', api: 'openai', base_url: 'https://api.example.com/v1', api_key_env: 'NOT_SET_ANYWHERE' },
        { model: '', api: 'azure', base_url: 'ftp://x', colour: 'red' },
        { model: 'm', api: 'openai', base_url: 'http://h/v1', timeout_ms: -5 },
      ],
      tenants: { shop: 'all of them' },
      extra: true,
    };
    let message = '';
    try {
      parseRoutes(doc, 'routes.yaml', {});
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split('\n').filter((l) => !l.startsWith('  fix:'));
    expect(lines).toEqual([
      'routes.yaml: extra: unknown key',
      'routes.yaml: routes[0].api_key_env: environment variable NOT_SET_ANYWHERE is not set',
      'routes.yaml: routes[1].colour: unknown key',
      'routes.yaml: routes[1].model: expected a model name or pattern',
      'routes.yaml: routes[1].api: expected "openai" or "anthropic", found "azure"',
      'routes.yaml: routes[1].base_url: expected an http(s) URL',
      'routes.yaml: routes[2].timeout_ms: expected a positive whole number of milliseconds',
      'routes.yaml: tenants.shop: expected a list of routes',
    ]);
    expect(message).toContain('fix: export NOT_SET_ANYWHERE=');
  });

  it('names a missing file and a file that is not YAML', () => {
    expect(() => loadRoutes('/nonexistent/routes.yaml')).toThrow(
      '/nonexistent/routes.yaml: cannot read the route file (ENOENT)',
    );
    const scratch = mkdtempSync(join(tmpdir(), 'railgate-routes-'));
    const bad = join(scratch, 'routes.yaml');
    writeFileSync(bad, 'routes: [ {model: x');
    expect(() => loadRoutes(bad)).toThrow(`${bad}: not valid YAML or JSON`);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reads the key from the environment variable a route names', () => {
    const table = parseRoutes(
      { routes: [{ model: '*', api: 'openai', base_url: 'http://h/v1', api_key_env: 'UPSTREAM_KEY' }] },
      'r.yaml',
      { UPSTREAM_KEY: 'sk-test-123' },
    );
    expect(table.routes[0]).toEqual({ model: '*', api: 'openai', baseUrl: 'http://h/v1', apiKey: 'sk-test-123' });
  });
});

describe('the gateway routes by model name', () => {
  let dir: string;
  let main: StubUpstream;
  let other: StubUpstream;
  let gw: RunningGateway;
  let openai: OpenAI;
  let clinic: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'railgate-routes-'));
    main = await startStubUpstream();
    other = await startStubUpstream();
    const routes = parseRoutes(
      {
        routes: [
          { model: 'gpt-4o*', api: 'openai', base_url: main.baseUrl, api_key_env: 'MAIN_KEY' },
          { model: 'llama-*', api: 'openai', base_url: other.baseUrl },
          { model: 'claude-*', api: 'anthropic', base_url: other.root },
        ],
        tenants: { clinic: [{ model: '*', api: 'openai', base_url: other.baseUrl, api_key_env: 'CLINIC_KEY' }] },
      },
      'routes.yaml',
      { MAIN_KEY: 'sk-main', CLINIC_KEY: 'sk-clinic' },
    );
    // The default upstream is a closed port: a request that fell through to it would fail the test.
    gw = await startGateway({
      store: join(dir, 'railgate.db'),
      port: 0,
      upstream: { baseUrl: 'http://127.0.0.1:9/v1' },
      routes,
    });
    const shop = (await createTenantWithKey(gw.store, { id: 'shop' })).key;
    const clinicKey = (await createTenantWithKey(gw.store, { id: 'clinic' })).key;
    openai = new OpenAI({ apiKey: shop, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    clinic = new OpenAI({ apiKey: clinicKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: shop, baseURL: gw.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw.close();
    await main.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (client: OpenAI, model: string) =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'What is the capital of France?' }] });

  it('sends each model to the upstream its route names, with that route’s key', async () => {
    await ask(openai, 'gpt-4o-mini');
    expect(main.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', credential: 'Bearer sk-main' });
    expect(main.requests.at(-1)?.body.model).toBe('gpt-4o-mini');
    await ask(openai, 'llama-3.1-8b');
    expect(other.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', credential: null });
    const message = await anthropic.messages.create({
      model: 'claude-stub',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hello there.' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(other.requests.at(-1)?.path).toBe('/v1/messages');
  });

  it('refuses a model no route matches with 404 in each API’s shape, before calling anyone', async () => {
    const before = main.requests.length + other.requests.length;
    const error = await ask(openai, 'mistral-large').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((error as Error).message).toContain("model 'mistral-large' has no route on this gateway");
    const anthropicError = await anthropic.messages
      .create({ model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(anthropicError).toBeInstanceOf(Anthropic.NotFoundError);
    expect(main.requests.length + other.requests.length).toBe(before);
  });

  it('answers a request without a model with 400 when routes decide by model', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${openai.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_model');
  });

  it('gives a tenant with its own routes only those', async () => {
    await ask(clinic, 'gpt-4o-mini');
    expect(other.requests.at(-1)).toMatchObject({ credential: 'Bearer sk-clinic' });
    expect(other.requests.at(-1)?.body.model).toBe('gpt-4o-mini');
  });
});
