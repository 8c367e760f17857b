/**
 * The embedded store: SQLite through better-sqlite3 (WAL) and kysely. One file, no server; the default for
 * `npm start` and single-instance deployments.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { KyselyStore, type Schema } from './kysely-store.js';

export class SqliteStore extends KyselyStore {
  protected readonly db: Kysely<Schema>;

  constructor(readonly path: string) {
    super();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('busy_timeout = 5000');
    this.db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  }

  async migrate(): Promise<void> {
    await sql`create table if not exists tenants (
      id text primary key, name text not null, policy text not null,
      store_text integer not null default 0, pseudonymize integer not null default 0, created_at text not null)`.execute(
      this.db,
    );
    await sql`create table if not exists api_keys (
      id text primary key, tenant_id text not null references tenants (id), salt text not null, hash text not null,
      created_at text not null, revoked_at text)`.execute(this.db);
    await sql`create table if not exists decisions (
      seq integer primary key autoincrement, decision_id text not null, tenant_id text not null, rail text not null,
      action text not null, rules text not null, scores text not null, latency_us integer not null,
      policy_id text not null, policy_version text not null, text_sha256 text not null, text text,
      created_at text not null, prev_hash text not null, hash text not null)`.execute(this.db);
    await sql`create index if not exists decisions_tenant on decisions (tenant_id, seq)`.execute(this.db);
    await sql`create table if not exists policy_versions (
      tenant_id text not null references tenants (id), version integer not null, policy text not null,
      actor text not null, created_at text not null, primary key (tenant_id, version))`.execute(this.db);
    await sql`create table if not exists admin_events (
      seq integer primary key autoincrement, actor text not null, action text not null, target text not null,
      detail text not null, created_at text not null)`.execute(this.db);
  }

  protected async lockChain(): Promise<void> {
    // One connection, and SQLite runs one write transaction at a time: nothing else can append meanwhile.
  }
}
