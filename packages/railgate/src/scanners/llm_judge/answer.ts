/**
 * Reading the judge's answer. The chat-completions envelope is read loosely (servers add fields); the
 * judge's own JSON is read strictly, and anything off (no choices, not JSON, unknown keys, a score out of
 * range, a label outside the rule's table) is an error with a message that says which, so the rule's
 * on_error applies instead of a guess.
 */
import { z } from 'zod';

/** The parts of an OpenAI-compatible chat completion the judge needs. */
const completionSchema = z.object({
  choices: z.array(
    z.object({
      message: z.object({
        content: z.string().nullish(),
        refusal: z.string().nullish(),
      }),
      finish_reason: z.string().nullish(),
    }),
  ),
});

const scoreField = z.number().min(0).max(1);

/** The judge's answer with a score; used when the rule has no label table. */
const scoredAnswer = z.strictObject({
  score: scoreField,
  label: z.string().min(1).max(64),
  reason: z.string().max(2000).optional(),
});

/** The judge's answer when the rule maps labels to scores: the score field may be absent. */
const labelledAnswer = scoredAnswer.extend({ score: scoreField.optional() });

export interface Judgement {
  score: number;
  label: string;
  reason: string;
}

/** Raised for an answer the judge cannot be trusted with; its message is the rule error. */
export class JudgeAnswerError extends Error {
  override readonly name = 'JudgeAnswerError';
}

/** `prompt injection` → `PROMPT_INJECTION`; empty when nothing alphanumeric is left. */
export function upperSnake(label: string): string {
  const words = label.toUpperCase().match(/[A-Z0-9]+/g);
  return words ? words.join('_').slice(0, 64) : '';
}

/** The content of the first choice; errors name what was missing. */
export function completionContent(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new JudgeAnswerError('endpoint answer is not JSON');
  }
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success)
    throw new JudgeAnswerError(`endpoint answer is not a chat completion (${firstIssue(parsed.error)})`);
  const choice = parsed.data.choices[0];
  if (!choice) throw new JudgeAnswerError('endpoint answered with no choices');
  const { content, refusal } = choice.message;
  if (refusal) throw new JudgeAnswerError('judge model refused to rate the text');
  if (!content) throw new JudgeAnswerError('judge answer is empty');
  if (choice.finish_reason === 'length') {
    throw new JudgeAnswerError('judge answer was cut off at max_tokens; raise max_tokens');
  }
  return content;
}

/** Strips one Markdown code fence, which some servers add around JSON even in JSON mode. */
function unfence(content: string): string {
  const trimmed = content.trim();
  if (!trimmed.startsWith('```') || !trimmed.endsWith('```') || trimmed.length < 6) return trimmed;
  const firstLineEnd = trimmed.indexOf('\n');
  if (firstLineEnd < 0) return trimmed;
  return trimmed.slice(firstLineEnd + 1, -3).trim();
}

/**
 * Parses the judge's JSON answer. With a label table the score comes from the table (and the label must
 * be in it); otherwise from the answer's score field.
 */
