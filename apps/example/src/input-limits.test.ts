import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, inputProblem } from './input-limits.js';

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { 'a/b': v };
  return v;
}

describe('inputProblem', () => {
  it('passes flat and moderately nested values, at the limit too', () => {
    expect(inputProblem({ a: 1, b: [1, 2, { c: 'x' }] })).toBeNull();
    expect(inputProblem('text')).toBeNull();
    expect(inputProblem(undefined)).toBeNull();
    expect(inputProblem(nest(MAX_BODY_DEPTH))).toBeNull();
  });

  it('names where a value nests too deep, as a JSON pointer, without overflowing the stack', () => {
    expect(inputProblem(nest(MAX_BODY_DEPTH + 1))).toMatchObject({
      kind: 'too-deep',
      at: expect.stringMatching(/^\/a~1b\/0\/a~1b/),
    });
    expect(inputProblem({ ok: 1, deep: { x: [[[1]]] } }, 3)).toEqual({ kind: 'too-deep', at: '/deep/x/0' });
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(inputProblem(deep)?.kind).toBe('too-deep');
  });

  it('names a NUL in a string or in a key', () => {
    expect(inputProblem({ actor: 'a\u0000b' })).toEqual({ kind: 'nul', at: '/actor' });
    expect(inputProblem({ list: ['ok', { 'k\u0000': 1 }] })).toEqual({ kind: 'nul', at: '/list/1/k\u0000' });
    expect(inputProblem('\u0000')).toEqual({ kind: 'nul', at: '' });
  });
});
