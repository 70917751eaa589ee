import { describe, expect, it } from 'vitest';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { gloveSimilarity } from '@memory/retrieval-glove';
import { saveKnowledgeTriples, type Triple } from '@memory/semantics';
import { createRetriever } from '../src/index.js';

const triples: Triple[] = [
  ['user', 'drinks', 'a glass of red wine with dinner'],
  ['user', 'goes to bed', 'around 11 pm'],
  ['user', 'married to', 'Maria'],
  ['user', 'works as', 'a nurse at the county hospital'],
  ['user', 'drives', 'a Honda Civic'],
  ['user', 'has a dog', 'named Rex'],
  ['user', 'lives in', 'Leeds'],
  ['user', 'plays', 'cello on weekends'],
  ['user', 'allergic to', 'penicillin'],
  ['user', 'birthday', 'March 3'],
  ['user', 'favourite food', 'spicy ramen'],
  ['user', 'studied', 'chemistry at university'],
];

describe('createRetriever({ similarity: gloveSimilarity() })', () => {
  it('reaches a triple sharing no word with the question, and keeps the lexical answers', async () => {
    const storage = new InMemoryLongTermStorage();
    await saveKnowledgeTriples(storage, 'u1', triples);
    const plain = createRetriever();
    const dense = createRetriever({ similarity: gloveSimilarity() });
    const ask = async (retriever: typeof plain, q: string) =>
      (await retriever.retrieve(storage, 'u1', q, { topK: 3 })).map((t) => t[1]);
    // The shipped lexicon links neither pair; the words' vectors are close (car ~ automobile,
    // cello ~ instrument).
    for (const [q, predicate] of [
      ['what automobile does she own', 'drives'],
      ['which instrument', 'plays'],
    ] as const) {
      expect(await ask(plain, q)).not.toContain(predicate);
      expect((await ask(dense, q))[0]).toBe(predicate);
    }
    // A question the lexical ranking answers keeps its first answer.
    for (const [q, predicate] of [
      ['where does she live', 'lives in'],
      ['what does she drink', 'drinks'],
      ['who is her spouse', 'married to'],
    ] as const) {
      expect((await ask(plain, q))[0]).toBe(predicate);
      expect((await ask(dense, q))[0]).toBe(predicate);
    }
    // A Chinese question: the channel knows none of its words and changes nothing.
    expect(await ask(dense, '她住在哪里')).toEqual(await ask(plain, '她住在哪里'));
  });
});
