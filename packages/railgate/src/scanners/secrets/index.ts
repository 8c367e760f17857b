/**
 * `secrets`: finds credentials in text — provider tokens (GitHub, AWS, Stripe, OpenAI, Anthropic, Slack and
 * 50 more formats), private key blocks, JSON Web Tokens, passwords in connection strings and URLs, and
 * `key = value` assignments whose value looks random. Each finding's span covers the secret value only, its
 * label names the format (`[SECRET:GITHUB_TOKEN_1]` when masked) and its evidence is redacted.
 *
 * Scores: 1.0 when a checksum or embedded signature proves the format, 0.8–0.95 for a distinctive prefix
 * and length, 0.6–0.9 for values found through their key name, and 0.2 for documented example keys and
 * placeholders (kept so logs show them, below any sensible threshold).
 *
 * @example
 * ```yaml
 * - id: secrets
 *   scanner: secrets
 *   action: mask
 *   params: { disable: [JWT], allow: ['sk_test_'] }
 * ```
 */
import { z } from 'zod';
import { applyFindingSettings } from '../../engine/finding-settings.js';
import { ACTIONS, type Finding, RAILS, type Scanner } from '../../engine/types.js';
import type { Views } from '../../normalize/views.js';
import { assignmentTriggers } from './assignments.js';
import type { Candidate, ScanContext } from './candidate.js';
import { prefixTriggers } from './formats.js';
import { GENERIC_LABELS, LABELS, type Label } from './labels.js';
import { type CompiledTriggers, compileTriggers, scanText } from './scan.js';
import { structuredTriggers } from './structured.js';

export { LABELS as SECRET_LABELS } from './labels.js';

const labelSchema = z.enum(LABELS);

const labelSettings = z.strictObject({
  /** Turn this label on or off (overrides `only` and `disable`). */
  enabled: z.boolean().optional(),
  /** Threshold for findings of this label instead of the rule's. */
  threshold: z.number().min(0).max(1).optional(),
  /** Action for findings of this label instead of the rule's. */
  action: z.enum(ACTIONS).optional(),
});

export const secretsParams = z.strictObject({
  /** Report only these labels (default: all). */
  only: z.array(labelSchema).min(1).optional(),
  /** Labels never reported. */
  disable: z.array(labelSchema).default([]),
  /** Per-label settings: `{ JWT: { action: warn }, SK_API_KEY: { threshold: 0.9 } }`. */
  labels: z.partialRecord(labelSchema, labelSettings).default({}),
  /**
   * Values never reported: an entry equal to the secret, or a prefix of it (at least 3 characters), e.g. a
   * team's published test key or `sk_test_`.
   */
  allow: z.array(z.string().min(3).max(512)).max(1000).default([]),
  /** Report `key = value` assignments (GENERIC_SECRET, PASSWORD) whose value looks random. Default true. */
  generic_assignments: z.boolean().default(true),
  /** Shannon entropy (bits per character) a generic value needs; eased for values under 20 characters. */
  min_entropy: z.number().min(1).max(6).default(3.5),
  /** Also search decoded base64 segments of the text (a token inside an encoded config). Default true. */
  decode: z.boolean().default(true),
});

export type SecretsParams = z.infer<typeof secretsParams>;

const TRIGGERS = [...prefixTriggers(), ...structuredTriggers(), ...assignmentTriggers()];

function enabledLabels(params: SecretsParams): ReadonlySet<Label> | null {
  const enabled = new Set<Label>(params.only ?? LABELS);
  for (const label of params.disable) enabled.delete(label);
  if (!params.generic_assignments) for (const label of GENERIC_LABELS) enabled.delete(label);
  for (const [label, settings] of Object.entries(params.labels) as Array<[Label, { enabled?: boolean }]>) {
    if (settings.enabled === true) enabled.add(label);
    if (settings.enabled === false) enabled.delete(label);
  }
  return enabled.size === LABELS.length ? null : enabled;
}

/** A candidate with its span in the raw text and the view it was found in. */
interface Located {
  candidate: Candidate;
  rawStart: number;
  rawEnd: number;
  view: string;
  /** Appended to the candidate's evidence (where a decoded finding came from). */
  note: string;
}

/**
 * Keeps, among candidates covering the same characters, the one whose kind is best established (provider
 * format over key-name context over generic), then the higher score, then the longer span.
 */
