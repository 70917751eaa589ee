import { ConfigurationError } from '@memory/errors';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { expect, it } from 'vitest';
import { retrieveRelevantKnowledge } from '@memory/retrieval';
import { addKnowledgeTriples, saveKnowledgeTriples, type Triple } from '@memory/semantics';
import type { EmbeddingProvider } from '@memory/embeddings';
import { createHashingEmbedder, createKnowledgeIndex, ensureKnowledgeIndex } from './index.js';

// A stand-in for a neural model: texts about the same concept get the same direction, whatever
// their words. It shows what the vector side adds to BM25.
const CONCEPTS: Array<[RegExp, number]> = [
  [/corgi|dog|four-legged|pet/i, 0],
  [/shopify|job|employer|works/i, 1],
  [/latte|coffee|caffeine/i, 2],
];
function conceptProvider(modelId = 'concepts-v1'): EmbeddingProvider & { calls: number } {
  const provider = {
    dimensions: 4,
    modelId,
    calls: 0,
    async embed(texts: string[]) {
      provider.calls++;
      return texts.map((t) => {
        const v = [0, 0, 0, 0.05];
        for (const [re, axis] of CONCEPTS) if (re.test(t)) v[axis] = 1;
        return v;
      });
    },
  };
  return provider;
}

const triples: Triple[] = [
  ['user', 'works at', 'Shopify'],
  ['user', 'has', 'a corgi named Biscuit'],
  ['user', 'drinks', 'oat milk lattes'],
  ['user', 'lives in', 'Toronto'],
];

