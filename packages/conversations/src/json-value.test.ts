import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@memory/errors';
import { assertJsonValue, isPlainObject } from './json-value.js';

describe('assertJsonValue', () => {
  it('accepts plain JSON, non-ASCII included', () => {
    expect(() =>
      assertJsonValue({ a: [1, 'x', null, true, { 中文: '值' }], b: Object.create(null) }, 'metadata'),
    ).not.toThrow();
  });

  it('refuses what JSON.stringify would drop or change, naming the path', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ a: undefined }, /metadata\.a is undefined/],
      [{ a: [1, Number.NaN] }, /metadata\.a\[1\] is NaN/],
      [{ when: new Date(0) }, /metadata\.when is a Date/],
      [{ s: 'a\u0000b' }, /metadata\.s contains a NUL/],
      [{ ['k\u0000']: 1 }, /key containing a NUL/],
      [{ f: () => 1 }, /function/],
      [{ n: 1n }, /bigint/],
    ];
    for (const [value, message] of cases) {
      expect(() => assertJsonValue(value, 'metadata')).toThrow(InvalidInputError);
      expect(() => assertJsonValue(value, 'metadata')).toThrow(message);
    }
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => assertJsonValue(deep, 'm')).toThrow(/more than 64 levels/);
  });

  it('tells plain objects from arrays and class instances', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Map())).toBe(false);
    expect(isPlainObject(null)).toBe(false);
  });
});
