import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { saveKnowledgeTriples, type Triple } from '@memory/semantics';
import { describe, expect, it } from 'vitest';
import { createRetriever, type Similarity, type VectorSearch } from './index.js';

const triples: Triple[] = [
  ['user', 'drinks', 'green tea every morning'],
  ['user', 'lives in', 'Lyon'],
  ['user', 'likes', 'tea ceremonies'],
  ['user', 'owns', 'a bicycle'],
  ['user', 'job', 'baker', { endTime: '2025-01-01T00:00:00Z' }],
  ['user', 'job', 'pastry chef'],
  ['user', 'plays', 'chess'],
  ['user', 'reads', 'crime novels'],
  ['user', 'speaks', 'French'],
  ['user', 'pet', 'a cat'],
];

async function setup() {
  const storage = new InMemoryLongTermStorage();
  await saveKnowledgeTriples(storage, 'u1', triples);
  return storage;
}

/** A channel scoring 1 for texts holding `word`, 0 for the others (NaN for those holding `unknown`). */
function channel(word: string, calls: string[][] = [], unknown?: string): Similarity {
  return {
    index(texts) {
      calls.push([...texts]);
      return {
        score: (query) =>
          query.includes('?')
            ? undefined
            : texts.map((t) => (unknown && t.includes(unknown) ? Number.NaN : t.includes(word) ? 1 : 0)),
      };
    },
  };
}

describe('the similarity channel', () => {
  it('brings a triple that stands out to the top, even with no word in common', async () => {
    const storage = await setup();
    const calls: string[][] = [];
    const retriever = createRetriever({ similarity: channel('bicycle', calls) });
    expect(await createRetriever().retrieve(storage, 'u1', 'xyzzy', { topK: 3 })).toEqual([]);
    const top = await retriever.retrieve(storage, 'u1', 'xyzzy', { topK: 3 });
    expect(top[0]).toEqual(triples[3]);
    // Beside a lexical match it adds at most `similarity` (0.5) to a score of which the best is 1.
    const tea = await retriever.retrieve(storage, 'u1', 'tea', { topK: 3, withScores: true });
    expect(tea[0]!.triple[1]).not.toBe('owns');
    expect(tea.find((r) => r.triple[1] === 'owns')?.score).toBeLessThanOrEqual(0.5);
    // The texts are "s p o", prepared once per index.
    await retriever.retrieve(storage, 'u1', 'tea', { topK: 3 });
    expect(calls).toHaveLength(1);
    expect(calls[0]![3]).toBe('user owns a bicycle');
  });

  it('adds nothing when no triple stands out, when it knows nothing of the question, or with knowledgeIndex', async () => {
    const storage = await setup();
    const plain = await createRetriever().retrieve(storage, 'u1', 'tea', { topK: 5, withScores: true });
    // Every text scores 0 (no word "zzz"): no deviation, nothing added; the other triples only
    // follow the lexical matches, so that `topK` are returned.
    const flat = await createRetriever({ similarity: channel('zzz') }).retrieve(storage, 'u1', 'tea', {
      topK: 5,
      withScores: true,
    });
    expect(plain.length).toBeLessThan(5);
    // Scores are shares of the best BM25 score, as in hybrid ranking; the order is BM25's.
    expect(flat.slice(0, plain.length).map((r) => r.triple)).toEqual(plain.map((r) => r.triple));
    expect(flat[0]!.score).toBe(1);
    expect(flat).toHaveLength(5);
    expect(flat.slice(plain.length).every((r) => r.score === 0)).toBe(true);
    const unknown = await createRetriever({ similarity: channel('bicycle') }).retrieve(storage, 'u1', 'tea?', {
      topK: 5,
    });
    expect(unknown).toEqual(await createRetriever().retrieve(storage, 'u1', 'tea?', { topK: 5 }));
    const calls: string[][] = [];
    const vectors: VectorSearch = { search: () => Promise.resolve([]) };
    await createRetriever({ similarity: channel('bicycle', calls) }).retrieve(storage, 'u1', 'tea', {
      knowledgeIndex: vectors,
    });
    expect(calls).toHaveLength(0);
  });

  it('keeps superseded triples after current ones, or out with includeEnded: false; skips unknown texts', async () => {
    const storage = await setup();
    const retriever = createRetriever({ similarity: channel('job', [], 'chef') });
    const top = await retriever.retrieve(storage, 'u1', 'xyzzy', { topK: 10 });
    // "baker" stands out but has ended: after every current triple; "pastry chef" is unknown to
    // the channel, so not among the others either (9 of 10).
    expect(top).toHaveLength(9);
    expect(top.at(-1)).toEqual(triples[4]);
    expect(top).not.toContainEqual(triples[5]);
    const current = await retriever.retrieve(storage, 'u1', 'xyzzy', { topK: 10, includeEnded: false });
    expect(current).not.toContainEqual(triples[4]);
    // Asking about the past ranks it by score among the others.
    const past = await retriever.retrieve(storage, 'u1', 'xyzzy before', { topK: 3 });
    expect(past[0]).toEqual(triples[4]);
  });
});
