import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { validateEmbedding, validateEmbeddingDimensions } from './embedding.js';

describe('validateEmbedding', () => {
  it('returns a plain array for arrays and typed arrays of the right length', () => {
    expect(validateEmbedding([1, -2.5, 0], 3)).toEqual([1, -2.5, 0]);
    expect(validateEmbedding(new Float32Array([0.5, 0.25]), 2)).toEqual([0.5, 0.25]);
  });

  it('refuses a wrong length, naming both dimensions', () => {
    const error = catchError(() => validateEmbedding([1, 2], 1536));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/embedding has 2 dimensions but this deployment stores 1536/);
    expect((error as InvalidInputError).details).toMatchObject({ expected: 1536, actual: 2 });
  });

  it('refuses NaN, Infinity and non-numbers with their position', () => {
    expect(() => validateEmbedding([1, Number.NaN], 2, 'Message.embedding')).toThrow(/Message\.embedding\[1\] is NaN/);
    expect(() => validateEmbedding([Number.NEGATIVE_INFINITY, 1], 2)).toThrow(/\[0\] is -Infinity/);
    expect(() => validateEmbedding([1, '2'], 2)).toThrow(/\[1\] is string/);
    expect(() => validateEmbedding('[1,2]', 2)).toThrowError(InvalidInputError);
    expect(() => validateEmbedding(null, 2)).toThrow(/must be an array of 2 numbers, got null/);
  });
});

describe('validateEmbeddingDimensions', () => {
  it('accepts 1..16000 integers only', () => {
    expect(validateEmbeddingDimensions(1024)).toBe(1024);
    for (const bad of [0, -1, 1.5, 16_001, Number.NaN, '1536']) {
      expect(() => validateEmbeddingDimensions(bad)).toThrowError(InvalidInputError);
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
