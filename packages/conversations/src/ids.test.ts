import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@memory/errors';
import { isUuid, newId, normalizeUuid } from './ids.js';

describe('ids', () => {
  it('accepts any canonical UUID and lower-cases it', () => {
    expect(normalizeUuid('9F1C2D3E-0000-7000-8000-00000000ABCD', 'id')).toBe('9f1c2d3e-0000-7000-8000-00000000abcd');
    expect(isUuid(newId())).toBe(true);
    expect(newId()).not.toBe(newId());
  });

  it('refuses anything else with an error naming the field', () => {
    for (const bad of [
      '',
      'abc',
      '9f1c2d3e00007000800000000000abcd',
      42,
      null,
      '9f1c2d3e-0000-7000-8000-00000000abcg',
    ]) {
      expect(() => normalizeUuid(bad, 'sessionId')).toThrow(InvalidInputError);
    }
    expect(() => normalizeUuid('x', 'sessionId')).toThrow(/sessionId must be a UUID/);
  });
});
