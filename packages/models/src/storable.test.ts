import { InvalidInputError } from '@memory/errors';
import type { EntityMetadata } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { assertNoNul, assertStorable, findNul } from './storable.js';
import { VectorType } from './vector-type.js';

describe('findNul', () => {
  it('finds NUL in strings, nested values and keys, and nowhere else', () => {
    expect(findNul('ok')).toBeUndefined();
    expect(findNul('a\u0000')).toBe('(value)');
    expect(findNul({ a: ['x', 'y\u0000'] })).toBe('.a[1]');
    expect(findNul({ ['k\u0000']: 1 })).toBe('."k\\u0000" (key)');
    expect(findNul({ n: 1, b: true, d: new Date(0), z: null, u: '中文' })).toBeUndefined();
  });
});

describe('assertNoNul', () => {
  it('names the field and the path', () => {
    expect(() => assertNoNul({ todos: ['\u0000'] }, 'SessionSummary.summaryJson')).toThrow(
      /SessionSummary\.summaryJson\.todos\[0\] contains a NUL character/,
    );
    expect(() => assertNoNul('x\u0000', 'Message.content')).toThrowError(InvalidInputError);
  });
});

describe('assertStorable', () => {
  const meta = {
    className: 'Thing',
    props: [
      { name: 'title', kind: 'scalar' },
      { name: 'data', kind: 'scalar' },
      { name: 'vec', kind: 'scalar', customType: new VectorType(2) },
      { name: 'owner', kind: 'm:1' },
    ],
  } as unknown as EntityMetadata<object>;

  it('passes clean entities', () => {
    expect(() =>
      assertStorable({ title: 't', data: { a: 1 }, vec: [1, 2], owner: { title: '\u0000' } }, meta),
    ).not.toThrow();
    expect(() => assertStorable({ title: null, data: undefined, vec: null }, meta)).not.toThrow();
  });

  it('refuses NUL in text and JSON, and bad vectors, naming Entity.property', () => {
    expect(() => assertStorable({ title: 'a\u0000' }, meta)).toThrow(/Thing\.title contains a NUL/);
    expect(() => assertStorable({ data: { k: '\u0000' } }, meta)).toThrow(/Thing\.data\.k contains a NUL/);
    expect(() => assertStorable({ vec: [1] }, meta)).toThrow(
      /Thing\.vec has 1 dimensions but this deployment stores 2/,
    );
    expect(() => assertStorable({ vec: [1, Number.NaN] }, meta)).toThrow(/Thing\.vec\[1\] is NaN/);
  });
});