describeEachDatabase('knowledge_index', (ctx) => {
  it('creates the table idempotently and refuses another dimension', async () => {
    const db = await ctx.sharedDb();
    await ensureKnowledgeIndex(db, { dimensions: 8, table: 'kx_dims' });
    await ensureKnowledgeIndex(db, { dimensions: 8, table: 'kx_dims' });
    const indexes = await db.execute<{ indexname: string }>(
      `select indexname from pg_indexes where tablename = 'kx_dims' order by 1`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual(['ix_kx_dims_embedding', 'kx_dims_pkey']);
    await expect(ensureKnowledgeIndex(db, { dimensions: 16, table: 'kx_dims' })).rejects.toThrow(ConfigurationError);
  });

  it('keeps rows in step with the stored triples, embedding only what is new', async () => {
    const db = await ctx.sharedDb();
    const provider = conceptProvider();
    const index = createKnowledgeIndex({ db, provider, table: 'kx_sync' });
    expect(await index.sync('u-sync', triples)).toEqual({ embedded: 4, updated: 0, deleted: 0, unchanged: 0 });
    expect(await index.sync('u-sync', triples)).toEqual({ embedded: 0, updated: 0, deleted: 0, unchanged: 4 });
    const changed: Triple[] = [
      ['user', 'works at', 'Shopify', { endTime: '2026-01-01T00:00:00.000Z' }],
      triples[2]!,
      triples[3]!,
      ['user', 'works at', 'Stripe'],
    ];
    expect(await index.sync('u-sync', changed)).toEqual({ embedded: 1, updated: 3, deleted: 1, unchanged: 0 });
    const rows = await db.execute<{ object: string; position: number; metadata: unknown }>(
      `select object, position, metadata from kx_sync where user_id = 'u-sync' order by position`,
    );
    expect(rows.map((r) => [r.object, Number(r.position)])).toEqual([
      ['Shopify', 0],
      ['oat milk lattes', 1],
      ['Toronto', 2],
      ['Stripe', 3],
    ]);
    // Another model's vectors are stale: all rows are embedded again.
    const newer = createKnowledgeIndex({ db, provider: conceptProvider('concepts-v2'), table: 'kx_sync' });
    expect((await newer.sync('u-sync', changed)).embedded).toBe(4);
    expect(await newer.deleteUser('u-sync')).toBe(4);
  });

  it("finds triples by vector similarity, only among the user's own", async () => {
    const db = await ctx.sharedDb();
    const index = createKnowledgeIndex({ db, provider: conceptProvider(), table: 'kx_search' });
    await index.sync('u-a', triples);
    await index.sync('u-b', [['user', 'has', 'a dog named Rex']]);
    const hits = await index.search('u-a', 'four-legged friend', 2);
    expect(hits[0]).toMatchObject({ triple: ['user', 'has', 'a corgi named Biscuit'], position: 1 });
    expect(hits[0]!.similarity).toBeGreaterThan(hits[1]!.similarity);
    expect((await index.search('u-b', 'pet', 5)).map((h) => h.triple[2])).toEqual(['a dog named Rex']);
  });

  it('fuses BM25 and vector ranks when retrieving, and stays in step as a sink', async () => {
    const db = await ctx.sharedDb();
    const storage = new InMemoryLongTermStorage();
    const index = createKnowledgeIndex({ db, provider: conceptProvider(), table: 'kx_hybrid' });
    await addKnowledgeTriples(storage, 'u-h', triples, { sink: index });
    expect(await db.execute(`select 1 from kx_hybrid where user_id = 'u-h'`)).toHaveLength(4);

    const lexical = await retrieveRelevantKnowledge(storage, 'u-h', 'four-legged friend', { topK: 1 });
    expect(lexical[0]?.[2]).not.toBe('a corgi named Biscuit');
    const hybrid = await retrieveRelevantKnowledge(storage, 'u-h', 'four-legged friend', {
      topK: 1,
      knowledgeIndex: index,
    });
    expect(hybrid[0]?.[2]).toBe('a corgi named Biscuit');

    // The original's substring rule still wins, in file order.
    const exact = await retrieveRelevantKnowledge(storage, 'u-h', 'toronto', {
      topK: 2,
      knowledgeIndex: index,
      withScores: true,
    });
    expect(exact[0]?.exact).toBe(true);
    expect(exact[0]?.triple.slice(0, 3)).toEqual(['user', 'lives in', 'Toronto']);

    // A superseded job ranks after the current one, even when the vector side prefers it.
    await addKnowledgeTriples(storage, 'u-h', [['user', 'works at', 'Stripe']], {
      singleValued: ['works at'],
      sink: index,
    });
    const jobs = await retrieveRelevantKnowledge(storage, 'u-h', 'employer', {
      topK: 10,
      knowledgeIndex: index,
      withScores: true,
    });
    expect(jobs[0]?.triple[2]).toBe('Stripe');
    expect(jobs.map((j) => [j.triple[2], j.ended]).at(-1)).toEqual(['Shopify', true]);
    expect(jobs.filter((j) => j.ended)).toHaveLength(1);

    await saveKnowledgeTriples(storage, 'u-h', [], { sink: index });
    expect(await db.execute(`select 1 from kx_hybrid where user_id = 'u-h'`)).toHaveLength(0);
  });

  it('keeps a clear lexical match first when the vector ranking barely tells the triples apart', async () => {
    const db = await ctx.sharedDb();
    const storage = new InMemoryLongTermStorage();
    const question = 'latte with oat milk'; // not a substring of any triple: no exact match
    const fillers: Triple[] = Array.from({ length: 20 }, (_, i) => ['user', 'noted', `unrelated fact number ${i}`]);
    const stored: Triple[] = [
      ['user', 'drinks', 'oat milk lattes'],
      ['user', 'buys', 'milk at the market'],
      ...fillers,
    ];
    // Every similarity between 0.49 and 0.51, the weak lexical match highest and the clear one
    // lowest: what a model that does not understand the text gives (reciprocal rank fusion put
    // the weak match first).
    const similarity = (text: string) =>
      text.includes('market')
        ? 0.51
        : text.includes('lattes')
          ? 0.49
          : 0.49 + (0.02 * (1 + Number(/number (\d+)/.exec(text)?.[1] ?? 0))) / 22;
    const provider: EmbeddingProvider = {
      dimensions: 2,
      modelId: 'flat-v1',
      async embed(texts: string[]) {
        return texts.map((t) => (t === question ? [1, 0] : [similarity(t), Math.sqrt(1 - similarity(t) ** 2)]));
      },
    };
    const index = createKnowledgeIndex({ db, provider, table: 'kx_flat' });
    await addKnowledgeTriples(storage, 'u-f', stored, { sink: index });

    const lexical = await retrieveRelevantKnowledge(storage, 'u-f', question, { topK: 3 });
    expect(lexical.map((t) => t[2])).toEqual(['oat milk lattes', 'milk at the market']);
    const hybrid = await retrieveRelevantKnowledge(storage, 'u-f', question, { topK: 3, knowledgeIndex: index });
    expect(hybrid.map((t) => t[2])).toEqual(['oat milk lattes', 'milk at the market', 'unrelated fact number 19']);
  });

  it('works with the hashing embedder end to end', async () => {
    const db = await ctx.sharedDb();
    const index = createKnowledgeIndex({
      db,
      provider: createHashingEmbedder({ dimensions: 64 }),
      table: 'kx_hashing',
    });
    await index.sync('u-x', [
      ['用户', '喜欢喝', '手冲咖啡'],
      ['用户', '住在', '杭州'],
    ]);
    const [top] = await index.search('u-x', '咖啡', 1);
    expect(top?.triple[2]).toBe('手冲咖啡');
  });
});
