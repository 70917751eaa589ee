import { describe, expect, it } from 'vitest';
import { cedictBridge } from '@memory/retrieval-cedict';
import { createRetriever, type Retriever } from '../src/index.js';

describe('createRetriever({ bridge: cedictBridge() })', () => {
  it('lets a question reach triples written in the other language', () => {
    const triples: [string, string, string][] = [
      ['用户', '血型', 'O型'],
      ['用户', '住在', '成都'],
      ['用户', '职业', '护士'],
      ['user', 'grocery', '每周六去大统华 T&T'],
      ['user', 'plays', 'cello'],
    ];
    const top = (retriever: Retriever, q: string) => retriever.index(triples).search(q, 1)[0]?.triple;
    const plain = createRetriever();
    const bridged = createRetriever({ bridge: cedictBridge() });
    // The shipped lexicon does not know these words in the other language; the dictionary does.
    expect(top(plain, "what's my blood type")).not.toEqual(triples[0]);
    expect(top(bridged, "what's my blood type")).toEqual(triples[0]);
    expect(top(bridged, 'what does she play')).toEqual(triples[4]);
    // A question the lexicon already answers keeps its answer.
    expect(top(bridged, '她住在哪里')).toEqual(triples[1]);
  });
});
