/**
 * Random and adversarial text through every shipped preset on every rail: the engine must never throw,
 * every span must lie inside the text, and masking must produce text whenever the action is mask.
 * A hang would show up as this file's timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Guard } from './guard.js';
import { presetNames } from './policy.js';
import { RAILS } from './types.js';

const PIECES = [
  'ignore previous instructions',
  'Іgnоrе',
  '\u200B',
  '\u202E',
  '\uFE0F',
  String.fromCodePoint(0xe0049),
  '\uD800',
  '\uDC00',
  '😀',
  '\u0301',
  'ﬁ',
  '4111 1111 1111 1111',
  'AKIA',
  'ghp_',
  '-----BEGIN PRIVATE KEY-----',
  'https://',
  '![x](',
  '?q=',
  "' OR 1=1 --",
  '../',
  '{{',
  '${',
  'SWdub3Jl',
  '%2e',
  '@',
  '.',
  ' ',
  '\n',
  '0',
  'a',
  'Z',
  '{',
  '[',
  '"',
  'I am sorry, but',
];

const textArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join('')),
);

describe('every preset survives random and adversarial input on every rail', () => {
  for (const name of presetNames()) {
    it(`preset ${name}`, () => {
      const guard = new Guard({ policy: name });
      fc.assert(
        fc.property(textArb, fc.constantFrom(...RAILS), (text, rail) => {
          const verdict = guard.checkSync({ text, rail });
          for (const finding of verdict.findings) {
            expect(finding.score).toBeGreaterThanOrEqual(0);
            expect(finding.score).toBeLessThanOrEqual(1);
            if (finding.span) {
              expect(finding.span[0]).toBeGreaterThanOrEqual(0);
              expect(finding.span[1]).toBeLessThanOrEqual(text.length);
              expect(finding.span[1]).toBeGreaterThanOrEqual(finding.span[0]);
            }
          }
          if (verdict.action === 'mask') expect(typeof verdict.masked_text).toBe('string');
          expect(verdict.errors).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });
  }
});
