/**
 * Prometheus metrics of one gateway (its own registry, so two gateways in one process do not mix).
 * Labels carry rule ids, rails, actions and routes — never tenant ids or text, because /metrics is
 * usually scraped without authentication.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Verdict } from 'railgate';
import type { AuditWriter } from '../audit/writer.js';

const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'railgate_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'railgate_decisions_total',
    help: 'Checked texts by rail and action',
    labelNames: ['rail', 'action'] as const,
    registers: [this.registry],
  });
  readonly fired = new Counter({
    name: 'railgate_rule_fired_total',
    help: 'Rules that fired, by rule id and action',
    labelNames: ['rule', 'action'] as const,
    registers: [this.registry],
  });
  readonly ruleErrors = new Counter({
    name: 'railgate_rule_errors_total',
    help: 'Rules that errored or timed out (the rail on_error applied)',
    labelNames: ['rule', 'kind'] as const,
    registers: [this.registry],
  });
  readonly ruleLatency = new Histogram({
    name: 'railgate_rule_latency_seconds',
    help: 'Time spent in each rule',
    labelNames: ['rule'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamLatency = new Histogram({
    name: 'railgate_upstream_latency_seconds',
    help: 'Time to the upstream response headers, by API',
    labelNames: ['api', 'outcome'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'railgate_upstream_errors_total',
    help: 'Upstream calls that failed, by API and kind',
    labelNames: ['api', 'kind'] as const,
    registers: [this.registry],
  });

  constructor(audit: AuditWriter) {
    const readings: Array<[name: string, help: string, read: () => number]> = [
      ['railgate_audit_queue_depth', 'Decision records waiting to be written', () => audit.depth],
      ['railgate_audit_dropped', 'Decision records lost because the spool was full', () => audit.dropped],
      ['railgate_audit_spool_bytes', 'Decision records waiting on disk while the store is down', () => audit.spooled],
      ['railgate_audit_write_failures', 'Failed batch writes to the store (retried)', () => audit.failures],
    ];
    for (const [name, help, read] of readings) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    }
    collectDefaultMetrics({ register: this.registry, prefix: 'railgate_process_' });
  }

  /**
   * Each rule's latency series, looked up once: a verdict times every rule of its rail, and resolving the
   * label set on each observation was a visible share of the gateway's CPU under load.
   */
  private readonly ruleTimers = new Map<string, { observe(value: number): void }>();

  observeVerdict(verdict: Verdict): void {
    this.decisions.inc({ rail: verdict.rail, action: verdict.action });
    for (const finding of verdict.findings)
      if (finding.fired) this.fired.inc({ rule: finding.rule, action: finding.action });
    const rules = verdict.latency_us.rules;
    for (const rule in rules) this.ruleTimer(rule).observe((rules[rule] as number) / 1e6);
    for (const error of verdict.errors) this.ruleErrors.inc({ rule: error.rule, kind: error.kind });
  }

  private ruleTimer(rule: string): { observe(value: number): void } {
    let timer = this.ruleTimers.get(rule);
    if (!timer) {
      timer = this.ruleLatency.labels({ rule });
      this.ruleTimers.set(rule, timer);
    }
    return timer;
  }
}
