import { describe, expect, it } from 'vitest';
import { parseTriples, serializeTriples, type Triple } from '@memory/semantics';
import { parseSharedTriples } from './share-fields.js';

describe('parseSharedTriples', () => {
  it('returns what parseTriples returns, field for field, metadata included', () => {
    const triples: Triple[] = [];
    for (let i = 0; i < 300; i++)
      triples.push(
        i % 3 === 0
          ? ['用户', i % 2 ? '喜欢' : 'likes', `object ${i}`, { sessionId: `s${i}`, endTime: '2026-01-01T00:00:00Z' }]
          : [`entity ${i % 7}`, 'works at', `place ${i % 11}`],
      );
    const bytes = new TextEncoder().encode(serializeTriples(triples));
    const shared = parseSharedTriples(bytes, { key: 'k' });
    expect(shared).toEqual(parseTriples(bytes, { key: 'k' }));
    expect(shared).toEqual(triples);
  });

  it('passes the parse options on: a tolerant parse skips and reports bad lines', () => {
    const bytes = new TextEncoder().encode('["a","b","c"]\nnot json\n["a","b","d"]\n');
    const skipped: number[] = [];
    expect(parseSharedTriples(bytes, { tolerant: true, onSkip: (s) => skipped.push(s.line) })).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'd'],
    ]);
    expect(skipped).toEqual([2]);
    expect(() => parseSharedTriples(bytes, { key: 'k' })).toThrow();
  });
});