export function parseJudgement(content: string, labelTable: Readonly<Record<string, number>> | undefined): Judgement {
  let json: unknown;
  try {
    json = JSON.parse(unfence(content));
  } catch {
    throw new JudgeAnswerError(`judge answer is not JSON (${content.length} characters)`);
  }
  const parsed = (labelTable ? labelledAnswer : scoredAnswer).safeParse(json);
  if (!parsed.success) {
    throw new JudgeAnswerError(`judge answer does not match {score, label, reason}: ${firstIssue(parsed.error)}`);
  }
  const label = upperSnake(parsed.data.label);
  if (!label) throw new JudgeAnswerError('judge answer has a label with no letters or digits');
  const reason = parsed.data.reason ?? '';
  if (!labelTable) return { score: parsed.data.score as number, label, reason };
  const score = labelTable[label];
  if (score === undefined) {
    throw new JudgeAnswerError(
      `judge answered label ${label}, which is not in the rule's labels (${Object.keys(labelTable).join(', ')})`,
    );
  }
  return { score, label, reason };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${path}${issue.message}`.slice(0, 200);
}

/** Shorter shared runs are ordinary phrasing (" instructions and "); longer ones are quotes. */
const ECHO_WINDOW = 24;
const EVIDENCE_MAX = 160;

const HASH_BASE = 0x01000193;
/** Map keys are kept within V8's small-integer range so lookups do not allocate. */
const SMALL_KEY = 0x3fffffff;

/** Hash of `text[start, start + ECHO_WINDOW)`, wrapping at 32 bits. */
function windowHash(text: string, start: number): number {
  let hash = 0;
  for (let i = start; i < start + ECHO_WINDOW; i++) hash = (Math.imul(hash, HASH_BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * Marks in `copied` every window of `reason` that also occurs in `text`. A rolling hash over the text
 * makes it one pass whatever the text's size, instead of one search per window of the reason; a window
 * found once is dropped from the search, so repeated text costs no more.
 */
function markCopiedRuns(reason: string, text: string, copied: Uint8Array): void {
  if (reason.length < ECHO_WINDOW || text.length < ECHO_WINDOW) return;
  const startsOf = new Map<string, number[]>();
  for (let i = 0; i + ECHO_WINDOW <= reason.length; i++) {
    const window = reason.slice(i, i + ECHO_WINDOW);
    const starts = startsOf.get(window);
    if (starts) starts.push(i);
    else startsOf.set(window, [i]);
  }
  const buckets = new Map<number, string[]>();
  for (const window of startsOf.keys()) {
    const key = windowHash(window, 0) & SMALL_KEY;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(window);
    else buckets.set(key, [window]);
  }
  let outgoing = 1;
  for (let i = 1; i < ECHO_WINDOW; i++) outgoing = Math.imul(outgoing, HASH_BASE);
  let hash = windowHash(text, 0);
  for (let j = 0; buckets.size > 0; j++) {
    const key = hash & SMALL_KEY;
    const bucket = buckets.get(key);
    if (bucket) {
      const found = bucket.findIndex((window) => text.startsWith(window, j));
      if (found >= 0) {
        for (const i of startsOf.get(bucket[found] as string) ?? []) copied.fill(1, i, i + ECHO_WINDOW);
        bucket.splice(found, 1);
        if (bucket.length === 0) buckets.delete(key);
      }
    }
    if (j + ECHO_WINDOW >= text.length) break;
    const dropped = Math.imul(text.charCodeAt(j), outgoing);
    hash = (Math.imul((hash - dropped) | 0, HASH_BASE) + text.charCodeAt(j + ECHO_WINDOW)) | 0;
  }
}

/**
 * The judge's reason as it may be logged: whitespace collapsed, any run of 24 or more characters copied
 * from the judged text (compared case-insensitively) and any copied token that looks like personal data
 * (an @, four or more digits) replaced by `…`, then cut to 160 characters.
 */
export function evidenceOf(reason: string, judgedText: string): string {
  // Only the part that can reach the evidence is checked, which also bounds the work.
  const clean = reason
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 2 * EVIDENCE_MAX);
  if (!clean) return '';
  const haystack = judgedText.toLowerCase();
  const lower = clean.toLowerCase();
  const copied = new Uint8Array(clean.length);
  markCopiedRuns(lower, haystack, copied);
  for (const match of lower.matchAll(/[^\s"'`,;()]{5,64}/g)) {
    const token = match[0];
    if ((token.includes('@') || /\d{4}/.test(token)) && haystack.includes(token)) {
      copied.fill(1, match.index, match.index + token.length);
    }
  }
  let out = '';
  for (let i = 0; i < clean.length; i++) {
    if (copied[i] === 0) out += clean[i];
    else if (i === 0 || copied[i - 1] === 0) out += '…';
  }
  return out.length > EVIDENCE_MAX ? `${out.slice(0, EVIDENCE_MAX - 1)}…` : out;
}
