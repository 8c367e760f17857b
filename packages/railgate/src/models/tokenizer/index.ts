export { TokenizerError, type TokenizerErrorCode } from './errors.js';
export { type Encoding, loadTokenizer, parseTokenizer, type SequenceTemplate, Tokenizer } from './tokenizer.js';
