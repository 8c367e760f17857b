/**
 * Policy loading: parse, validate the document's shape, resolve `extends:` (presets shipped in the package
 * or other files), merge rules by id, validate every rule against its scanner's params schema, apply
 * defaults, and compute the version (a content hash of the effective policy). Everything that can be wrong
 * is reported at once, each problem with its file, path and fix.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean, PolicyError, type PolicyIssue } from './errors.js';
import {
  type Aggregation,
  DEFAULTS,
  type Mode,
  type OnBlockResponse,
  type OnError,
  type PolicyDocument,
  policySchema,
  type RailDocument,
  type RuleDocument,
} from './policy-schema.js';
import { type DocPath, PolicySource } from './policy-source.js';
import { type Action, RAILS, type Rail, type Scanner } from './types.js';

/** A rule after merging and validation: every field resolved, params parsed by the scanner's schema. */
export interface EffectiveRule {
  id: string;
  scanner: string;
  description?: string;
  threshold: number;
  action: Action;
  review_band?: [number, number];
  weight: number;
  timeout_ms?: number;
  on_error: OnError;
  /** Cascade gate: run only when rule `rule` of the same rail scored in [band[0], band[1]). */
  when?: { rule: string; band: [number, number] };
  params: unknown;
}

export interface EffectiveRail {
  mode: Mode;
  aggregation: Aggregation;
  weighted_threshold: number;
  timeout_ms: number;
  on_error: OnError;
  rules: EffectiveRule[];
}

export interface EffectivePolicy {
  id: string;
  /** `sha256:` and the first 16 hex digits of the hash of the effective policy. */
  version: string;
  description?: string;
  /** Files and presets this policy was built from, base first. */
  sources: string[];
  mask: { format: string };
  /** How a gateway answers what this policy blocks. */
  on_block: { respond: OnBlockResponse; message: string; status?: number };
  rails: Partial<Record<Rail, EffectiveRail>>;
}

/** A policy given to the library: a file path, a preset name, or a document object. */
export type PolicyInput = string | PolicyDocument | Record<string, unknown>;

export const PRESETS_DIR = fileURLToPath(new URL('../../presets/', import.meta.url));

/** Names of the presets shipped in the package. */
export function presetNames(): string[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

interface Located<T> {
  value: T;
  source: PolicySource;
  path: DocPath;
}

interface MergedRule {
  id: string;
  fields: Omit<RuleDocument, 'params'>;
  params: Record<string, unknown>;
  /** Where the rule was last written, where its scanner and its params were last set. */
  at: Located<unknown>;
  scannerAt?: Located<string>;
  paramsAt?: Located<unknown>;
}

interface MergedRail {
  settings: Omit<RailDocument, 'rules'>;
  rules: MergedRule[];
}

interface Merged {
  id?: string;
  description?: string;
  mask?: { format?: string };
  on_block?: PolicyDocument['on_block'];
  rails: Partial<Record<Rail, MergedRail>>;
  sources: string[];
}

export interface LoadOptions {
  /** Scanners a policy may name (built-ins plus custom ones). */
  scanners: ReadonlyMap<string, Scanner<unknown>>;
}

/** Loads and validates a policy from a file path, a preset name or a document object. */
export function loadPolicy(input: PolicyInput, options: LoadOptions): EffectivePolicy {
  const source = sourceOf(input, process.cwd());
  const merged = collect(source, [], options);
  return finalize(merged, source, options);
}

function looksLikePath(text: string): boolean {
  return /[/\\]/.test(text) || /\.(ya?ml|json)$/i.test(text);
}

function sourceOf(input: PolicyInput, baseDir: string): PolicySource {
  if (typeof input !== 'string') return PolicySource.fromObject(input);
  if (looksLikePath(input)) return PolicySource.fromFile(isAbsolute(input) ? input : resolve(baseDir, input));
  return presetSource(input, undefined);
}

function presetSource(name: string, from: Located<unknown> | undefined): PolicySource {
  const file = resolve(PRESETS_DIR, `${name}.yaml`);
  if (!/^[a-z0-9_-]+$/.test(name) || !existsSync(file)) {
    const names = presetNames();
    const suggestion = didYouMean(name, names);
    const issue: Omit<PolicyIssue, 'code' | 'file' | 'path'> = {
      message: `unknown preset '${name}'`,
      expected: `one of ${names.join(', ')} or a path to a policy file`,
      found: JSON.stringify(name),
      fix: suggestion ? `did you mean '${suggestion}'?` : `use one of: ${names.join(', ')}`,
    };
    throw new PolicyError([
      from
        ? from.source.issue('POLICY_UNKNOWN_PRESET', from.path, issue)
        : { code: 'POLICY_UNKNOWN_PRESET', file: name, path: '', ...issue },
    ]);
  }
  return PolicySource.fromFile(file, `preset:${name}`);
}

/** Validates one document, resolves its bases and merges them under it. */
function collect(source: PolicySource, stack: string[], options: LoadOptions): Merged {
  const parsed = policySchema.safeParse(source.data);
  if (!parsed.success) {
    throw new PolicyError([...source.zodIssues(parsed.error, []), ...looseParamsIssues(source, options)]);
  }
  const doc = parsed.data;
  const issues = duplicateRuleIssues(doc, source);
  if (issues.length > 0) throw new PolicyError(issues);

  const bases = doc.extends === undefined ? [] : Array.isArray(doc.extends) ? doc.extends : [doc.extends];
  let merged: Merged = { rails: {}, sources: [] };
  bases.forEach((base, index) => {
    const path: DocPath = Array.isArray(doc.extends) ? ['extends', index] : ['extends'];
    const at: Located<unknown> = { value: base, source, path };
    const baseSource = looksLikePath(base) ? fileSource(base, source, at) : presetSource(base, at);
    if (stack.includes(baseSource.file) || baseSource.file === source.file) {
      throw new PolicyError([
        source.issue('POLICY_EXTENDS_CYCLE', path, {
          message: `extends cycle: ${[...stack, source.file, baseSource.file].join(' -> ')}`,
          fix: 'remove one of the extends entries so the chain ends in a preset',
        }),
      ]);
    }
    merged = mergeInto(merged, collect(baseSource, [...stack, source.file], options));
  });
  return mergeInto(merged, layerOf(doc, source));
}

/**
 * When a document's shape is wrong, its rules' params are still checked where the rule names a known
 * scanner, so one run reports every problem instead of one at a time.
 */
function looseParamsIssues(source: PolicySource, options: LoadOptions): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const rail of RAILS) {
    const rules = source.valueAt(['rails', rail, 'rules']);
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule: unknown, index) => {
      if (typeof rule !== 'object' || rule === null) return;
      const { scanner, params } = rule as { scanner?: unknown; params?: unknown };
      const known = typeof scanner === 'string' ? options.scanners.get(scanner) : undefined;
      if (!known || (params !== undefined && (typeof params !== 'object' || params === null))) return;
      const parsed = known.params.safeParse(params ?? {});
      if (!parsed.success) issues.push(...source.zodIssues(parsed.error, ['rails', rail, 'rules', index, 'params']));
    });
  }
  return issues;
}

