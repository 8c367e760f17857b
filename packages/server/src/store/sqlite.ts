/**
 * The embedded store: SQLite through better-sqlite3 (WAL) and kysely. One file, no server; the default for
 * `npm start` and single-instance deployments.
 */
import Database from 'better-sqlite3';
import { type Generated, Kysely, type Selectable, SqliteDialect, sql } from 'kysely';
import { chainHash, GENESIS_HASH } from '../audit/chain.js';
import type { ApiKeyRow, DecisionRecord, Store, StoredDecision, Tenant } from './types.js';

interface TenantTable {
  id: string;
  name: string;
  policy: string;
  store_text: number;
  pseudonymize: number;
  created_at: string;
}

interface KeyTable {
  id: string;
  tenant_id: string;
  salt: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

interface DecisionTable {
  seq: Generated<number>;
  decision_id: string;
  tenant_id: string;
  rail: string;
  action: string;
  rules: string;
  scores: string;
  latency_us: number;
  policy_id: string;
  policy_version: string;
  text_sha256: string;
  text: string | null;
  created_at: string;
  prev_hash: string;
  hash: string;
}

interface Schema {
  tenants: TenantTable;
  api_keys: KeyTable;
  decisions: DecisionTable;
}

function toTenant(row: TenantTable): Tenant {
  return { ...row, store_text: row.store_text === 1, pseudonymize: row.pseudonymize === 1 };
}

function toDecision(row: Selectable<DecisionTable>): StoredDecision {
  return {
    ...row,
    rules: JSON.parse(row.rules) as string[],
    scores: JSON.parse(row.scores) as Record<string, number>,
  };
}

export class SqliteStore implements Store {
  private readonly db: Kysely<Schema>;
  private readonly raw: Database.Database;

  constructor(readonly path: string) {
    this.raw = new Database(path);
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('busy_timeout = 5000');
    this.db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: this.raw }) });
  }

  async migrate(): Promise<void> {
    await this.db.schema
      .createTable('tenants')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('store_text', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pseudonymize', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await this.db.schema
      .createTable('api_keys')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('salt', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await this.db.schema
      .createTable('decisions')
      .ifNotExists()
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('decision_id', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('rail', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('scores', 'text', (c) => c.notNull())
      .addColumn('latency_us', 'integer', (c) => c.notNull())
      .addColumn('policy_id', 'text', (c) => c.notNull())
      .addColumn('policy_version', 'text', (c) => c.notNull())
      .addColumn('text_sha256', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await sql`create index if not exists decisions_tenant on decisions (tenant_id, seq)`.execute(this.db);
  }

  async createTenant(input: {
    id: string;
    name: string;
    policy: string;
    store_text?: boolean;
    pseudonymize?: boolean;
  }): Promise<Tenant> {
    const row: TenantTable = {
      id: input.id,
      name: input.name,
      policy: input.policy,
      store_text: input.store_text ? 1 : 0,
      pseudonymize: input.pseudonymize ? 1 : 0,
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('tenants').values(row).execute();
    return toTenant(row);
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTenant(row) : undefined;
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.db.selectFrom('tenants').selectAll().orderBy('created_at').execute()).map(toTenant);
  }

  async addKey(row: Omit<ApiKeyRow, 'created_at' | 'revoked_at'>): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ ...row, created_at: new Date().toISOString(), revoked_at: null })
      .execute();
  }

  async getKey(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revokeKey(id: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).execute();
  }

  async appendDecisions(records: DecisionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const last = await trx.selectFrom('decisions').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      let prev = last?.hash ?? GENESIS_HASH;
      for (const record of records) {
        const hash = chainHash(prev, record);
        await trx
          .insertInto('decisions')
          .values({
            ...record,
            rules: JSON.stringify(record.rules),
            scores: JSON.stringify(record.scores),
            prev_hash: prev,
            hash,
          })
          .execute();
        prev = hash;
      }
    });
  }

  async listDecisions(tenantId: string, options: { limit?: number; action?: string } = {}): Promise<StoredDecision[]> {
    let query = this.db.selectFrom('decisions').selectAll().where('tenant_id', '=', tenantId);
    if (options.action) query = query.where('action', '=', options.action);
    const rows = await query
      .orderBy('seq', 'desc')
      .limit(Math.min(options.limit ?? 100, 1000))
      .execute();
    return rows.map(toDecision);
  }

  async allDecisions(): Promise<StoredDecision[]> {
    return (await this.db.selectFrom('decisions').selectAll().orderBy('seq').execute()).map(toDecision);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
