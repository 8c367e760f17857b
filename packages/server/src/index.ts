/**
 * @railgate/server: the Railgate gateway. `startGateway` runs it; `createGateway` gives the Hono app for
 * embedding; the stores and the audit chain are exported for tools such as `railgate audit verify`.
 */
export { type ChainProblem, chainHash, GENESIS_HASH, verifyChain } from './audit/chain.js';
export { AuditWriter, type AuditWriterOptions } from './audit/writer.js';
export {
  createTenantWithKey,
  ensureFirstTenant,
  type IssueKeyOptions,
  issueKey,
  type KeyListing,
  keyIdOf,
  listTenantKeys,
  type NewTenant,
  policySummary,
  type RotatedKey,
  revokeApiKey,
  rotateKey,
} from './bootstrap.js';
export { createGateway, type Gateway, type GatewayOptions } from './gateway/app.js';
export { type Api, loadRoutes, modelMatches, parseRoutes, type Route, type RouteTable } from './gateway/routes.js';
export { StreamGuard, type StreamStep } from './gateway/stream-guard.js';
export { openStore, type RunningGateway, type ServeOptions, startGateway } from './server.js';
export { PostgresStore } from './store/postgres.js';
export { SqliteStore } from './store/sqlite.js';
export type {
  AdminEvent,
  ApiKeyRow,
  DecisionRecord,
  KeyInfo,
  NewKeyRow,
  Store,
  StoredDecision,
  Tenant,
} from './store/types.js';
