import { describe, expect, it } from 'vitest';
import { gloveRelated } from '@memory/retrieval-glove';
import { createRetriever, type Retriever } from '../src/index.js';

describe('createRetriever({ related: gloveRelated() })', () => {
  it('lets an English question reach a triple saying the same in other words', () => {
    const triples: [string, string, string][] = [
      ['user', 'salary', '$85k before tax'],
      ['user', 'lives in', 'Portland'],
      ['user', 'plays', 'cello on weekends'],
      ['user', 'drinks', 'black coffee'],
      ['user', 'vehicle', 'Honda Civic'],
      ['user', 'attorney', 'Jane Smith'],
    ];
    const top = (retriever: Retriever, q: string) => retriever.index(triples).search(q, 1)[0]?.triple;
    const plain = createRetriever();
    const related = createRetriever({ related: gloveRelated() });
    // The shipped lexicon does not link these words; their vectors are close. (Without them,
    // "who" still asks for a person: any object shaped like a name, "Honda Civic" first.)
    for (const [q, answer] of [
      ['what is my paycheck', triples[0]],
      ['what automobile do I have', triples[4]],
      ['who is my solicitor', triples[5]],
    ] as const) {
      expect(top(plain, q)).not.toEqual(answer);
      expect(top(related, q)).toEqual(answer);
    }
    // A question the lexicon already answers keeps its answer.
    expect(top(related, 'where does she live')).toEqual(triples[1]);
    expect(top(related, 'what does she drink')).toEqual(triples[3]);
  });
});
