/** What the gateway needs from a store; SQLite implements it here, PostgreSQL next to it. */

export interface Tenant {
  id: string;
  name: string;
  /** A preset name or a policy document (YAML or JSON text) this tenant's requests run under. */
  policy: string;
  /** Whether the tenant keeps the raw text (PII-masked) of its decisions. */
  store_text: boolean;
  /** Replace PII in prompts by placeholders before the model sees it, and restore it in the answer. */
  pseudonymize: boolean;
  created_at: string;
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  salt: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface DecisionRecord {
  decision_id: string;
  tenant_id: string;
  rail: string;
  action: string;
  rules: string[];
  scores: Record<string, number>;
  latency_us: number;
  policy_id: string;
  policy_version: string;
  text_sha256: string;
  text: string | null;
  created_at: string;
}

export interface StoredDecision extends DecisionRecord {
  seq: number;
  prev_hash: string;
  hash: string;
}

export interface PolicyVersion {
  tenant_id: string;
  version: number;
  policy: string;
  actor: string;
  created_at: string;
}

export interface AdminEvent {
  seq: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  created_at: string;
}

export interface Store {
  migrate(): Promise<void>;
  createTenant(input: {
    id: string;
    name: string;
    policy: string;
    store_text?: boolean;
    pseudonymize?: boolean;
  }): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  addKey(row: Omit<ApiKeyRow, 'created_at' | 'revoked_at'>): Promise<void>;
  getKey(id: string): Promise<ApiKeyRow | undefined>;
  revokeKey(id: string): Promise<void>;
  /** Appends decisions in order, extending the hash chain; one transaction per batch. */
  appendDecisions(records: DecisionRecord[]): Promise<void>;
  listDecisions(tenantId: string, options?: { limit?: number; action?: string }): Promise<StoredDecision[]>;
  allDecisions(): Promise<StoredDecision[]>;
  /** Keys of a tenant, without salts or hashes. */
  listKeys(tenantId: string): Promise<Array<Pick<ApiKeyRow, 'id' | 'created_at' | 'revoked_at'>>>;
  /** Makes `policy` the tenant's active policy as a new version (history is append-only); returns it. */
  setTenantPolicy(tenantId: string, policy: string, actor: string): Promise<number>;
  policyVersions(tenantId: string): Promise<PolicyVersion[]>;
  logEvent(event: Omit<AdminEvent, 'seq' | 'created_at'>): Promise<void>;
  events(limit?: number): Promise<AdminEvent[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