function fileSource(path: string, from: PolicySource, at: Located<unknown>): PolicySource {
  const base = from.file.startsWith('<') || from.file.startsWith('preset:') ? process.cwd() : dirname(from.file);
  try {
    return PolicySource.fromFile(isAbsolute(path) ? path : resolve(base, path));
  } catch (error) {
    if (error instanceof PolicyError && error.code === 'POLICY_NOT_FOUND') {
      throw new PolicyError([
        from.issue('POLICY_NOT_FOUND', at.path, {
          message: `extends a file that cannot be read: ${path}`,
          fix: 'paths in extends are relative to the file that contains them',
        }),
      ]);
    }
    throw error;
  }
}

function duplicateRuleIssues(doc: PolicyDocument, source: PolicySource): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const rail of RAILS) {
    const seen = new Map<string, number>();
    doc.rails?.[rail]?.rules?.forEach((rule, index) => {
      const first = seen.get(rule.id);
      if (first !== undefined) {
        issues.push(
          source.issue('POLICY_DUPLICATE_RULE', ['rails', rail, 'rules', index, 'id'], {
            message: `duplicate rule id '${rule.id}' (first used at rails.${rail}.rules[${first}])`,
            fix: 'give each rule on a rail its own id; to change a preset rule, repeat its id once with the fields to override',
          }),
        );
      } else seen.set(rule.id, index);
    });
  }
  return issues;
}

/** One document as a merge layer, remembering where each rule and field was written. */
function layerOf(doc: PolicyDocument, source: PolicySource): Merged {
  const rails: Partial<Record<Rail, MergedRail>> = {};
  for (const rail of RAILS) {
    const railDoc = doc.rails?.[rail];
    if (!railDoc) continue;
    const { rules, ...settings } = railDoc;
    rails[rail] = {
      settings,
      rules: (rules ?? []).map((rule, index) => {
        const path: DocPath = ['rails', rail, 'rules', index];
        const { params, ...fields } = rule;
        return {
          id: rule.id,
          fields,
          params: params ?? {},
          at: { value: rule, source, path },
          scannerAt:
            rule.scanner !== undefined ? { value: rule.scanner, source, path: [...path, 'scanner'] } : undefined,
          paramsAt: params !== undefined ? { value: params, source, path: [...path, 'params'] } : undefined,
        };
      }),
    };
  }
  return {
    id: doc.id,
    description: doc.description,
    mask: doc.mask,
    on_block: doc.on_block,
    rails,
    sources: [source.file],
  };
}

