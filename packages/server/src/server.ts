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

export function openStore(spec: string): Store {
  if (/^postgres(ql)?:\/\//.test(spec)) return new PostgresStore(spec);
  return new SqliteStore(spec.replace(/^sqlite:/, ''));
}

export async function startGateway(options: ServeOptions): Promise<RunningGateway> {
  const store = typeof options.store === 'object' ? options.store : openStore(options.store ?? 'railgate.db');
  await store.migrate().catch((error: Error) => {
    throw new Error(`cannot open the store: ${error.message}`);
  });
  const firstKey = await ensureFirstTenant(store);
  const log = options.log ?? (() => undefined);
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
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: gateway.app.fetch, port: options.port ?? 8787, hostname: host }, () => resolve(s));
  });
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
        // Idle keep-alive connections would hold close() open; busy ones finish their request first.
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      });
      await gateway.stop();
      await audit.close();
      await store.close();
    },
  };
}
