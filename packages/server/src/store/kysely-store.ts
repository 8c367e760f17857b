/**
 * The store's queries, written once with kysely for SQLite and PostgreSQL; the two subclasses add the
 * connection, the schema and how the audit chain is locked.
 */
import { type Generated, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { chainHash, GENESIS_HASH } from '../audit/chain.js';
import type { AdminEvent, ApiKeyRow, DecisionRecord, PolicyVersion, Store, StoredDecision, Tenant } from './types.js';

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

interface PolicyVersionTable {
  tenant_id: string;
  version: number;
  policy: string;
  actor: string;
  created_at: string;
}

interface AdminEventTable {
  seq: Generated<number>;
  actor: string;
  action: string;
  target: string;
  detail: string;
  created_at: string;
}

export interface Schema {
  tenants: TenantTable;
  api_keys: KeyTable;
  decisions: DecisionTable;
  policy_versions: PolicyVersionTable;
  admin_events: AdminEventTable;
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

/** Rows per INSERT: 15 columns × 50 rows stays under SQLite's default 999 bound parameters. */
const INSERT_SLICE = 50;

export abstract class KyselyStore implements Store {
  protected abstract readonly db: Kysely<Schema>;

  abstract migrate(): Promise<void>;

  /** Serialises appends to the audit chain (across processes, where the database allows several). */
  protected abstract lockChain(trx: Transaction<Schema>): Promise<void>;

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
      await this.lockChain(trx);
      const last = await trx.selectFrom('decisions').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      let prev = last?.hash ?? GENESIS_HASH;
      const rows = records.map((record) => {
        const hash = chainHash(prev, record);
        const row = {
          ...record,
          rules: JSON.stringify(record.rules),
          scores: JSON.stringify(record.scores),
          prev_hash: prev,
          hash,
        };
        prev = hash;
        return row;
      });
      // One multi-row insert per slice: statement compilation and the round trip are paid once, not per record.
      for (let i = 0; i < rows.length; i += INSERT_SLICE) {
        await trx
          .insertInto('decisions')
          .values(rows.slice(i, i + INSERT_SLICE))
          .execute();
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

  async listKeys(tenantId: string): Promise<Array<Pick<ApiKeyRow, 'id' | 'created_at' | 'revoked_at'>>> {
    return this.db
      .selectFrom('api_keys')
      .select(['id', 'created_at', 'revoked_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .execute();
  }

  async setTenantPolicy(tenantId: string, policy: string, actor: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('policy_versions')
        .select('version')
        .where('tenant_id', '=', tenantId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      const version = (last?.version ?? 0) + 1;
      await trx
        .insertInto('policy_versions')
        .values({ tenant_id: tenantId, version, policy, actor, created_at: new Date().toISOString() })
        .execute();
      await trx.updateTable('tenants').set({ policy }).where('id', '=', tenantId).execute();
      return version;
    });
  }

  async policyVersions(tenantId: string): Promise<PolicyVersion[]> {
    return this.db
      .selectFrom('policy_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('version')
      .execute();
  }

  async logEvent(event: Omit<AdminEvent, 'seq' | 'created_at'>): Promise<void> {
    await this.db
      .insertInto('admin_events')
      .values({ ...event, created_at: new Date().toISOString() })
      .execute();
  }

  async events(limit = 100): Promise<AdminEvent[]> {
    return this.db.selectFrom('admin_events').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
