import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@memory/errors';
import { isUuid, newId, normalizeUuid } from './ids.js';

describe('ids', () => {
  it('accepts any canonical UUID and lower-cases it', () => {
    expect(normalizeUuid('9F1C2D3E-0000-7000-8000-00000000ABCD', 'id')).toBe('9f1c2d3e-0000-7000-8000-00000000abcd');
    expect(isUuid(newId())).toBe(true);
    expect(newId()).not.toBe(newId());
  });

  it('makes version 7 ids: the creation time in milliseconds first, then random bits', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, () => newId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
    // Ids of later milliseconds sort after earlier ones (what keeps inserts at the B-tree's right edge).
    const first = ids[0]!;
    let later = newId();
    while (later.slice(0, 13) === first.slice(0, 13)) later = newId();
    expect(later > first).toBe(true);
    // The random part differs between ids of the same millisecond.
    expect(new Set(ids.map((id) => id.slice(14))).size).toBe(1000);
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
