/**
 * Which compiled policy serves a request: the tenant's own, the policy bound to the API key, or — where the
 * tenant is allowed — a policy the request names. Compiling takes tens of milliseconds, so every policy is
 * compiled once and kept; a changed tenant policy is compiled before it replaces the old one, so a request
 * runs under one whole policy or the other, never a mix.
 */
import type { Guard } from 'railgate';
import type { Tenant } from '../store/types.js';
import { GatewayError } from './errors.js';
import { compilePolicy, policyInput } from './policy-input.js';

/** Distinct key-bound (and, apart, per-request) policies kept compiled; the least recently used goes first. */
const TEXT_CACHE_SIZE = 64;
/** Largest per-request policy, in characters (a header or a field of `/v1/guard`). */
const MAX_OVERRIDE_CHARS = 64 * 1024;
/**
 * Scanners a per-request policy may not use: they reach the network or the gateway's disk, which a tenant
 * request must not be able to aim. They stay available in policies set through the admin API.
 */
const OPERATOR_ONLY_SCANNERS = new Set(['webhook', 'llm_judge', 'onnx']);
const PRESET_NAME = /^[a-z][a-z0-9_-]*$/;

export class PolicyCache {
  /** Each tenant's compiled policy, with the text it was compiled from. */
  private readonly byTenant = new Map<string, { guard: Guard; policy: string }>();
  /** Key-bound policies by their text (Map keeps insertion order: oldest first). */
  private readonly byText = new Map<string, Guard>();
  /** Per-request policies that passed the request checks, by their text; kept apart so a hit skips them. */
  private readonly requested = new Map<string, Guard>();

  /** The tenant's own policy. */
  forTenant(tenant: Tenant): Guard {
    let entry = this.byTenant.get(tenant.id);
    if (!entry) {
      entry = { guard: compilePolicy(tenant.policy), policy: tenant.policy };
      this.byTenant.set(tenant.id, entry);
    }
    return entry.guard;
  }

  /** A policy set by the operator (bound to a key): trusted, compiled once. */
  forText(policy: string): Guard {
    return recent(this.byText, policy) ?? keep(this.byText, policy, compilePolicy(policy));
  }

  /**
   * A policy named by the request itself (`x-railgate-policy` header, or `policy` of `/v1/guard`): only for a
   * tenant allowed to, and only presets or documents built on presets without operator-only scanners.
   */
  forRequest(tenant: Tenant, requested: unknown): Guard {
    if (!tenant.allow_policy_override) {
      throw new GatewayError(
        403,
        'permission_error',
        'this tenant may not choose a policy per request (ask the operator to allow policy overrides)',
        'policy_override_not_allowed',
      );
    }
    const text = typeof requested === 'string' ? requested : JSON.stringify(requested);
    if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_OVERRIDE_CHARS) {
      throw invalid(
        `the requested policy must be a preset name or a policy document of at most ${MAX_OVERRIDE_CHARS} characters`,
      );
    }
    const checked = recent(this.requested, text);
    if (checked) return checked;
    checkExtends(policyInput(text));
    const guard = compilePolicy(text);
    const used = Object.values(guard.policy.rails).flatMap((rail) => rail?.rules.map((r) => r.scanner) ?? []);
    const barred = [...new Set(used.filter((s) => OPERATOR_ONLY_SCANNERS.has(s)))];
    if (barred.length > 0) {
      throw invalid(
        `a per-request policy may not use ${barred.join(', ')} (they reach the network or disk); put them in the tenant's policy through the admin API`,
      );
    }
    return keep(this.requested, text, guard);
  }

  /**
   * Given tenants' current policy texts (undefined: the tenant is gone), recompiles those that changed —
   * compile first, then swap — and forgets the gone ones. Tenants not compiled here are left alone.
   * Returns the ids that changed.
   */
  refresh(current: Iterable<[id: string, policy: string | undefined]>): string[] {
    const changed: string[] = [];
    for (const [id, policy] of current) {
      const entry = this.byTenant.get(id);
      if (!entry || policy === entry.policy) continue;
      changed.push(id);
      if (policy === undefined) this.byTenant.delete(id);
      else this.byTenant.set(id, { guard: compilePolicy(policy), policy });
    }
    return changed;
  }

  /** Tenants with a compiled policy (the ones this instance serves). */
  get tenants(): string[] {
    return [...this.byTenant.keys()];
  }

  forget(tenantId: string): void {
    this.byTenant.delete(tenantId);
  }
}

/** The cached value, moved to the most-recently-used end; undefined on a miss. */
function recent(cache: Map<string, Guard>, key: string): Guard | undefined {
  const value = cache.get(key);
  if (value) {
    cache.delete(key);
    cache.set(key, value);
  }
  return value;
}

/** Stores a value, dropping the least recently used one past TEXT_CACHE_SIZE. */
function keep(cache: Map<string, Guard>, key: string, value: Guard): Guard {
  cache.set(key, value);
  if (cache.size > TEXT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return value;
}

function invalid(message: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', message, 'invalid_policy');
}

/** A per-request document may extend presets only: a path would read files on the gateway's disk. */
function checkExtends(input: string | Record<string, unknown>): void {
  if (typeof input === 'string') return;
  const bases = input.extends === undefined ? [] : Array.isArray(input.extends) ? input.extends : [input.extends];
  for (const base of bases) {
    if (typeof base !== 'string' || !PRESET_NAME.test(base)) {
      throw invalid(`a per-request policy may extend presets only (found ${JSON.stringify(base)})`);
    }
  }
}
