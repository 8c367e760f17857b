export type TokenizerErrorCode = 'TOKENIZER_NOT_FOUND' | 'TOKENIZER_INVALID' | 'TOKENIZER_UNSUPPORTED';

/** A tokenizer.json that cannot be used, with the file and the JSON path of the problem. */
export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';

  constructor(
    readonly code: TokenizerErrorCode,
    /** What is wrong, without the location. */
    readonly detail: string,
    /** JSON path inside the tokenizer file, e.g. `normalizer.normalizers[2].type`. */
    readonly path = '',
    readonly file = '',
  ) {
    super(`${file ? `${file}: ` : ''}${path ? `${path}: ` : ''}${detail}`);
  }

  /** The same error, located in `file`. */
  inFile(file: string): TokenizerError {
    return new TokenizerError(this.code, this.detail, this.path, file);
  }
}
