/** Problems with what `railgate card` was given, as values with a code and a fix; the CLI makes them exit 2. */

export type CardErrorCode = 'EVAL_INVALID' | 'POLICY_MISMATCH' | 'OUTPUT_INVALID';

export class CardInputError extends Error {
  override readonly name = 'CardInputError';

  constructor(
    readonly code: CardErrorCode,
    message: string,
    /** What to change to fix it. */
    readonly fix: string,
  ) {
    super(`${message}\n  fix: ${fix}`);
  }
}
