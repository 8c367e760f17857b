// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const llmJudgeParams = z.strictObject({});
export type LlmJudgeParams = z.infer<typeof llmJudgeParams>;

export const llmJudgeScanner: Scanner<LlmJudgeParams> = {
  id: 'llm_judge',
  description: 'TODO',
  params: llmJudgeParams,
  rails: RAILS,
  async: true,
  create() {
    return async () => [];
  },
};
