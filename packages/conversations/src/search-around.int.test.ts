import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError, NotFoundError } from '@memory/errors';
import { createConversationStore, isNoEmbeddingsError, type ConversationStore } from './index.js';

describeEachDatabase('search windows, score cut and missing vectors', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
    a = (await store.createSession({ userId: 'around' })).id;
    b = (await store.createSession({ userId: 'around' })).id;
    // Session a: a0..a9, only a2 and a8 point along x (the query); the rest along y, some without vectors.
    await store.appendMessages(
      a,
      Array.from({ length: 10 }, (_, i) => ({
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `a${i}`,
        embedding: i === 2 || i === 8 ? [1, 0.01 * i, 0] : i % 3 === 0 ? null : [0, 1, 0],
      })),
    );
    await store.appendMessages(b, [
      { role: 'user', content: 'b0', embedding: [0.7, 0.7, 0] },
      { role: 'user', content: 'b1' },
    ]);
  });

  const contents = (messages: { content: string }[] | undefined) => messages?.map((m) => m.content);

  it('returns each hit with the messages around it in its session, clipped at the ends', async () => {
    for (const exactSearchThreshold of [3000, 0]) {
      const searching = createConversationStore(db, { exactSearchThreshold });
      const hits = await searching.searchMessages({ vector: [1, 0, 0], userId: 'around', topK: 3, around: 2 });
      expect(hits.map((h) => h.message.content)).toEqual(['a2', 'a8', 'b0']);
      expect(hits.map((h) => [contents(h.before), contents(h.after)])).toEqual([
        [
          ['a0', 'a1'],
          ['a3', 'a4'],
        ],
        [['a6', 'a7'], ['a9']],
        [[], ['b1']],
      ]);
    }
    // Without around there are no windows; the window ignores the filters (it is the conversation).
    const plain = await store.searchMessages({ vector: [1, 0, 0], sessionId: a, topK: 1 });
    expect(plain[0]).not.toHaveProperty('before');
    const filtered = await store.searchMessages({
      vector: [1, 0, 0],
      sessionId: a,
      topK: 1,
      roles: ['user'],
      around: 1,
    });
    expect([contents(filtered[0]!.before), contents(filtered[0]!.after)]).toEqual([['a1'], ['a3']]);
    await expect(store.searchMessages({ vector: [1, 0, 0], sessionId: a, around: 51 })).rejects.toThrow(/around/);
  });

  it('keeps only hits at or above minScore', async () => {
    const all = await store.searchMessages({ vector: [1, 0, 0], userId: 'around', topK: 10 });
    expect(all.length).toBeGreaterThan(3);
    const close = await store.searchMessages({ vector: [1, 0, 0], userId: 'around', topK: 10, minScore: 0.9 });
    expect(close.map((h) => h.message.content)).toEqual(['a2', 'a8']);
    expect(close.every((h) => h.score >= 0.9)).toBe(true);
    expect(await store.searchMessages({ vector: [1, 0, 0], sessionId: b, minScore: 0.99 })).toEqual([]);
    await expect(store.searchMessages({ vector: [1, 0, 0], sessionId: a, minScore: 2 })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it('says so when nothing in scope has a vector, instead of returning nothing or zero scores', async () => {
    const bare = await store.createSession({ userId: 'no-vectors' });
    await store.appendMessages(bare.id, [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi' },
    ]);
    const error = await store.searchMessages({ vector: [1, 0, 0], sessionId: bare.id }).catch((e: unknown) => e);
    expect(isNoEmbeddingsError(error)).toBe(true);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/has an embedding/);
    await expect(store.searchMessages({ vector: [1, 0, 0], userId: 'no-vectors' })).rejects.toThrow(/has an embedding/);
    // Filters that match nothing, or an empty scope, are an honest empty answer.
    expect(await store.searchMessages({ vector: [1, 0, 0], sessionId: bare.id, roles: ['tool'] })).toEqual([]);
    expect(await store.searchMessages({ vector: [1, 0, 0], userId: 'nobody' })).toEqual([]);
    // Text search with the store's provider when the call gives none.
    const withProvider = createConversationStore(db, {
      embeddingProvider: { dimensions: 3, embed: async () => [[1, 0, 0]] },
    });
    expect((await withProvider.searchMessages({ text: 'x', sessionId: a, topK: 1 }))[0]?.message.content).toBe('a2');
  });
});
