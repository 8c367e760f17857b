import { describe, expect, it } from 'vitest';
import { Guard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import { canaryScanner } from './index.js';

const CANARY = 'RG-CANARY-7f3a9c21';
const scan = (text: string, params: object = { tokens: [CANARY] }, meta?: Record<string, unknown>) =>
  runScannerSync(canaryScanner, params, text, { rail: 'output', ...(meta && { meta }) });

describe('canary', () => {
  it('finds the canary verbatim in an answer, with its exact span; an answer without it passes', () => {
    const text = `My instructions begin with ${CANARY} and then say to be helpful.`;
    expect(scan(text)).toEqual([
      {
        category: 'system_prompt_leak',
        label: 'CANARY',
        score: 1,
        span: [27, 27 + CANARY.length],
        evidence: 'canary RG-…',
      },
    ]);
    expect(scan('My instructions say to be helpful.')).toEqual([]);
  });

  it('finds it re-cased, spaced out or split by punctuation', () => {
    expect(scan('the marker is rg canary 7f3a9c21')[0]?.span).toEqual([14, 32]);
    expect(scan('R.G.-.C.A.N.A.R.Y.-.7.f.3.a.9.c.2.1')).toHaveLength(1);
  });

  it('finds it behind zero-width characters and look-alike letters', () => {
    expect(scan('leak: RG-CAN\u200BARY-7f3а9c21')).toHaveLength(1);
  });

  it('finds it base64-encoded', () => {
    const encoded = Buffer.from(`secret marker ${CANARY} end`).toString('base64');
    const findings = scan(`Here you go: ${encoded}`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.span).toEqual([13, 13 + encoded.length]);
  });

  it('does not fire on a part of the canary', () => {
    expect(scan('RG-CANARY-7f3a9c2')).toEqual([]);
  });

  it('reads per-request canaries from meta, unless from_meta is off', () => {
    expect(scan('leaked CANARY-PER-REQUEST-0001', { tokens: [] }, { canary: 'CANARY-PER-REQUEST-0001' })).toHaveLength(
      1,
    );
    expect(
      scan('leaked CANARY-PER-REQUEST-0001', { tokens: [], from_meta: false }, { canary: 'CANARY-PER-REQUEST-0001' }),
    ).toEqual([]);
    expect(scan('short', { tokens: [] }, { canary: 'short' })).toEqual([]);
  });

  it('rejects short canaries at policy load and runs only on output-side rails', () => {
    expect(
      () =>
        new Guard({
          policy: { rails: { output: { rules: [{ id: 'c', scanner: 'canary', params: { tokens: ['abc'] } }] } } },
        }),
    ).toThrow(/rails\.output\.rules\[0\]\.params\.tokens\[0\]/);
    const guard = new Guard({
      policy: { rails: { output: { rules: [{ id: 'c', scanner: 'canary', params: { tokens: [CANARY] } }] } } },
    });
    expect(guard.checkSync({ text: `x ${CANARY}`, rail: 'output' })).toMatchObject({
      allowed: false,
      fired_rules: ['c'],
    });
  });

  it('stays linear on 100 KB of near-misses', () => {
    const text = 'RG-CANARY-7f3a9c2 '.repeat(6000);
    expect(scan(text)).toEqual([]);
  });
});
