/**
 * The rail runner: runs the compiled rules of one rail on one subject (in parallel or in order, with
 * per-rule and per-rail timeouts), then turns what they found into a verdict (thresholds, aggregation,
 * on_error, masking, review). The synchronous and asynchronous paths share the decision step; only the
 * way rules are called differs.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Views } from '../normalize/views.js';
import { applyMasks, type MaskSpan, maskSpanOf } from './mask.js';
import type { EffectiveRail, EffectiveRule } from './policy.js';
import type { Finding, Rail, RuleError, RuleFinding, ScanFn, Subject, Verdict, VerdictAction } from './types.js';

export interface CompiledRule {
  rule: EffectiveRule;
  scan: ScanFn;
  async: boolean;
}

export interface CompiledRail {
  rail: Rail;
  config: EffectiveRail;
  /** In run order (see inRunOrder). */
  rules: CompiledRule[];
  /** True when any rule is asynchronous. */
  async: boolean;
}

export interface PolicyMeta {
  id: string;
  version: string;
  maskFormat: string;
}

interface Outcome {
  rule: CompiledRule;
  findings: readonly Finding[];
  error?: RuleError;
  us: number;
}

const now = (): number => performance.now();
/** Synchronous scanners cannot be interrupted; they share one signal that never fires (one per call costs ~10 µs). */
const NEVER_ABORTED = new AbortController().signal;
const micros = (ms: number): number => Math.round(ms * 1000);

function errorOutcome(rule: CompiledRule, kind: RuleError['kind'], message: string, us = 0): Outcome {
  return { rule, findings: [], error: { rule: rule.rule.id, kind, message }, us };
}

function checkFindings(value: unknown, rule: CompiledRule): readonly Finding[] {
  if (!Array.isArray(value)) throw new TypeError(`scanner ${rule.rule.scanner} returned ${typeof value}, not an array`);
  return value as Finding[];
}

function runOneSync(rule: CompiledRule, subject: Subject, views: Views, signal: AbortSignal): Outcome {
  const t0 = now();
  try {
    const result = rule.scan(subject, views, signal);
    if (result instanceof Promise) {
      result.catch(() => undefined);
      return errorOutcome(rule, 'error', 'scanner returned a promise on the synchronous path', micros(now() - t0));
    }
    return { rule, findings: checkFindings(result, rule), us: micros(now() - t0) };
  } catch (error) {
    return errorOutcome(rule, 'error', messageOf(error), micros(now() - t0));
  }
}

