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
  /** Whether a request may name a policy of its own (the gateway decides how); off unless granted. */
  allow_policy_override: boolean;
  created_at: string;
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  salt: string;
  hash: string;
  /** The key's own policy (a preset name or a policy document); null: the tenant's policy. */
  policy: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** What `addKey` stores; a key without `policy` runs under its tenant's policy. */
export type NewKeyRow = Omit<ApiKeyRow, 'created_at' | 'revoked_at' | 'policy'> & { policy?: string | null };

/** A key as listed: no salt, no hash. */
export type KeyInfo = Pick<ApiKeyRow, 'id' | 'created_at' | 'revoked_at' | 'policy'>;

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
    allow_policy_override?: boolean;
  }): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  addKey(row: NewKeyRow): Promise<void>;
  getKey(id: string): Promise<ApiKeyRow | undefined>;
  /**
   * Revokes a key; true when this call revoked it, false when there is no such key or it was revoked
   * already (the first revocation time is kept, and two concurrent rotations cannot both succeed).
   */
  revokeKey(id: string): Promise<boolean>;
  /** Appends decisions in order, extending the hash chain; one transaction per batch. */
  appendDecisions(records: DecisionRecord[]): Promise<void>;
  listDecisions(tenantId: string, options?: { limit?: number; action?: string }): Promise<StoredDecision[]>;
  allDecisions(): Promise<StoredDecision[]>;
  /** Keys of a tenant, oldest first, without salts or hashes. */
  listKeys(tenantId: string): Promise<KeyInfo[]>;
  /**
   * Makes `policy` the tenant's active policy as a new version (history is append-only); returns it.
   * Rejects when there is no such tenant.
   */
  setTenantPolicy(tenantId: string, policy: string, actor: string): Promise<number>;
  policyVersions(tenantId: string): Promise<PolicyVersion[]>;
  logEvent(event: Omit<AdminEvent, 'seq' | 'created_at'>): Promise<void>;
  events(limit?: number): Promise<AdminEvent[]>;
  ping(): Promise<void>;
  /**
   * Calls `onChange` with a tenant's id after a committed change that instances must not keep serving from
   * cache: a new active policy (`setTenantPolicy`) or a revoked key. Stores shared by several instances
   * implement it (PostgreSQL: LISTEN/NOTIFY); without it, instances rely on their periodic re-check.
   * Resolves once listening (or, when the database cannot be reached, once that is reported to `onError`;
   * it keeps retrying). Never rejects and never throws into the process: connection losses and errors
   * thrown by `onChange` go to `onError`. Changes made while the connection is down are not replayed.
   * The returned function stops this watcher; `close()` stops all of them.
   */
  watchPolicies?(onChange: (tenantId: string) => void, onError?: (error: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