function resolveOverlaps(candidates: Located[]): Located[] {
  const sorted = [...candidates].sort((a, b) => a.rawStart - b.rawStart || b.rawEnd - a.rawEnd);
  const kept: Located[] = [];
  let cluster: Located[] = [];
  let clusterEnd = -1;
  const flush = (): void => {
    cluster.sort(
      (a, b) =>
        b.candidate.priority - a.candidate.priority ||
        b.candidate.score - a.candidate.score ||
        b.rawEnd - b.rawStart - (a.rawEnd - a.rawStart),
    );
    const chosen: Located[] = [];
    for (const candidate of cluster) {
      if (chosen.every((c) => candidate.rawEnd <= c.rawStart || candidate.rawStart >= c.rawEnd)) chosen.push(candidate);
    }
    kept.push(...chosen.sort((a, b) => a.rawStart - b.rawStart));
    cluster = [];
  };
  for (const candidate of sorted) {
    if (candidate.rawStart >= clusterEnd && cluster.length > 0) flush();
    cluster.push(candidate);
    clusterEnd = Math.max(clusterEnd, candidate.rawEnd);
  }
  if (cluster.length > 0) flush();
  return kept;
}

function isAllowed(value: string, exact: ReadonlySet<string>, prefixes: readonly string[]): boolean {
  if (exact.has(value)) return true;
  for (const prefix of prefixes) if (value.startsWith(prefix)) return true;
  return false;
}

interface Compiled {
  triggers: CompiledTriggers;
  enabled: ReadonlySet<Label> | null;
  params: SecretsParams;
  allowExact: ReadonlySet<string>;
}

function newContext(compiled: Compiled, text: string, out: Candidate[], depth: number): ScanContext {
  const nested =
    depth === 0
      ? (inner: string): Candidate[] => {
          const found: Candidate[] = [];
          scanText(compiled.triggers, newContext(compiled, inner, found, 1));
          return found;
        }
      : null;
  return {
    text,
    out,
    enabled: compiled.enabled,
    generic: compiled.params.generic_assignments,
    minEntropy: compiled.params.min_entropy,
    nested,
    memo: {},
  };
}

function locate(compiled: Compiled, views: Views): Located[] {
  const clean = views.clean;
  const found: Candidate[] = [];
  const longRun = scanText(compiled.triggers, newContext(compiled, clean.text, found, 0));
  const located: Located[] = found.map((candidate) => {
    const [rawStart, rawEnd] = clean.toRaw(candidate.start, candidate.end);
    return { candidate, rawStart, rawEnd, view: clean.name, note: '' };
  });
  // Decoding is paid for only when a long base64-looking run exists; other scanners may share the result.
  if (compiled.params.decode && longRun) {
    for (const segment of views.segments) {
      const inner: Candidate[] = [];
      scanText(compiled.triggers, newContext(compiled, segment.text, inner, 1));
      for (const candidate of inner) {
        located.push({
          candidate,
          rawStart: segment.start,
          rawEnd: segment.end,
          view: `decoded:${segment.path}`,
          note: ` (inside ${segment.path})`,
        });
      }
    }
  }
  return located;
}

function toFinding(located: Located, params: SecretsParams): Finding {
  const { candidate } = located;
  const finding: Finding = {
    category: 'secret',
    label: candidate.label,
    score: candidate.score,
    span: [located.rawStart, located.rawEnd],
    evidence: candidate.evidence + located.note,
    view: located.view,
  };
  return applyFindingSettings(finding, params.labels[candidate.label]);
}

export const secretsScanner: Scanner<SecretsParams> = {
  id: 'secrets',
  description:
    'Detects credentials: provider API keys and tokens, private keys, JWTs, passwords in URLs and assignments.',
  params: secretsParams,
  rails: RAILS,
  defaults: { threshold: 0.5, action: 'mask' },
  create(params) {
    const enabled = enabledLabels(params);
    const compiled: Compiled = {
      triggers: compileTriggers(TRIGGERS, enabled),
      enabled,
      params,
      allowExact: new Set(params.allow),
    };
    return (_subject, views) => {
      const located = locate(compiled, views).filter(
        ({ candidate }) =>
          !isAllowed(candidate.value, compiled.allowExact, params.allow) &&
          (enabled === null || enabled.has(candidate.label)),
      );
      if (located.length === 0) return [];
      return resolveOverlaps(located).map((candidate) => toFinding(candidate, params));
    };
  },
};