async function runOneAsync(
  rule: CompiledRule,
  subject: Subject,
  views: Views,
  deadline: number,
  outer: AbortSignal | undefined,
): Promise<Outcome> {
  const t0 = now();
  const budget = Math.min(rule.rule.timeout_ms ?? Number.POSITIVE_INFINITY, deadline - t0);
  if (budget <= 0) return errorOutcome(rule, 'timeout', 'rail deadline passed before the rule started');
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = rule.scan(subject, views, controller.signal);
    if (!(result instanceof Promise)) return { rule, findings: checkFindings(result, rule), us: micros(now() - t0) };
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), budget);
    });
    const settled = await Promise.race([result, timeout]);
    if (settled === 'timeout') {
      controller.abort(new Error('timeout'));
      result.catch(() => undefined);
      return errorOutcome(rule, 'timeout', `no answer within ${Math.round(budget)} ms`, micros(now() - t0));
    }
    return { rule, findings: checkFindings(settled, rule), us: micros(now() - t0) };
  } catch (error) {
    return errorOutcome(rule, 'error', messageOf(error), micros(now() - t0));
  } finally {
    if (timer) clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Running tally used both for sequential short-circuiting and for the final decision. */
class Tally {
  votes = 0;
  blockRules = 0;
  weightedScore = 0;
  weightTotal = 0;
  failClosed: string[] = [];
  voters: string[] = [];

  constructor(private readonly config: EffectiveRail) {
    for (const rule of config.rules) {
      if (rule.action === 'block') {
        this.blockRules++;
        this.weightTotal += rule.weight;
      }
    }
  }

  add(outcome: Outcome): void {
    const rule = outcome.rule.rule;
    if (outcome.error) {
      if (rule.on_error === 'fail_closed') this.failClosed.push(rule.id);
      return;
    }
    let votes = false;
    let max = 0;
    for (const f of outcome.findings) {
      max = Math.max(max, f.score);
      if (f.score >= (f.threshold ?? rule.threshold) && (f.action ?? rule.action) === 'block') votes = true;
    }
    if (votes) {
      this.votes++;
      this.voters.push(rule.id);
      // A per-finding block inside a rule whose own action is not block still counts as a voter.
      if (rule.action !== 'block') this.blockRules++;
    }
    if (rule.action === 'block') this.weightedScore += rule.weight * max;
  }

  /** A gated rule that did not run: it no longer counts among the rules `all` and `majority` wait for. */
  skip(rule: EffectiveRule): void {
    if (rule.action === 'block') {
      this.blockRules--;
      this.weightTotal -= rule.weight;
    }
  }

  /** True when the rail blocks whatever the rules not yet run would say. */
  blockDecided(): boolean {
    if (this.failClosed.length > 0) return true;
    switch (this.config.aggregation) {
      case 'any':
        return this.votes > 0;
      case 'majority':
        return this.votes > this.blockRules / 2;
      case 'weighted':
        return this.weightTotal > 0 && this.weightedScore / this.weightTotal >= this.config.weighted_threshold;
      case 'all':
        return false;
    }
  }

  blocks(): boolean {
    if (this.blockDecided()) return true;
    return this.config.aggregation === 'all' && this.blockRules > 0 && this.votes === this.blockRules;
  }
}

/**
 * Whether a gated rule runs, from the outcomes so far: its gate rule's best score must lie in the band.
 * A gate rule that errored or timed out opens the gate (the cascade's stronger detector is the fallback);
 * one that never ran (a sequential rail already decided) keeps it shut.
 */
function gateOpen(rule: CompiledRule, outcomes: readonly Outcome[]): boolean {
  const when = rule.rule.when;
  if (!when) return true;
  const gate = outcomes.find((o) => o.rule.rule.id === when.rule);
  if (!gate) return false;
  if (gate.error) return true;
  const best = gate.findings.reduce((max, f) => Math.max(max, f.score), 0);
  return best >= when.band[0] && best < when.band[1];
}

/** Ungated rules first (in policy order), then gated ones, which need their gate's outcome. Done once, at compile. */
export function inRunOrder(rules: readonly CompiledRule[]): CompiledRule[] {
  return [...rules.filter((r) => !r.rule.when), ...rules.filter((r) => r.rule.when)];
}

export function runRailSync(compiled: CompiledRail, subject: Subject, views: Views, meta: PolicyMeta): Verdict {
  const t0 = now();
  const deadline = t0 + compiled.config.timeout_ms;
  const tally = new Tally(compiled.config);
  const outcomes: Outcome[] = [];
  const sequential = compiled.config.mode === 'sequential';
  for (const rule of compiled.rules) {
    if (!gateOpen(rule, outcomes)) {
      tally.skip(rule.rule);
      continue;
    }
    const outcome =
      sequential && now() > deadline
        ? errorOutcome(rule, 'timeout', 'rail deadline passed before the rule started')
        : runOneSync(rule, subject, views, NEVER_ABORTED);
    outcomes.push(outcome);
    tally.add(outcome);
    if (sequential && tally.blockDecided()) break;
  }
  return decide(compiled, subject, outcomes, tally, meta, t0);
}

export async function runRailAsync(
  compiled: CompiledRail,
  subject: Subject,
  views: Views,
  meta: PolicyMeta,
  signal?: AbortSignal,
): Promise<Verdict> {
  const t0 = now();
  const deadline = t0 + compiled.config.timeout_ms;
  const tally = new Tally(compiled.config);
  const outcomes: Outcome[] = [];
  if (compiled.config.mode === 'sequential') {
    for (const rule of compiled.rules) {
      if (!gateOpen(rule, outcomes)) {
        tally.skip(rule.rule);
        continue;
      }
      const outcome = await runOneAsync(rule, subject, views, deadline, signal);
      outcomes.push(outcome);
      tally.add(outcome);
      if (tally.blockDecided()) break;
    }
  } else {
    // Ungated rules in parallel; then the gated ones whose gate opened, in parallel too.
    const ungated = compiled.rules.filter((r) => !r.rule.when);
    const first = await Promise.all(ungated.map((rule) => runOneAsync(rule, subject, views, deadline, signal)));
    for (const outcome of first) {
      outcomes.push(outcome);
      tally.add(outcome);
    }
    const gated = compiled.rules.filter((r) => r.rule.when);
    const open = gated.filter((rule) => gateOpen(rule, outcomes));
    for (const rule of gated) if (!open.includes(rule)) tally.skip(rule.rule);
    const second = await Promise.all(open.map((rule) => runOneAsync(rule, subject, views, deadline, signal)));
    for (const outcome of second) {
      outcomes.push(outcome);
      tally.add(outcome);
    }
  }
  return decide(compiled, subject, outcomes, tally, meta, t0);
}

/** A verdict for a subject the engine refused to scan (e.g. over the size limit), following on_error. */
export function refusedVerdict(compiled: CompiledRail, meta: PolicyMeta, message: string): Verdict {
  const failClosed = compiled.config.on_error === 'fail_closed';
  return {
    allowed: !failClosed,
    action: failClosed ? 'block' : 'allow',
    rail: compiled.rail,
    review: false,
    findings: [],
    fired_rules: [],
    errors: [{ rule: '*', kind: 'error', message }],
    latency_us: { total: 0, rules: {} },
    policy: { id: meta.id, version: meta.version },
    decision_id: randomUUID(),
    ...(failClosed && { reason: `on_error: ${message}` }),
  };
}

const ACTION_RANK: Record<VerdictAction, number> = { allow: 0, log: 1, warn: 2, review: 3, mask: 4, block: 5 };

/** The stronger of two verdict actions (block > mask > review > warn > log > allow). */
export function strongerAction(a: VerdictAction, b: VerdictAction): VerdictAction {
  return ACTION_RANK[a] >= ACTION_RANK[b] ? a : b;
}

function decide(
  compiled: CompiledRail,
  subject: Subject,
  outcomes: readonly Outcome[],
  tally: Tally,
  meta: PolicyMeta,
  t0: number,
): Verdict {
  const findings: RuleFinding[] = [];
  const errors: RuleError[] = [];
  const latency: Record<string, number> = {};
  const fired = new Set<string>();
  const masks: MaskSpan[] = [];
  let review = false;
  let strongest: VerdictAction = 'allow';

  for (const outcome of outcomes) {
    const rule = outcome.rule.rule;
    latency[rule.id] = outcome.us;
    if (outcome.error) {
      errors.push(outcome.error);
      continue;
    }
    for (const finding of outcome.findings) {
      const action = finding.action ?? rule.action;
      const isFired = finding.score >= (finding.threshold ?? rule.threshold);
      findings.push({ ...finding, rule: rule.id, scanner: rule.scanner, fired: isFired, action });
      // The band is on the rule's scale: a finding judged against its own threshold (a per-entity setting,
      // a classifier's dev-sweep threshold) is not in it.
      const band = finding.threshold === undefined ? rule.review_band : undefined;
      if (band && finding.score >= band[0] && finding.score < band[1]) review = true;
      if (!isFired) continue;
      fired.add(rule.id);
      if (action === 'review') review = true;
      if (action === 'mask' && finding.span) {
        masks.push(maskSpanOf(finding, finding.span, rule.id));
      } else {
        // A block the aggregation overruled, or a mask with no span to replace, is reported as a warning.
        strongest = strongerAction(
          strongest,
          action === 'block' || action === 'mask' ? 'warn' : action === 'review' ? 'allow' : action,
        );
      }
    }
  }

  const blocked = tally.blocks();
  const verdict: Verdict = {
    allowed: !blocked,
    action: 'allow',
    rail: compiled.rail,
    review,
    findings,
    fired_rules: [...fired],
    errors,
    latency_us: { total: 0, rules: latency },
    policy: { id: meta.id, version: meta.version },
    decision_id: randomUUID(),
  };
  if (blocked) {
    verdict.action = 'block';
    verdict.reason =
      tally.failClosed.length > 0 ? `on_error: fail_closed (${tally.failClosed.join(', ')})` : tally.voters.join(', ');
  } else if (masks.length > 0) {
    verdict.action = 'mask';
    verdict.masked_text = applyMasks(subject.text, masks, meta.maskFormat).text;
  } else {
    verdict.action = review ? strongerAction(strongest, 'review') : strongest;
  }
  verdict.latency_us.total = micros(now() - t0);
  return verdict;
}
