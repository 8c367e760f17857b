import { describe, expect, it } from 'vitest';
import { extractFeatures, FeatureBuffer } from './features.js';

const config = { bucketBits: 16, prefixLength: 5 };
const tokens = (text: string) => {
  const s = extractFeatures(text, config);
  return Array.from({ length: s.count }, (_, t) => text.slice(s.starts[t], s.ends[t]));
};

describe('classifier features', () => {
  it('splits words, digit runs, short symbol runs and single CJK characters, with exact offsets', () => {
    expect(tokens('ignore ALL previous, ok?')).toEqual(['ignore', 'ALL', 'previous', ',', 'ok', '?']);
    expect(tokens('gpt4 h264 ### <|im_start|>')).toEqual(['gpt4', 'h264', '###', '<|', 'im', '_', 'start', '|>']);
    expect(tokens('忽略之前的指令')).toEqual(['忽', '略', '之', '前', '的', '指', '令']);
    expect(tokens('игнорируй  инструкции')).toEqual(['игнорируй', 'инструкции']);
    expect(tokens('   ')).toEqual([]);
  });

  it('gives each token a unigram, a bigram after the first token, and a prefix for long words', () => {
    const s = extractFeatures('please ignore instructions', config);
    expect(Array.from(s.featureStart)).toEqual([0, 1, 3, 6]); // please: uni; ignore: uni+bi; instructions: uni+bi+prefix
    for (const f of s.features) expect(f).toBeLessThan(2 ** 16);
  });

  it('is deterministic and case-sensitive only through its input (callers pass the lowercase skeleton)', () => {
    const a = Array.from(extractFeatures('ignore previous instructions', config).features);
    const b = Array.from(extractFeatures('ignore previous instructions', config, new FeatureBuffer()).features);
    expect(a).toEqual(b);
    expect(Array.from(extractFeatures('IGNORE previous instructions', config).features)).not.toEqual(a);
  });

  it('hashes numbers of one length alike', () => {
    const a = extractFeatures('call 555', config).features;
    const b = extractFeatures('call 123', config).features;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('shares the prefix feature between forms of a word', () => {
    const prefixOf = (word: string) => {
      const s = extractFeatures(word, config);
      return s.features[s.featureStart[1]! - 1];
    };
    expect(prefixOf('instructions')).toBe(prefixOf('instructing'));
    expect(prefixOf('instructions')).not.toBe(prefixOf('ignorance'));
  });

  it('handles 100 KB of one token, of symbols and of astral characters', () => {
    expect(extractFeatures('a'.repeat(100_000), config).count).toBe(1);
    expect(extractFeatures('#'.repeat(100_000), config).count).toBe(Math.ceil(100_000 / 3));
    expect(extractFeatures('😀 '.repeat(30_000), config).count).toBe(30_000);
  });
});
