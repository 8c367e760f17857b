/**
 * The answer a webhook must give: `{ "findings": [ { category, score, label?, span?, evidence? } ] }`,
 * read strictly (unknown keys are errors, spans must lie inside the text), so a receiver's bug shows up as
 * a rule error instead of a silent pass.
 */
import { z } from 'zod';
import type { Finding } from '../../engine/types.js';

const webhookFinding = z.strictObject({
  category: z
    .string()
    .refine((text) => /^[a-z][a-z0-9_]{0,63}$/.test(text), 'a lower_snake_case category such as prompt_injection'),
  score: z.number().min(0).max(1),
  label: z
    .string()
    .refine((text) => /^[A-Z][A-Z0-9_]{0,63}$/.test(text), 'an UPPER_SNAKE_CASE label such as EMAIL')
    .optional(),
  span: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  evidence: z.string().max(500).optional(),
});

const webhookAnswer = z.strictObject({ findings: z.array(webhookFinding).max(1000) });

export class WebhookAnswerError extends Error {
  override readonly name = 'WebhookAnswerError';
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  const where = path.startsWith('.') ? path.slice(1) : path;
  return `${where ? `${where}: ` : ''}${issue.message}`.slice(0, 200);
}

/** The findings of a webhook answer body, checked against the text they are about. */
export function findingsOfAnswer(body: string, textLength: number): Finding[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WebhookAnswerError('answer is not JSON');
  }
  const parsed = webhookAnswer.safeParse(json);
  if (!parsed.success)
    throw new WebhookAnswerError(`answer does not match {findings: [...]}: ${issueText(parsed.error)}`);
  return parsed.data.findings.map((finding, index) => {
    const { span } = finding;
    if (span && (span[0] >= span[1] || span[1] > textLength)) {
      throw new WebhookAnswerError(
        `answer findings[${index}].span [${span[0]}, ${span[1]}] is not a range inside the text (length ${textLength})`,
      );
    }
    return { ...finding };
  });
}
