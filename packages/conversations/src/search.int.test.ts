import { beforeAll, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError } from '@memory/errors';
import { createConversationStore, type ConversationStore, type EmbeddingProvider } from './index.js';
import { searchSettingsSql, searchSql } from './search-sql.js';

/** Deterministic noise in [0, scale): distinct vectors keep the HNSW graph well connected. */
function noise(seed: number, scale: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x)) * scale;
}

describeEachDatabase('searchMessages', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;
  let busyUser: string;
  let quietUser: string;
  let rareUser: string;
  let rareSessions: string[];

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
    busyUser = `busy-${ctx.kind}`;
    quietUser = `quiet-${ctx.kind}`;
    rareUser = `rare-${ctx.kind}`;
    // 1500 messages of one user lie right around the query vector [1, 0, 0], while another
    // user's 1500 messages and a third user's 12 are all farther away than any of them.
    for (let s = 0; s < 3; s++) {
      const busy = await store.createSession({ userId: busyUser });
      await store.appendMessages(busy.id, Array.from({ length: 500 }, (_, i) => ({ role: 'user' as const, content: `busy ${i}`, embedding: [1, noise(s * 1000 + i, 0.05), noise(s * 1000 + i + 0.5, 0.05)] })));
      const quiet = await store.createSession({ userId: quietUser });
      await store.appendMessages(quiet.id, Array.from({ length: 500 }, (_, i) => ({ role: 'user' as const, content: `quiet ${i}`, embedding: [0.2 + noise(i + 7000, 0.1), 1, noise(s * 1000 + i + 9000, 1)] })));
    }
    rareSessions = [];
    for (let s = 0; s < 2; s++) {
      const session = await store.createSession({ userId: rareUser });
      rareSessions.push(session.id);
      await store.appendMessages(session.id, Array.from({ length: 6 }, (_, i) => ({
        role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant',
        content: `rare ${s}-${i} 你好`,
        embedding: [0.5, 1, (s * 6 + i) / 10],
      })));
    }
    await db.execute('analyze');
  });

  it('is served by the HNSW cosine index, which alone would find none of the quiet user’s messages', async () => {
    const indexes = await db.execute<{ indexdef: string }>(`select indexdef from pg_indexes where tablename = 'messages' and indexdef like '%hnsw%'`);
    expect(indexes.map((i) => i.indexdef).join()).toContain('vector_cosine_ops');
    const query = searchSql({ vector: '[1,0,0]', sessionId: null, userId: quietUser, roles: null, since: null, until: null, topK: 10 });
    const plain = searchSettingsSql(10, false);
    const { plan, rows } = await db.scope(async (em) => {
      const k = em.getKysely();
      await k.executeQuery(CompiledQuery.raw(plain.text, plain.values));
      const explained = await k.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${query.text}`, query.values));
      const found = await k.executeQuery(CompiledQuery.raw(query.text, query.values));
      return { plan: explained.rows.map((r) => r['QUERY PLAN']).join('\n'), rows: found.rows };
    });
    expect(plan).toContain('ix_messages_embedding_hnsw');
    // Without iterative scans the index hands back its 40 nearest rows, all the busy user's.
    expect(rows.length).toBeLessThan(10);
  });

  it('still returns topK hits when the user filter rejects every nearest neighbour', async () => {
    const hits = await store.searchMessages({ vector: [1, 0, 0], userId: quietUser, topK: 10 });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.message.content.startsWith('quiet'))).toBe(true);
    const distances = hits.map((h) => h.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(hits[0]!.score).toBeCloseTo(1 - hits[0]!.distance, 10);
  });

  it('falls back to plain HNSW scans when iterative scans are off (as on pgvector before 0.8)', async () => {
    const settings: string[] = [];
    const plain = createConversationStore(db, { iterativeScan: false, onQuery: (e) => settings.push(e.sql) });
    const hits = await plain.searchMessages({ vector: [1, 0, 0], userId: quietUser, topK: 10 });
    expect(hits.length).toBeLessThan(10);
    expect(settings.join('\n')).not.toContain('iterative_scan');
    expect(settings.join('\n')).toContain(`set_config('hnsw.ef_search'`);
  });

  it('returns topK hits for a user with few messages, nearest first', async () => {
    const hits = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, topK: 10 });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.message.content.startsWith('rare'))).toBe(true);
    expect(hits[0]!.message.content).toBe('rare 0-0 你好');
    const distances = hits.map((h) => h.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  });

  it('filters by session, role and time', async () => {
    const inSession = await store.searchMessages({ vector: [1, 0, 0], sessionId: rareSessions[1], topK: 100 });
    expect(inSession.map((h) => h.message.sessionId)).toEqual(Array(6).fill(rareSessions[1]));
    const assistants = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, roles: ['assistant'], topK: 100 });
    expect(assistants).toHaveLength(6);
    expect(assistants.every((h) => h.message.role === 'assistant')).toBe(true);
    const all = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, topK: 100 });
    const times = all.map((h) => h.message.createdAt.getTime()).sort((a, b) => a - b);
    const cut = new Date(times[6]!);
    const since = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, since: cut, topK: 100 });
    const until = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, until: cut, topK: 100 });
    expect(since.length + until.length).toBe(12);
    expect(since.every((h) => h.message.createdAt >= cut)).toBe(true);
    const both = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, sessionId: rareSessions[0], topK: 100 });
    expect(both).toHaveLength(6);
    expect(await store.searchMessages({ vector: [1, 0, 0], userId: busyUser, sessionId: rareSessions[0] })).toEqual([]);
  });

  it('embeds a text query with the given provider', async () => {
    const seen: string[][] = [];
    const provider: EmbeddingProvider = {
      embed: async (texts) => {
        seen.push(texts);
        return texts.map(() => [0.5, 1, 0]);
      },
    };
    const hits = await store.searchMessages({ text: '你好', provider, userId: rareUser, topK: 3 });
    expect(seen).toEqual([['你好']]);
    expect(hits.map((h) => h.message.content)).toEqual(['rare 0-0 你好', 'rare 0-1 你好', 'rare 0-2 你好']);
    const wrong: EmbeddingProvider = { embed: async () => [[1, 2]] };
    await expect(store.searchMessages({ text: 'x', provider: wrong, userId: rareUser })).rejects.toThrow(/has 2 dimensions/);
  });

  it('refuses a search without scope or query', async () => {
    await expect(store.searchMessages({ vector: [1, 0, 0] })).rejects.toThrow(/needs sessionId or userId/);
    await expect(store.searchMessages({ userId: rareUser })).rejects.toThrow(InvalidInputError);
    await expect(store.searchMessages({ text: 'x', userId: rareUser })).rejects.toThrow(/needs provider/);
    await expect(store.searchMessages({ vector: [1, 0], userId: rareUser })).rejects.toThrow(/2 dimensions/);
    await expect(store.searchMessages({ vector: [1, 0, 0], userId: rareUser, topK: 0 })).rejects.toThrow(/topK/);
  });
});
