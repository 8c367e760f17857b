/**
 * `canary`: finds a secret marker string, planted in the system prompt, in what the model says or sends to
 * a tool. A canary in the output means the system prompt leaked, whether verbatim, re-cased, spaced out or
 * encoded (the scanner searches every normalized and decoded view).
 */
import { z } from 'zod';
import type { Finding, Scanner } from '../../engine/types.js';
import type { View } from '../../normalize/views.js';

export const canaryParams = z.strictObject({
  /** Canary strings for this policy (e.g. one per tenant). At least 8 characters so they never occur by chance. */
  tokens: z.array(z.string().min(8).max(200)).max(100).default([]),
  /**
   * Also read canaries from `subject.meta.canary` (a string or a list), so a gateway can plant a fresh
   * canary per request. Default true.
   */
  from_meta: z.boolean().default(true),
});

export type CanaryParams = z.infer<typeof canaryParams>;

function metaCanaries(meta: Record<string, unknown> | undefined): string[] {
  const value = meta?.canary;
  if (typeof value === 'string') return value.length >= 8 ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length >= 8);
  return [];
}

/** The canary as it would appear in a skeleton view: lowercase, letters and digits only. */
function squeeze(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function findIn(view: View, needle: string, squeezed: boolean): [number, number] | undefined {
  if (!squeezed) {
    const at = view.text.indexOf(needle);
    return at < 0 ? undefined : view.toRaw(at, at + needle.length);
  }
  // Search the view's letters and digits only, so "C-A-N-A-R-Y" and "canary" both match.
  const positions: number[] = [];
  let letters = '';
  for (let i = 0; i < view.text.length; i++) {
    const code = view.text.charCodeAt(i);
    if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a)) {
      letters += view.text[i];
      positions.push(i);
    }
  }
  const at = letters.indexOf(needle);
  if (at < 0) return undefined;
  return view.toRaw(positions[at] as number, (positions[at + needle.length - 1] as number) + 1);
}

export const canaryScanner: Scanner<CanaryParams> = {
  id: 'canary',
  description: 'Detects a planted canary string (system-prompt leak) in outputs and tool calls.',
  params: canaryParams,
  rails: ['output', 'tool_call', 'tool_result', 'retrieval'],
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    return (subject, views) => {
      const canaries = params.from_meta ? [...params.tokens, ...metaCanaries(subject.meta)] : params.tokens;
      const findings: Finding[] = [];
      for (const canary of canaries) {
        const squeezed = squeeze(canary);
        const span =
          findIn(views.clean, canary, false) ??
          (squeezed.length >= 8
            ? [views.skeleton, ...views.decoded].reduce<[number, number] | undefined>(
                (found, view) => found ?? findIn(view, squeezed, true),
                undefined,
              )
            : undefined);
        if (span) {
          findings.push({
            category: 'system_prompt_leak',
            label: 'CANARY',
            score: 1,
            span,
            evidence: `canary ${canary.slice(0, 3)}…`,
          });
        }
      }
      return findings;
    };
  },
};
