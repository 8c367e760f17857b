/**
 * @railgate/server: the Railgate gateway. `startGateway` runs it; `createGateway` gives the Hono app for
 * embedding; the stores and the audit chain are exported for tools such as `railgate audit verify`.
 */
export { type ChainProblem, chainHash, GENESIS_HASH, verifyChain } from './audit/chain.js';
export { AuditWriter, type AuditWriterOptions } from './audit/writer.js';
export { createTenantWithKey, ensureFirstTenant, issueKey } from './bootstrap.js';
export { createGateway, type Gateway, type GatewayOptions } from './gateway/app.js';
export { StreamGuard, type StreamStep } from './gateway/stream-guard.js';
export { openStore, type RunningGateway, type ServeOptions, startGateway } from './server.js';
export { PostgresStore } from './store/postgres.js';
export { SqliteStore } from './store/sqlite.js';
export type { ApiKeyRow, DecisionRecord, Store, StoredDecision, Tenant } from './store/types.js';
