/**
 * PostgreSQL LISTEN on one channel, on a connection of its own: a pooled connection is handed to other
 * queries between uses, and LISTEN belongs to the session. The connection is re-opened after it drops
 * (1 s, then doubling up to 10 s); nothing here throws into the process, errors go to `onError`.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 10_000;
/** PostgreSQL's identifier limit (NAMEDATALEN - 1): pg_notify refuses longer channel names, LISTEN truncates. */
const MAX_CHANNEL_BYTES = 63;
const CHANNEL_PREFIX = 'railgate_policy_';

/**
 * The channel of a schema's policy changes. The schema is part of it so that stores in different schemas
 * of one database (tests, several deployments) do not hear each other; a name too long to be a channel
 * is replaced by a hash of it.
 */
export function policyChannel(schema: string): string {
  const channel = `${CHANNEL_PREFIX}${schema}`;
  if (Buffer.byteLength(channel) <= MAX_CHANNEL_BYTES) return channel;
  return `${CHANNEL_PREFIX}${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

export interface PolicyListenerOptions {
  url: string;
  channel: string;
  onChange(tenantId: string): void;
  onError?(error: Error): void;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class PolicyListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  constructor(private readonly options: PolicyListenerOptions) {}

  /** Resolves once listening, or once a failed first attempt has been reported (retrying continues). */
  start(): Promise<void> {
    return this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    // Cleared first, so the 'end' event of this deliberate close is not taken for a lost connection.
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let client: pg.Client;
    try {
      client = new pg.Client({ connectionString: this.options.url, connectionTimeoutMillis: 5000, keepAlive: true });
    } catch (error) {
      this.report(error);
      return;
    }
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the policy-change listener lost its connection')));
    client.on('notification', (message) => {
      if (message.channel === this.options.channel && message.payload) this.deliver(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) {
      // Closed (or replaced) while connecting.
      await client.end().catch(() => undefined);
      return;
    }
    this.retryMs = FIRST_RETRY_MS;
  }

  /** Reports a lost or failed connection once per client and schedules the next attempt. */
  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.report(error);
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, wait);
    // A pending retry alone should not keep the process alive.
    this.retry.unref();
  }

  private deliver(tenantId: string): void {
    try {
      const result: unknown = this.options.onChange(tenantId);
      // A callback declared void may still be async; its rejection must not become an unhandled one.
      if (result instanceof Promise) result.catch((error: unknown) => this.report(error));
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(asError(error));
    } catch {
      // An error handler that throws has nowhere further to report to.
    }
  }
}
