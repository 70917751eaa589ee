import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { estimateTokens, meterFor, truncateToFit } from './budget.js';

describe('estimateTokens', () => {
  it('counts a CJK character as a token and four other characters as one', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('hello world')).toBe(3);
    expect(estimateTokens('你好世界')).toBe(4);
    expect(estimateTokens('用 BOS')).toBe(2);
  });
});

describe('meterFor', () => {
  it('measures characters as code points by default', () => {
    const m = meterFor(undefined);
    expect(m.unit).toBe('chars');
    expect(m.limit).toBe(8000);
    expect(m.measure('中文😀')).toBe(3);
  });

  it('uses a given tokenizer for token budgets', () => {
    const m = meterFor({ maxTokens: 10, countTokens: (t) => t.split(' ').length });
    expect(m.unit).toBe('tokens');
    expect(m.measure('a b c')).toBe(3);
  });

  it('refuses budgets that are not positive integers, or both units', () => {
    expect(() => meterFor({ maxChars: 0 })).toThrow(InvalidInputError);
    expect(() => meterFor({ maxTokens: 1.5 })).toThrow(/positive integer/);
    expect(() => meterFor({ maxChars: 10, maxTokens: 10 })).toThrow(/give one/);
  });
});

describe('truncateToFit', () => {
  it('keeps text that fits and cuts the rest with an ellipsis', () => {
    const m = meterFor(100);
    expect(truncateToFit('short', 10, m)).toBe('short');
    expect(truncateToFit('a longer sentence', 8, m)).toBe('a longe…');
    expect(truncateToFit('中文内容很长', 4, m)).toBe('中文内…');
    expect(truncateToFit('abc', 0, m)).toBe('');
  });
});
