import { describe, expect, it } from 'vitest';
import type { Triple } from '@memory/semantics';
import { createRetriever, substringRetrieve } from './index.js';

// The substring rule scans one text of every triple's lower-cased "s p o", joined, with each
// triple's start offset: an offset off by one character attributes a match to the wrong triple.
describe('TripleIndex substring rule over the joined texts', () => {
  // Characters whose lower case is longer ("İ" → "i̇"), outside the BMP ("𠀋"), Latin-1 only,
  // and Chinese, so the joined text is two bytes a character and offsets shift.
  const triples: Triple[] = [
    ['İstanbul', 'İS', 'İN TÜRKİYE, İİİİİİİİİİİİİİİİİİİİİİİİ'],
    ['用户', '喜欢', '𠀋字 and café'],
    ['user', 'lives in', 'Zürich'],
    ['用户', '住在', '杭州'],
    ['user', 'likes', 'crème brûlée'],
    ['a', 'b', 'c'],
    ['d', 'e', 'f'],
  ];
  const index = createRetriever().index(triples);

  it('finds each triple by a substring of its own text, as the original scan does', () => {
    for (const [query, position] of [
      ['i̇n türki̇ye', 0],
      ['𠀋字 and', 1],
      ['in zürich', 2],
      ['住在 杭州', 3],
      ['crème brû', 4],
      ['a b c', 5],
      ['e f', 6],
    ] as const) {
      const first = index.search(query, 1)[0];
      expect(first?.exact, query).toBe(true);
      expect(first?.position, query).toBe(position);
      expect(first?.triple).toEqual(substringRetrieve(triples, query, 1)[0]);
    }
  });

  it('matches no text across the end of one triple and the start of the next', () => {
    // "i̇" ends triple 0 and "用户" starts triple 1: joined, they are apart.
    expect(index.search('i̇ 用户', 5).some((r) => r.exact)).toBe(false);
    expect(index.search('zürich user', 5).some((r) => r.exact)).toBe(false);
  });
});
