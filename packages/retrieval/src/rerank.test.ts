import { InvalidInputError } from '@memory/errors';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { saveKnowledgeTriples, type Triple } from '@memory/semantics';
import { describe, expect, it } from 'vitest';
import { createAiSdkReranker, createRetriever, type Reranker } from './index.js';

const triples: Triple[] = [
  ['user', 'drinks', 'green tea every morning'],
  ['user', 'drinks', 'coffee after lunch'],
  ['user', 'lives in', 'Lyon'],
  ['user', 'likes', 'tea ceremonies'],
];

async function setup() {
  const storage = new InMemoryLongTermStorage();
  await saveKnowledgeTriples(storage, 'u1', triples);
  return storage;
}

describe('the reranking hook', () => {
  it('sees the best candidates and decides the final order', async () => {
    const seen: number[] = [];
    const reverse: Reranker = (_query, candidates) => {
      seen.push(candidates.length);
      return [...candidates].reverse();
    };
    const storage = await setup();
    const plain = await createRetriever().retrieve(storage, 'u1', 'tea', { topK: 2 });
    const reranked = await createRetriever({ rerank: reverse, rerankCandidates: 3 }).retrieve(storage, 'u1', 'tea', {
      topK: 2,
    });
    expect(seen).toEqual([3]);
    expect(reranked).not.toEqual(plain);
    expect(reranked).toHaveLength(2);
  });

  it('is not called for an empty question, and refuses triples it was not given', async () => {
    const storage = await setup();
    let calls = 0;
    const r = createRetriever({ rerank: (_q, c) => (calls++, c) });
    expect(await r.retrieve(storage, 'u1', '', 2)).toEqual(triples.slice(0, 2));
    expect(calls).toBe(0);
    const liar = createRetriever({
      rerank: (_q, c) => [{ ...c[0]!, position: 99 }],
    });
    await expect(liar.retrieve(storage, 'u1', 'tea')).rejects.toThrow(InvalidInputError);
  });

  it('adapts an AI SDK reranking model: documents as "s p o", its ranking and scores', async () => {
    const storage = await setup();
    let sent: Record<string, unknown> | undefined;
    const rerank = createAiSdkReranker({
      model: { provider: 'test', modelId: 'r' },
      rerank: async (options) => {
        sent = options;
        const docs = options.documents as string[];
        const i = docs.findIndex((d) => d.includes('ceremonies'));
        return { ranking: [{ originalIndex: i, score: 0.9 }] };
      },
    });
    const [top] = await createRetriever({ rerank }).retrieve(storage, 'u1', 'tea', { withScores: true });
    expect(top?.triple[2]).toBe('tea ceremonies');
    expect(top?.score).toBe(0.9);
    expect(sent?.query).toBe('tea');
    expect(sent?.documents).toContain('user likes tea ceremonies');
  });
});
