import { describe, expect, it } from 'vitest';
import { mergeTriples } from './merge-triples.js';
import type { Triple } from './triple.js';

const now = new Date('2026-06-01T00:00:00Z');

describe('mergeTriples', () => {
  it('stores an incoming value older than the current one as already ended', () => {
    const existing: Triple[] = [['u', 'works at', 'Acme', { time: '2026-01-01T00:00:00.000Z' }]];
    const r = mergeTriples(existing, [['u', 'works at', 'Initech', { time: '2024-01-01T00:00:00.000Z' }]], {
      singleValued: ['Works At'],
      now,
    });
    expect(r.triples).toEqual([
      ['u', 'works at', 'Acme', { time: '2026-01-01T00:00:00.000Z' }],
      ['u', 'works at', 'Initech', { time: '2024-01-01T00:00:00.000Z', endTime: '2026-01-01T00:00:00.000Z' }],
    ]);
    expect(r).toMatchObject({ added: 1, superseded: 1 });
    expect(existing[0]).toEqual(['u', 'works at', 'Acme', { time: '2026-01-01T00:00:00.000Z' }]);
  });

  it('lets the later of two values in one batch win, and a returning value become current again', () => {
    const r1 = mergeTriples(
      [],
      [
        ['u', 'lives in', 'Berlin'],
        ['u', 'lives in', 'Paris'],
      ],
      { singleValued: (p) => p === 'lives in', now },
    );
    expect(r1.triples.map((t) => [t[2], t[3]?.endTime])).toEqual([
      ['Berlin', now.toISOString()],
      ['Paris', undefined],
    ]);
    const later = new Date('2026-09-01T00:00:00Z');
    const r2 = mergeTriples(r1.triples, [['u', 'lives in', 'berlin']], { singleValued: ['lives in'], now: later });
    expect(r2.triples.map((t) => [t[2], t[3]?.endTime])).toEqual([
      ['Berlin', now.toISOString()],
      ['Paris', later.toISOString()],
      ['berlin', undefined],
    ]);
  });

  it('treats predicates not marked single-valued as multi-valued', () => {
    const r = mergeTriples([['u', 'likes', 'tea']], [['u', 'likes', 'coffee']], { now });
    expect(r.triples.every((t) => t[3]?.endTime === undefined)).toBe(true);
    expect(r.added).toBe(1);
  });
});
