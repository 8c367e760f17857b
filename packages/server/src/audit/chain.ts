/**
 * The audit hash chain: each decision's hash covers the previous hash and the record's canonical JSON, so
 * deleting, reordering or editing a stored record breaks every hash after it.
 */
import { createHash } from 'node:crypto';
import type { DecisionRecord, StoredDecision } from '../store/types.js';

export const GENESIS_HASH = '0'.repeat(64);

function canonical(record: DecisionRecord): string {
  const ordered = {
    decision_id: record.decision_id,
    tenant_id: record.tenant_id,
    rail: record.rail,
    action: record.action,
    rules: record.rules,
    scores: Object.fromEntries(Object.entries(record.scores).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    latency_us: record.latency_us,
    policy_id: record.policy_id,
    policy_version: record.policy_version,
    text_sha256: record.text_sha256,
    text: record.text,
    created_at: record.created_at,
  };
  return JSON.stringify(ordered);
}

export function chainHash(prevHash: string, record: DecisionRecord): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(record)).digest('hex');
}

export interface ChainProblem {
  seq: number;
  decision_id: string;
  problem: string;
}

/** Checks a chain read in seq order; returns the first problems found (empty = intact). */
export function verifyChain(rows: StoredDecision[]): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let prev = GENESIS_HASH;
  let expectedSeq = rows[0]?.seq ?? 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      problems.push({ seq: row.seq, decision_id: row.decision_id, problem: `gap: expected seq ${expectedSeq}` });
    }
    if (row.prev_hash !== prev) {
      problems.push({
        seq: row.seq,
        decision_id: row.decision_id,
        problem: 'prev_hash does not match the record before',
      });
    }
    if (chainHash(row.prev_hash, row) !== row.hash) {
      problems.push({ seq: row.seq, decision_id: row.decision_id, problem: 'record altered: hash does not match' });
    }
    prev = row.hash;
    expectedSeq = row.seq + 1;
  }
  return problems;
}
