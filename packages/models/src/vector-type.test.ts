import { InvalidInputError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { VectorType } from './vector-type.js';

describe('VectorType', () => {
  it('declares vector(N), 1536 by default', () => {
    expect(new VectorType().getColumnType()).toBe('vector(1536)');
    expect(new VectorType(1024).getColumnType()).toBe('vector(1024)');
    expect(() => new VectorType(0)).toThrowError(InvalidInputError);
  });

  it('converts to and from the pgvector text form', () => {
    const type = new VectorType(3);
    expect(type.convertToDatabaseValue([1, -0.5, 2e-7])).toBe('[1,-0.5,2e-7]');
    expect(type.convertToJSValue('[1,-0.5,2e-07]')).toEqual([1, -0.5, 2e-7]);
    expect(type.convertToDatabaseValue(null)).toBeNull();
    expect(type.convertToJSValue(null)).toBeNull();
  });

  it('refuses wrong lengths and non-finite numbers before they are sent', () => {
    const type = new VectorType(3);
    expect(() => type.convertToDatabaseValue([1, 2])).toThrowError(InvalidInputError);
    expect(() => type.convertToDatabaseValue([1, 2, Number.NaN])).toThrow(/NaN/);
    expect(() => type.convertToDatabaseValue('[1,2]' as unknown as number[])).toThrow(/2 dimensions/);
  });
});
