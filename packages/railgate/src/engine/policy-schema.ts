/**
 * The shape of a policy document. The same schema validates files a person writes and the presets
 * shipped in the package; scanner params are validated afterwards by each scanner's own schema.
 */
import { z } from 'zod';
import { ACTIONS, RAILS } from './types.js';

export const ON_ERROR = ['fail_open', 'fail_closed'] as const;
export const MODES = ['parallel', 'sequential'] as const;
export const AGGREGATIONS = ['any', 'all', 'majority', 'weighted'] as const;

const probability = z.number().min(0).max(1);
const milliseconds = z.number().int().positive().max(600_000);

/** A rule as written in a document: everything but `id` may come from the preset it overrides. */
export const ruleSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only'),
  scanner: z.string().min(1).optional(),
  description: z.string().max(500).optional(),
  enabled: z.boolean().optional(),
  threshold: probability.optional(),
  action: z.enum(ACTIONS).optional(),
  /** Scores in [low, high) are flagged for human review even when the rule does not fire. */
  review_band: z.tuple([probability, probability]).optional(),
  weight: z.number().min(0).max(1000).optional(),
  timeout_ms: milliseconds.optional(),
  on_error: z.enum(ON_ERROR).optional(),
  /**
   * Cascade: run this rule only when rule `rule` (same rail) scored in `band` = [low, high), e.g. a slow
   * LLM judge only for texts the shipped classifier is unsure about.
   */
  when: z
    .strictObject({
      rule: z.string().min(1).max(64),
      band: z.tuple([probability, probability]),
    })
    .optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const railSchema = z.strictObject({
  mode: z.enum(MODES).optional(),
  aggregation: z.enum(AGGREGATIONS).optional(),
  /** For `weighted`: block when the weighted mean score of the block rules reaches this value. */
  weighted_threshold: probability.optional(),
  timeout_ms: milliseconds.optional(),
  on_error: z.enum(ON_ERROR).optional(),
  rules: z.array(ruleSchema).max(256).optional(),
});

export const maskSchema = z.strictObject({
  /** Placeholder template. Tokens: {CATEGORY} {category} {LABEL} {label} {n} {rule}. */
  format: z.string().min(1).max(200).optional(),
});

export const ON_BLOCK_RESPONSES = ['error', 'refusal'] as const;

/** How a gateway answers a blocked request or answer (the library leaves it to the application). */
export const onBlockSchema = z.strictObject({
  /** `error`: the API's error shape and status; `refusal`: an ordinary assistant answer saying `message`. */
  respond: z.enum(ON_BLOCK_RESPONSES).optional(),
  message: z.string().min(1).max(2000).optional(),
  /** HTTP status of the error (400–499); without one the gateway's own setting applies. */
  status: z.number().int().min(400).max(499).optional(),
});

export const policySchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits, _ . : - only')
    .optional(),
  description: z.string().max(2000).optional(),
  extends: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(8)]).optional(),
  mask: maskSchema.optional(),
  on_block: onBlockSchema.optional(),
  rails: z.partialRecord(z.enum(RAILS), railSchema).optional(),
});

export type RuleDocument = z.infer<typeof ruleSchema>;
export type RailDocument = z.infer<typeof railSchema>;
export type PolicyDocument = z.infer<typeof policySchema>;
export type OnError = (typeof ON_ERROR)[number];
export type Mode = (typeof MODES)[number];
export type Aggregation = (typeof AGGREGATIONS)[number];
export type OnBlockResponse = (typeof ON_BLOCK_RESPONSES)[number];

/** Defaults applied after merging, in one place. */
export const DEFAULTS = {
  mode: 'parallel' as Mode,
  aggregation: 'any' as Aggregation,
  weighted_threshold: 0.5,
  rail_timeout_ms: 1000,
  on_error: 'fail_closed' as OnError,
  threshold: 0.5,
  action: 'block' as const,
  weight: 1,
  mask_format: '[{CATEGORY}:{LABEL}_{n}]',
  on_block_respond: 'error' as OnBlockResponse,
  refusal_message: "Sorry, I can't help with that request.",
};
