import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError } from '@memory/errors';
import { createConversationStore, type ConversationStore, type NewMessage } from './index.js';

describeEachDatabase('metadata, role and time filters', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;
  let sessionId: string;
  let middle: Date;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
    sessionId = (await store.createSession({ userId: 'filters', metadata: { project: 'x', tier: 'gold' } })).id;
    const batch = (from: number): NewMessage[] =>
      Array.from({ length: 10 }, (_, k) => {
        const i = from + k;
        return {
          role: i % 2 === 0 ? 'user' : 'assistant',
          content: `m${i}`,
          embedding: [1, i / 20, 0],
          metadata:
            i % 3 === 0
              ? { channel: 'web', tags: ['a', 'b'], n: i }
              : i % 3 === 1
                ? { channel: 'app', tags: ['a'] }
                : null,
        };
      });
    await store.appendMessages(sessionId, batch(0));
    middle = new Date(Date.now() + 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.appendMessages(sessionId, batch(10));
  });

  const contents = (messages: { content: string }[]) => messages.map((m) => m.content);

  it('filters history by metadata equality and containment, role and time, paging within the filter', async () => {
    const web = await store.getHistory(sessionId, { metadataEquals: { channel: 'web' } });
    expect(contents(web.messages)).toEqual(['m0', 'm3', 'm6', 'm9', 'm12', 'm15', 'm18']);
    // Equality is exact: ['a'] is not ['a', 'b']; containment is inclusion.
    expect(contents((await store.getHistory(sessionId, { metadataEquals: { tags: ['a'] } })).messages)).toEqual([
      'm1',
      'm4',
      'm7',
      'm10',
      'm13',
      'm16',
      'm19',
    ]);
    expect((await store.getHistory(sessionId, { metadataContains: { tags: ['a'] } })).messages).toHaveLength(14);
    expect(
      contents((await store.getHistory(sessionId, { metadataContains: { tags: ['b'] }, roles: ['user'] })).messages),
    ).toEqual(['m0', 'm6', 'm12', 'm18']);
    expect(
      contents((await store.getHistory(sessionId, { metadataEquals: { channel: 'web' }, since: middle })).messages),
    ).toEqual(['m12', 'm15', 'm18']);
    expect(
      contents((await store.getHistory(sessionId, { metadataEquals: { channel: 'web' }, until: middle })).messages),
    ).toEqual(['m0', 'm3', 'm6', 'm9']);

    const first = await store.getHistory(sessionId, { metadataEquals: { channel: 'web' }, limit: 3 });
    expect(contents(first.messages)).toEqual(['m12', 'm15', 'm18']);
    expect(first.hasOlder).toBe(true);
    const older = await store.getHistory(sessionId, {
      metadataEquals: { channel: 'web' },
      limit: 3,
      before: first.olderCursor,
    });
    expect(contents(older.messages)).toEqual(['m3', 'm6', 'm9']);
    expect((await store.getHistory(sessionId, { metadataEquals: { channel: 'none' } })).messages).toEqual([]);

    await expect(store.getHistory(sessionId, { metadataEquals: {} })).rejects.toThrow(/at least one key/);
    await expect(store.getHistory(sessionId, { metadataContains: ['a'] as never })).rejects.toThrow(InvalidInputError);
    await expect(store.getHistory(sessionId, { roles: ['bot' as never] })).rejects.toThrow(/roles\[0\]/);
  });

  it('filters search hits by metadata, exactly and through the HNSW index', async () => {
    for (const exactSearchThreshold of [3000, 0]) {
      const searching = createConversationStore(db, { exactSearchThreshold });
      const hits = await searching.searchMessages({
        vector: [1, 0, 0],
        sessionId,
        topK: 20,
        metadataEquals: { channel: 'app' },
      });
      expect(hits.map((h) => h.message.content).sort()).toEqual(['m1', 'm10', 'm13', 'm16', 'm19', 'm4', 'm7']);
      expect(hits.every((h) => h.message.metadata?.channel === 'app')).toBe(true);
      const contained = await searching.searchMessages({
        vector: [1, 0, 0],
        userId: 'filters',
        topK: 2,
        metadataContains: { tags: ['b'] },
        roles: ['assistant'],
        since: middle,
      });
      expect(contained.map((h) => h.message.content)).toEqual(['m15']);
    }
  });

  it('filters session lists by metadata equality beside containment', async () => {
    const other = await store.createSession({ userId: 'filters', metadata: { project: 'x', tier: ['gold'] } });
    const equal = await store.listSessions({ userId: 'filters', metadataEquals: { tier: 'gold' } });
    expect(equal.sessions.map((s) => s.id)).toEqual([sessionId]);
    const contained = await store.listSessions({ userId: 'filters', metadataContains: { project: 'x' } });
    expect(contained.sessions.map((s) => s.id).sort()).toEqual([sessionId, other.id].sort());
  });
});
