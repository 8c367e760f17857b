/** Starting and stopping the gateway as a Node HTTP server. */
import { type ServerType, serve } from '@hono/node-server';
import { pino } from 'pino';
import { AuditWriter } from './audit/writer.js';
import { ensureFirstTenant } from './bootstrap.js';
import { createGateway, type Gateway, type GatewayOptions } from './gateway/app.js';
import { PostgresStore } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';

export interface ServeOptions extends Omit<GatewayOptions, 'store' | 'audit'> {
  /** A PostgreSQL URL, `sqlite:<path>` / a file path (default `railgate.db`), or an already-open store. */
  store?: string | Store;
  port?: number;
  host?: string;
  log?: (line: string) => void;
  /**
   * Where audit records wait while the store is down. Default: next to a SQLite file
   * (`<file>.audit-spool.jsonl`), `railgate-audit-spool.jsonl` in the working directory for PostgreSQL.
   */
  auditSpool?: string;
  /** With a level (`info`, `warn`, …), JSON request logs go to stderr through pino. */
  logLevel?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  gateway: Gateway;
  store: Store;
  /** The key of the tenant created on first start, or null when the store already had tenants. */
  firstKey: string | null;
  /** Stops accepting requests, waits for in-flight ones, flushes the audit queue, closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the store a spec names. `longRunning` (the gateway) moves SQLite's WAL checkpoints to a worker
 * thread so they never stall requests; short commands leave SQLite's default.
 */
const KEEP_ALIVE_MS = 65_000;
const CLOSING_KEEP_ALIVE_MS = 100;

export function openStore(
  spec: string,
  options: { longRunning?: boolean; onError?: (message: string) => void } = {},
): Store {
  if (/^postgres(ql)?:\/\//.test(spec)) return new PostgresStore(spec);
  return new SqliteStore(spec.replace(/^sqlite:/, ''), {
    checkpointInWorker: options.longRunning ?? false,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}

export async function startGateway(options: ServeOptions): Promise<RunningGateway> {
  const log = options.log ?? (() => undefined);
  const store =
    typeof options.store === 'object'
      ? options.store
      : openStore(options.store ?? 'railgate.db', { longRunning: true, onError: log });
  await store.migrate().catch((error: Error) => {
    throw new Error(`cannot open the store: ${error.message}`);
  });
  const firstKey = await ensureFirstTenant(store);
  const spoolPath =
    options.auditSpool ??
    (typeof options.store === 'string' && !/^postgres(ql)?:/.test(options.store)
      ? `${options.store.replace(/^sqlite:/, '')}.audit-spool.jsonl`
      : 'railgate-audit-spool.jsonl');
  const audit = new AuditWriter(store, {
    spoolPath,
    onError: (error) => log(`audit write failed, will retry: ${(error as Error).message}`),
  });
  const logger =
    options.logger ?? (options.logLevel ? pino({ level: options.logLevel }, pino.destination(2)) : undefined);
  const gateway = createGateway({ ...options, store, audit, ...(logger ? { logger } : {}) });
  await gateway.warm();
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: gateway.app.fetch, port: options.port ?? 8787, hostname: host }, () => resolve(s));
  });
  // Load balancers keep idle connections open for about a minute; a server that closes them first (Node's
  // default is 5 s) races the balancer's next request on the same socket, which then fails.
  if ('keepAliveTimeout' in server) {
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 1000;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8787);
  return {
    url: `http://${host}:${port}`,
    port,
    gateway,
    store,
    firstKey,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would hold close() open; busy ones finish their request first, and
        // then must not wait out the long keep-alive timeout before closing.
        if ('keepAliveTimeout' in server) server.keepAliveTimeout = CLOSING_KEEP_ALIVE_MS;
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await gateway.stop();
      await audit.close();
      await store.close();
    },
  };
}
