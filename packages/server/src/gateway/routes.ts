/**
 * Which upstream a request goes to: a route table by model name, for the whole gateway and optionally per
 * tenant, read from a YAML/JSON file (`railgate serve --routes routes.yaml`). Without a table, every
 * request of an API shape goes to that shape's one upstream. With one, a model no route matches is refused
 * with 404 in the API's shape instead of being sent somewhere it was never meant to go.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Upstream } from './context.js';
import { GatewayError } from './errors.js';

export type Api = 'openai' | 'anthropic';

export interface Route extends Upstream {
  /** A model name, with `*` standing for any run of characters (`gpt-4o*`, `*`). */
  model: string;
  api: Api;
}

export interface RouteTable {
  /** Routes for every tenant without routes of its own, tried in order. */
  routes: Route[];
  /** A tenant's own routes replace the shared ones for that tenant. */
  tenants: Record<string, Route[]>;
}

const ROUTE_KEYS = ['model', 'api', 'base_url', 'api_key_env', 'timeout_ms'];

/** Reads and checks a route file; every problem is reported with the file, its path inside and a fix. */
export function loadRoutes(file: string, env: NodeJS.ProcessEnv = process.env): RouteTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read the route file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  return parseRoutes(doc, file, env);
}

export function parseRoutes(doc: unknown, file: string, env: NodeJS.ProcessEnv = process.env): RouteTable {
  const problems: string[] = [];
  const problem: Problem = (path, message, fix) => problems.push(`${file}: ${path}: ${message}\n  fix: ${fix}`);
  const table: RouteTable = { routes: [], tenants: {} };
  if (!isObject(doc)) {
    problem('(top)', 'expected a mapping with `routes` and optionally `tenants`', 'start the file with `routes:`');
    throw new Error(problems.join('\n'));
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'routes' && key !== 'tenants') problem(key, 'unknown key', 'only `routes` and `tenants` are allowed');
  }
  table.routes = routeList(doc.routes, 'routes', env, problem);
  if (doc.tenants !== undefined) {
    if (!isObject(doc.tenants)) {
      problem(
        'tenants',
        'expected a mapping of tenant id to a list of routes',
        'write `tenants:` then `  shop:` then routes',
      );
    } else {
      for (const [tenant, list] of Object.entries(doc.tenants)) {
        table.tenants[tenant] = routeList(list, `tenants.${tenant}`, env, problem);
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return table;
}

/** Records a problem and returns how many there are so far. */
type Problem = (path: string, message: string, fix: string) => number;

function routeList(value: unknown, path: string, env: NodeJS.ProcessEnv, problem: Problem): Route[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem(path, 'expected a list of routes', 'write each route as `- model: "gpt-*"` with `api` and `base_url`');
    return [];
  }
  return value.flatMap((item, index) => {
    const route = parseRoute(item, `${path}[${index}]`, env, problem);
    return route ? [route] : [];
  });
}

function parseRoute(item: unknown, path: string, env: NodeJS.ProcessEnv, problem: Problem): Route | null {
  if (!isObject(item)) {
    problem(
      path,
      'expected a mapping',
      'a route has `model`, `api`, `base_url` and optionally `api_key_env`, `timeout_ms`',
    );
    return null;
  }
  let failed = false;
  const report: Problem = (...args) => {
    failed = true;
    return problem(...args);
  };
  for (const key of Object.keys(item)) {
    if (!ROUTE_KEYS.includes(key)) report(`${path}.${key}`, 'unknown key', `allowed: ${ROUTE_KEYS.join(', ')}`);
  }
  const { model, api, base_url: baseUrl, api_key_env: keyEnv, timeout_ms: timeoutMs } = item;
  if (typeof model !== 'string' || model === '') {
    report(`${path}.model`, 'expected a model name or pattern', 'e.g. `model: "gpt-4o*"` or `model: "*"`');
  }
  if (api !== 'openai' && api !== 'anthropic') {
    report(
      `${path}.api`,
      `expected "openai" or "anthropic", found ${JSON.stringify(api)}`,
      'the API shape the upstream speaks',
    );
  }
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    report(`${path}.base_url`, 'expected an http(s) URL', 'e.g. `base_url: https://api.openai.com/v1`');
  }
  let apiKey: string | undefined;
  if (keyEnv !== undefined) {
    if (typeof keyEnv !== 'string')
      report(`${path}.api_key_env`, 'expected a variable name', 'e.g. `api_key_env: OPENAI_API_KEY`');
    else if (env[keyEnv] === undefined) {
      report(
        `${path}.api_key_env`,
        `environment variable ${keyEnv} is not set`,
        `export ${keyEnv}=… before starting the gateway`,
      );
    } else apiKey = env[keyEnv];
  }
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && (timeoutMs as number) > 0)) {
    report(`${path}.timeout_ms`, 'expected a positive whole number of milliseconds', 'e.g. `timeout_ms: 60000`');
  }
  if (failed) return null;
  return {
    model: model as string,
    api: api as Api,
    baseUrl: baseUrl as string,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs: timeoutMs as number } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `*` matches any run of characters; everything else literally (no regular expressions involved). */
export function modelMatches(pattern: string, model: string): boolean {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return pattern === model;
  if (!model.startsWith(first) || !model.endsWith(last) || model.length < first.length + last.length) return false;
  let at = first.length;
  const end = model.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = model.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/**
 * The upstream for a request: the tenant's routes (or the shared ones) of this API shape, first match wins.
 * With no routes of that shape at all, the shape's default upstream.
 */
export function resolveUpstream(
  table: RouteTable | undefined,
  tenant: string,
  api: Api,
  model: unknown,
  fallback: Upstream,
): Upstream {
  const routes = table?.tenants[tenant] ?? table?.routes ?? [];
  // Nothing allocated on the way: this runs on every proxied request.
  if (!routes.some((r) => r.api === api)) return fallback;
  if (typeof model !== 'string' || model === '') {
    throw new GatewayError(400, 'invalid_request_error', 'model (a string) is required', 'invalid_model');
  }
  const route = routes.find((r) => r.api === api && modelMatches(r.model, model));
  if (!route) {
    const known = routes
      .filter((r) => r.api === api)
      .map((r) => r.model)
      .join(', ');
    throw new GatewayError(
      404,
      'not_found_error',
      `model '${model}' has no route on this gateway (routes: ${known})`,
      'model_not_found',
    );
  }
  return route;
}
