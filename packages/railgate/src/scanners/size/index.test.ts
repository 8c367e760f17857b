import { describe, expect, it } from 'vitest';
import { Guard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { estimateTokens, sizeScanner } from './index.js';

describe('size', () => {
  it('flags a text over max_chars and passes one at the limit', () => {
    expect(runScannerSync(sizeScanner, { max_chars: 10 }, '0123456789')).toEqual([]);
    expect(runScannerSync(sizeScanner, { max_chars: 10 }, '0123456789a')).toEqual([
      { category: 'size', label: 'MAX_CHARS', score: 1, evidence: '11 characters > 10' },
    ]);
  });

  it('counts characters, not UTF-16 code units (emoji count once)', () => {
    expect(runScannerSync(sizeScanner, { max_chars: 3 }, '😀😀😀')).toEqual([]);
    expect(runScannerSync(sizeScanner, { max_chars: 3 }, '😀😀😀😀')[0]?.evidence).toBe('4 characters > 3');
  });

  it('estimates tokens like a BPE tokenizer: words, digit groups and punctuation', () => {
    expect(estimateTokens('Hello, world!')).toBe(4);
    expect(estimateTokens('internationalization')).toBe(4);
    expect(estimateTokens('1234567')).toBe(3);
    expect(estimateTokens('   ')).toBe(0);
  });

  it('flags a text over max_tokens and passes one under it', () => {
    const text = 'word '.repeat(100);
    expect(runScannerSync(sizeScanner, { max_tokens: 100 }, text)).toEqual([]);
    expect(runScannerSync(sizeScanner, { max_tokens: 99 }, text)).toEqual([
      { category: 'size', label: 'MAX_TOKENS', score: 1, evidence: '~100 tokens > 99' },
    ]);
  });

  it('needs at least one limit, and positive integers', () => {
    expect(() => runScannerSync(sizeScanner, {}, 'x')).toThrow('set max_chars, max_tokens or both');
    expect(() => runScannerSync(sizeScanner, { max_chars: 0 }, 'x')).toThrow();
    expect(() => runScannerSync(sizeScanner, { max_chars: 1.5 }, 'x')).toThrow();
    expect(() => runScannerSync(sizeScanner, { max_chars: 5, max_bytes: 3 }, 'x')).toThrow(/max_bytes/);
  });

  it('blocks through a policy and handles a 10 MB text quickly and correctly', () => {
    const guard = new Guard({
      policy: { rails: { input: { rules: [{ id: 'limit', scanner: 'size', params: { max_chars: 100_000 } }] } } },
    });
    expect(guard.checkSync({ text: 'x'.repeat(100_000) }).allowed).toBe(true);
    const huge = guard.checkSync({ text: 'x'.repeat(10_000_000) });
    expect(huge.allowed).toBe(false);
  });
});