/** Overlays `top` on `base`: settings override, rules merge by id (params one level deep). */
function mergeInto(base: Merged, top: Merged): Merged {
  const rails: Partial<Record<Rail, MergedRail>> = { ...base.rails };
  for (const rail of RAILS) {
    const upper = top.rails[rail];
    if (!upper) continue;
    const lower = rails[rail];
    if (!lower) {
      rails[rail] = upper;
      continue;
    }
    const rules = lower.rules.map((rule) => ({ ...rule }));
    for (const rule of upper.rules) {
      const index = rules.findIndex((r) => r.id === rule.id);
      const existing = rules[index];
      if (!existing) {
        rules.push(rule);
        continue;
      }
      rules[index] = {
        id: rule.id,
        fields: { ...existing.fields, ...definedOnly(rule.fields) },
        params: { ...existing.params, ...rule.params },
        at: rule.at,
        scannerAt: rule.scannerAt ?? existing.scannerAt,
        paramsAt: rule.paramsAt ?? existing.paramsAt,
      };
    }
    rails[rail] = { settings: { ...lower.settings, ...definedOnly(upper.settings) }, rules };
  }
  return {
    id: top.id ?? base.id,
    description: top.description ?? base.description,
    mask: { ...base.mask, ...top.mask },
    on_block: { ...base.on_block, ...top.on_block },
    rails,
    sources: [...base.sources, ...top.sources],
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Checks every merged rule against its scanner and fills in defaults. */
function finalize(merged: Merged, top: PolicySource, options: LoadOptions): EffectivePolicy {
  const issues: PolicyIssue[] = [];
  const rails: Partial<Record<Rail, EffectiveRail>> = {};
  for (const rail of RAILS) {
    const mergedRail = merged.rails[rail];
    if (!mergedRail) continue;
    const s = mergedRail.settings;
    const onError = s.on_error ?? DEFAULTS.on_error;
    const rules: EffectiveRule[] = [];
    const written = new Map<EffectiveRule, MergedRule>();
    for (const rule of mergedRail.rules) {
      if (rule.fields.enabled === false) continue;
      const effective = finalizeRule(rule, rail, onError, options, issues);
      if (effective) {
        rules.push(effective);
        written.set(effective, rule);
      }
    }
    checkGates(rules, written, rail, issues);
    rails[rail] = {
      mode: s.mode ?? DEFAULTS.mode,
      aggregation: s.aggregation ?? DEFAULTS.aggregation,
      weighted_threshold: s.weighted_threshold ?? DEFAULTS.weighted_threshold,
      timeout_ms: s.timeout_ms ?? DEFAULTS.rail_timeout_ms,
      on_error: onError,
      rules,
    };
  }
  if (issues.length > 0) throw new PolicyError(issues);
  const body = {
    id: merged.id ?? top.name,
    description: merged.description,
    sources: merged.sources,
    mask: { format: merged.mask?.format ?? DEFAULTS.mask_format },
    on_block: {
      respond: merged.on_block?.respond ?? DEFAULTS.on_block_respond,
      message: merged.on_block?.message ?? DEFAULTS.refusal_message,
      ...(merged.on_block?.status !== undefined ? { status: merged.on_block.status } : {}),
    },
    rails,
  };
  return { ...body, version: policyVersion(body) };
}

function finalizeRule(
  rule: MergedRule,
  rail: Rail,
  railOnError: OnError,
  options: LoadOptions,
  issues: PolicyIssue[],
): EffectiveRule | undefined {
  const { source, path } = rule.at;
  const scannerId = rule.fields.scanner;
  if (scannerId === undefined) {
    issues.push(
      source.issue('POLICY_INVALID', [...path, 'scanner'], {
        message: `rule '${rule.id}' names no scanner and overrides no rule of that id on the ${rail} rail`,
        expected: 'a scanner id',
        found: 'nothing',
        fix: `add 'scanner: <id>' (one of: ${[...options.scanners.keys()].sort().join(', ')}) or fix the rule id`,
      }),
    );
    return undefined;
  }
  const scanner = options.scanners.get(scannerId);
  const scannerAt = rule.scannerAt ?? { source, path: [...path, 'scanner'] };
  if (!scanner) {
    const suggestion = didYouMean(scannerId, options.scanners.keys());
    issues.push(
      scannerAt.source.issue('POLICY_UNKNOWN_SCANNER', scannerAt.path, {
        message: `unknown scanner '${scannerId}'`,
        expected: 'a registered scanner id',
        found: JSON.stringify(scannerId),
        fix: suggestion
          ? `did you mean '${suggestion}'?`
          : `use one of: ${[...options.scanners.keys()].sort().join(', ')}`,
      }),
    );
    return undefined;
  }
  if (!scanner.rails.includes(rail)) {
    issues.push(
      scannerAt.source.issue('POLICY_RAIL_UNSUPPORTED', scannerAt.path, {
        message: `scanner '${scannerId}' does not run on the ${rail} rail`,
        expected: `one of the rails ${scanner.rails.join(', ')}`,
        found: rail,
        fix: `move rule '${rule.id}' to a supported rail`,
      }),
    );
    return undefined;
  }
  const parsed = scanner.params.safeParse(rule.params);
  if (!parsed.success) {
    const paramsAt = rule.paramsAt ?? { source, path: [...path, 'params'] };
    issues.push(...paramsAt.source.zodIssues(parsed.error, paramsAt.path));
    return undefined;
  }
  const f = rule.fields;
  const threshold = f.threshold ?? scanner.defaults?.threshold ?? DEFAULTS.threshold;
  if (f.review_band && f.review_band[0] > f.review_band[1]) {
    issues.push(
      source.issue('POLICY_INVALID', [...path, 'review_band'], {
        message: 'review_band must be [low, high] with low <= high',
        expected: '[low, high]',
        found: JSON.stringify(f.review_band),
        fix: `for example [${Math.max(0, threshold - 0.2).toFixed(2)}, ${threshold}]`,
      }),
    );
    return undefined;
  }
  return {
    id: rule.id,
    scanner: scannerId,
    ...(f.description !== undefined && { description: f.description }),
    threshold,
    action: f.action ?? scanner.defaults?.action ?? DEFAULTS.action,
    ...(f.review_band !== undefined && { review_band: f.review_band }),
    weight: f.weight ?? DEFAULTS.weight,
    ...(f.timeout_ms !== undefined && { timeout_ms: f.timeout_ms }),
    on_error: f.on_error ?? railOnError,
    ...(f.when !== undefined && { when: { rule: f.when.rule, band: f.when.band } }),
    params: parsed.data,
  };
}

/**
 * A gate must name another rule of the same rail that is not gated itself (one level of cascade keeps
 * the order of evaluation obvious), with a band [low, high] where low <= high.
 */
function checkGates(
  rules: readonly EffectiveRule[],
  written: ReadonlyMap<EffectiveRule, MergedRule>,
  rail: Rail,
  issues: PolicyIssue[],
): void {
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const rule of rules) {
    if (!rule.when) continue;
    const merged = written.get(rule);
    if (!merged) continue;
    const { source, path } = merged.at;
    const target = byId.get(rule.when.rule);
    let problem: { message: string; expected: string; fix: string; at: (string | number)[] } | undefined;
    if (rule.when.band[0] > rule.when.band[1]) {
      problem = {
        message: 'when.band must be [low, high] with low <= high',
        expected: '[low, high]',
        fix: `for example [${Math.min(rule.when.band[0], rule.when.band[1])}, ${Math.max(rule.when.band[0], rule.when.band[1])}]`,
        at: ['when', 'band'],
      };
    } else if (rule.when.rule === rule.id) {
      problem = {
        message: `rule '${rule.id}' gates on itself`,
        expected: 'another rule id',
        fix: 'name the rule whose score decides',
        at: ['when', 'rule'],
      };
    } else if (!target) {
      problem = {
        message: `rule '${rule.id}' gates on '${rule.when.rule}', which is not a rule of the ${rail} rail`,
        expected: `one of: ${rules.map((r) => r.id).join(', ')}`,
        fix: 'name a rule of the same rail (gates do not cross rails)',
        at: ['when', 'rule'],
      };
    } else if (target.when) {
      problem = {
        message: `rule '${rule.id}' gates on '${target.id}', which is gated itself`,
        expected: 'a rule without `when`',
        fix: 'gate both rules on the same ungated rule',
        at: ['when', 'rule'],
      };
    }
    if (problem) {
      issues.push(
        source.issue('POLICY_INVALID', [...path, ...problem.at], {
          message: problem.message,
          expected: problem.expected,
          found: JSON.stringify(problem.at[1] === 'band' ? rule.when.band : rule.when.rule),
          fix: problem.fix,
        }),
      );
    }
  }
}

/** Canonical JSON (sorted keys) so the same policy always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function policyVersion(body: Omit<EffectivePolicy, 'version'>): string {
  // Sources are provenance, not behaviour: the same rules loaded from another path keep their version.
  const { sources: _sources, ...behaviour } = body;
  return `sha256:${createHash('sha256').update(canonicalJson(behaviour)).digest('hex').slice(0, 16)}`;
}
