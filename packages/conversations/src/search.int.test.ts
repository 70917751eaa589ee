import { beforeAll, beforeEach, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import type { EmbeddingProvider } from '@memory/embeddings';
import { InvalidInputError } from '@memory/errors';
import { createConversationStore, type ConversationStore, type QueryEvent, type SearchHit } from './index.js';
import { DEFAULT_EF_SEARCH, exactSearchSql, searchSettingsSql, searchSetupSql, searchSql } from './search-sql.js';
import { userRoute } from './shard-route.js';

/** Deterministic noise in [0, scale): distinct vectors keep the HNSW graph well connected. */
function noise(seed: number, scale: number): number {
  const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x)) * scale;
}

/** Cosine distance as pgvector computes it on its float4 components. */
function cosineDistance(a: readonly number[], b: readonly number[]): number {
  const fa = a.map(Math.fround);
  const fb = b.map(Math.fround);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < fa.length; i++) {
    dot += fa[i]! * fb[i]!;
    na += fa[i]! * fa[i]!;
    nb += fb[i]! * fb[i]!;
  }
  return 1 - dot / Math.sqrt(na * nb);
}

/** Which search statements a store sent: the setup, the HNSW query, the exact query. */
function statementKinds(events: readonly QueryEvent[]): string[] {
  return events.flatMap((e) =>
    // On Citus the settings are SET LOCAL statements (they reach the workers; set_config does not).
    e.sql.includes('set_config') || e.sql.startsWith('SET LOCAL')
      ? ['setup']
      : e.sql.includes('AS unfilled') // the counts of a user-scoped search, on Citus after SET LOCAL
        ? []
        : e.sql.includes('AS MATERIALIZED')
          ? ['hnsw']
          : e.sql.includes('OFFSET 0')
            ? ['exact']
            : [],
  );
}

describeEachDatabase('searchMessages', (ctx) => {
  /** On Citus the statements carry the user's shard (as the store's do), so they run on one worker. */
  const citus = ctx.label === '[citus]';
  let db: MemoryDb;
  let store: ConversationStore;
  let busyUser: string;
  let quietUser: string;
  let rareUser: string;
  let rareSessions: string[];
  let quietSessions: string[];
  /** Every embedding written, by message content (contents are unique). */
  const embeddings = new Map<string, number[]>();
  /** Search statements sent by `store` since the test began. */
  let events: QueryEvent[] = [];
  /** A store that never takes the exact path first, to exercise the HNSW index on this small data. */
  let indexed: ConversationStore;
  let indexedEvents: QueryEvent[] = [];

  beforeEach(() => {
    events = [];
    indexedEvents = [];
  });

  /**
   * The `k` nearest of the messages whose content starts with `prefix`, ranked in JS, and
   * whether `hits` are exactly those: the same distances rank by rank (ids may differ only
   * within a near-tie, which float4 and float8 arithmetic can order differently).
   */
  function expectExact(hits: readonly SearchHit[], query: number[], prefix: string, k: number): void {
    const ranked = [...embeddings.entries()]
      .filter(([content]) => content.startsWith(prefix))
      .map(([content, e]) => ({ content, distance: cosineDistance(query, e) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, k);
    expect(hits).toHaveLength(ranked.length);
    hits.forEach((hit, i) => {
      expect(hit.message.content.startsWith(prefix)).toBe(true);
      expect(cosineDistance(query, embeddings.get(hit.message.content)!)).toBeCloseTo(ranked[i]!.distance, 6);
      expect(hit.distance).toBeCloseTo(ranked[i]!.distance, 5);
    });
    const sameIds = hits.filter((hit, i) => hit.message.content === ranked[i]!.content).length;
    expect(sameIds).toBeGreaterThanOrEqual(k - 2);
  }

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db, { onQuery: (e) => events.push(e) });
    // ef_search 40, so that on these 3,000 rows the planner prefers the index to a sort.
    indexed = createConversationStore(db, {
      exactSearchThreshold: 0,
      efSearch: 40,
      onQuery: (e) => indexedEvents.push(e),
    });
    busyUser = `busy-${ctx.kind}`;
    quietUser = `quiet-${ctx.kind}`;
    rareUser = `rare-${ctx.kind}`;
    // 1500 messages of one user lie right around the query vector [1, 0, 0], while another
    // user's 1500 messages and a third user's 12 are all farther away than any of them.
    const message = (content: string, embedding: number[]) => {
      embeddings.set(content, embedding);
      return { role: 'user' as const, content, embedding };
    };
    quietSessions = [];
    for (let s = 0; s < 3; s++) {
      const busy = await store.createSession({ userId: busyUser });
      await store.appendMessages(
        busy.id,
        Array.from({ length: 500 }, (_, i) =>
          message(`busy ${s}-${i}`, [1, noise(s * 1000 + i, 0.05), noise(s * 1000 + i + 0.5, 0.05)]),
        ),
      );
      const quiet = await store.createSession({ userId: quietUser });
      quietSessions.push(quiet.id);
      await store.appendMessages(
        quiet.id,
        Array.from({ length: 500 }, (_, i) =>
          message(`quiet ${s}-${i}`, [0.2 + noise(s * 1000 + i + 7000, 0.1), 1, noise(s * 1000 + i + 9000, 1)]),
        ),
      );
    }
    rareSessions = [];
    for (let s = 0; s < 2; s++) {
      const session = await store.createSession({ userId: rareUser });
      rareSessions.push(session.id);
      await store.appendMessages(
        session.id,
        Array.from({ length: 6 }, (_, i) => ({
          ...message(`rare ${s}-${i} 你好`, [0.5, 1, (s * 6 + i) / 10]),
          role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant',
        })),
      );
    }
    await db.execute('analyze');
  });

  it('is served by the HNSW cosine index, which alone would find none of the quiet user’s messages', async () => {
    const indexes = await db.execute<{ indexdef: string }>(
      `select indexdef from pg_indexes where tablename = 'messages' and indexdef like '%hnsw%'`,
    );
    expect(indexes.map((i) => i.indexdef).join()).toContain('vector_cosine_ops');
    const query = {
      vector: '[1,0,0]',
      sessionId: null,
      userId: quietUser,
      roles: null,
      since: null,
      until: null,
      topK: 10,
      route: userRoute(quietUser, citus),
    };
    const plain = searchSetupSql(query, { efSearch: 40, iterativeScan: false, countUpTo: 0 });
    const { plan, rows } = await db.scope(async (em) => {
      const k = em.getKysely();
      if (citus) await k.executeQuery(CompiledQuery.raw(searchSettingsSql({ efSearch: 40, iterativeScan: false }), []));
      await k.executeQuery(CompiledQuery.raw(plain.text, [...plain.values]));
      const statement = searchSql(query);
      const explained = await k.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`EXPLAIN ${statement.text}`, [...statement.values]),
      );
      const found = await k.executeQuery(CompiledQuery.raw(statement.text, [...statement.values]));
      return { plan: explained.rows.map((r) => r['QUERY PLAN']).join('\n'), rows: found.rows };
    });
    expect(plan).toContain('ix_messages_embedding_hnsw');
    // Without iterative scans the index hands back its 40 nearest rows, all the busy user's. (Not
    // on Citus: the search runs on the quiet user's shard, where the busy user's rows are not.)
    if (!citus) expect(rows.length).toBeLessThan(10);
    else expect(plan).toMatch(/Task Count: 1\b/);
  });

  it('never hands the exact search to the HNSW index, even where the planner would pick it', async () => {
    const query = {
      vector: '[1,0,0]',
      sessionId: null,
      userId: busyUser,
      roles: null,
      since: null,
      until: null,
      topK: 10,
      route: userRoute(busyUser, citus),
    };
    const statement = exactSearchSql(query);
    const plan = await db.scope(async (em) => {
      const k = em.getKysely();
      const explain = async (text: string) =>
        (
          await k.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${text}`, [...statement.values]))
        ).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      // The same filter and order without the fence: the planner uses the index.
      expect(await explain(searchSql(query).text)).toContain('ix_messages_embedding_hnsw');
      return explain(statement.text);
    });
    expect(plan).not.toContain('ix_messages_embedding_hnsw');
  });

  it('still returns topK hits from the index when the user filter rejects every nearest neighbour', async () => {
    const hits = await indexed.searchMessages({ vector: [1, 0, 0], userId: quietUser, topK: 10 });
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.message.content.startsWith('quiet'))).toBe(true);
    const distances = hits.map((h) => h.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(hits[0]!.score).toBeCloseTo(1 - hits[0]!.distance, 10);
    // The iterative scan found them all: no exact scan was needed.
    expect(statementKinds(indexedEvents)).toEqual(['setup', 'hnsw']);
  });

  it('completes a short HNSW answer with an exact scan when iterative scans are off (as on pgvector before 0.8)', async () => {
    const seen: QueryEvent[] = [];
    // ef_search 40: the planner takes the index (see the first test), which returns 40 busy rows.
    const plain = createConversationStore(db, {
      iterativeScan: false,
      exactSearchThreshold: 0,
      efSearch: 40,
      onQuery: (e) => seen.push(e),
    });
    const hits = await plain.searchMessages({ vector: [1, 0, 0], userId: quietUser, topK: 10 });
    // On Citus the index runs on the quiet user's shard, where the busy user's rows do not crowd
    // the 40 nearest out: the index answer is whole and no exact scan follows.
    expect(statementKinds(seen)).toEqual(citus ? ['setup', 'hnsw'] : ['setup', 'hnsw', 'exact']);
    expect(seen.map((e) => e.sql).join('\n')).not.toContain('iterative_scan');
    expectExact(hits, [1, 0, 0], 'quiet', 10);
  });

  it('searches a user with few messages exactly: the same ranking as brute force, without the index', async () => {
    for (const vector of [
      [1, 0, 0],
      [0.3, 1, 0.5],
      [0, 0.2, -1],
    ]) {
      events = [];
      const hits = await store.searchMessages({ vector, userId: quietUser, topK: 10 });
      // 1500 messages: under the default threshold, so one setup statement (with the count) and the exact scan.
      expect(statementKinds(events)).toEqual(['setup', 'exact']);
      expectExact(hits, vector, 'quiet', 10);
    }
  });

  it('searches a session exactly, and takes the index once the scope is over the threshold', async () => {
    const vector = [0.2, 1, -0.7];
    const hits = await store.searchMessages({ vector, sessionId: quietSessions[1], topK: 5 });
    expect(statementKinds(events)).toEqual(['setup', 'exact']);
    expectExact(hits, vector, 'quiet 1-', 5);
    const seen: QueryEvent[] = [];
    const small = createConversationStore(db, { exactSearchThreshold: 499, onQuery: (e) => seen.push(e) });
    const viaIndex = await small.searchMessages({ vector, sessionId: quietSessions[1], topK: 5 });
    expect(statementKinds(seen)).toEqual(['setup', 'hnsw']);
    expect(viaIndex).toHaveLength(5);
    expect(viaIndex.every((h) => h.message.sessionId === quietSessions[1])).toBe(true);
    seen.length = 0;
    await createConversationStore(db, { exactSearchThreshold: 500, onQuery: (e) => seen.push(e) }).searchMessages({
      vector,
      sessionId: quietSessions[1],
      topK: 5,
    });
    expect(statementKinds(seen)).toEqual(['setup', 'exact']);
  });

  it('completes an index search whose filters leave fewer than topK candidates with an exact scan', async () => {
    const hits = await indexed.searchMessages({ vector: [1, 0, 0], userId: rareUser, roles: ['assistant'], topK: 10 });
    expect(hits.map((h) => h.message.role)).toEqual(Array(6).fill('assistant'));
    expect(statementKinds(indexedEvents)).toEqual(['setup', 'hnsw', 'exact']);
  });

  it('sets hnsw.ef_search for the search: the store default, the store option, the call option, at least topK', async () => {
    const viaIndex = createConversationStore(db, { exactSearchThreshold: 0 });
    const efSearchAfter = (search: (s: ConversationStore) => Promise<unknown>, s: ConversationStore = viaIndex) =>
      db.scope(async (em) => {
        // The store joins this transaction, so its transaction-local settings are visible here.
        await search(s);
        const rows = await em
          .getKysely()
          .executeQuery<{ hnsw_ef_search: string; hnsw_iterative_scan: string }>(
            CompiledQuery.raw(
              `SELECT current_setting('hnsw.ef_search') AS hnsw_ef_search, current_setting('hnsw.iterative_scan') AS hnsw_iterative_scan`,
            ),
          );
        return rows.rows[0]!;
      });
    const byDefault = await efSearchAfter((s) => s.searchMessages({ vector: [1, 0, 0], userId: busyUser }));
    expect(byDefault).toEqual({ hnsw_ef_search: String(DEFAULT_EF_SEARCH), hnsw_iterative_scan: 'relaxed_order' });
    expect(
      (await efSearchAfter((s) => s.searchMessages({ vector: [1, 0, 0], userId: busyUser, efSearch: 123 })))
        .hnsw_ef_search,
    ).toBe('123');
    expect(
      (await efSearchAfter((s) => s.searchMessages({ vector: [1, 0, 0], userId: busyUser, efSearch: 20, topK: 300 })))
        .hnsw_ef_search,
    ).toBe('300');
    const tuned = createConversationStore(db, { efSearch: 77, exactSearchThreshold: 0 });
    expect(
      (await efSearchAfter((s) => s.searchMessages({ vector: [1, 0, 0], userId: busyUser }), tuned)).hnsw_ef_search,
    ).toBe('77');
    expect(
      (await efSearchAfter((s) => s.searchMessages({ vector: [1, 0, 0], userId: busyUser, efSearch: 1000 }), tuned))
        .hnsw_ef_search,
    ).toBe('1000');
    // Outside the search's transaction the server's own default is back.
    // (null on a pooled connection that has not loaded pgvector's library yet).
    const [after] = await db.execute<{ ef: string | null }>(`SELECT current_setting('hnsw.ef_search', true) AS ef`);
    expect(['40', null]).toContain(after!.ef);
  });

  it('refuses an efSearch or exactSearchThreshold out of range', async () => {
    for (const efSearch of [0, 1001, 1.5, -1, Number.NaN, '100']) {
      await expect(
        store.searchMessages({ vector: [1, 0, 0], userId: rareUser, efSearch: efSearch as number }),
      ).rejects.toThrow(InvalidInputError);
      expect(() => createConversationStore(db, { efSearch: efSearch as number })).toThrow(
        /efSearch must be an integer from 1 to 1000/,
      );
    }
    await expect(store.searchMessages({ vector: [1, 0, 0], userId: rareUser, efSearch: 0 })).rejects.toThrow(
      /efSearch must be an integer from 1 to 1000, got 0/,
    );
    for (const exactSearchThreshold of [-1, 100_001, 2.5, '10']) {
      expect(() => createConversationStore(db, { exactSearchThreshold: exactSearchThreshold as number })).toThrow(
        InvalidInputError,
      );
    }
    expect(() => createConversationStore(db, { exactSearchThreshold: -1 })).toThrow(
      /exactSearchThreshold must be an integer from 0 to 100000/,
    );
    expect(await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, efSearch: 1 })).toHaveLength(10);
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
    const assistants = await store.searchMessages({
      vector: [1, 0, 0],
      userId: rareUser,
      roles: ['assistant'],
      topK: 100,
    });
    expect(assistants).toHaveLength(6);
    expect(assistants.every((h) => h.message.role === 'assistant')).toBe(true);
    const all = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, topK: 100 });
    const times = all.map((h) => h.message.createdAt.getTime()).sort((a, b) => a - b);
    const cut = new Date(times[6]!);
    const since = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, since: cut, topK: 100 });
    const until = await store.searchMessages({ vector: [1, 0, 0], userId: rareUser, until: cut, topK: 100 });
    expect(since.length + until.length).toBe(12);
    expect(since.every((h) => h.message.createdAt >= cut)).toBe(true);
    const both = await store.searchMessages({
      vector: [1, 0, 0],
      userId: rareUser,
      sessionId: rareSessions[0],
      topK: 100,
    });
    expect(both).toHaveLength(6);
    expect(await store.searchMessages({ vector: [1, 0, 0], userId: busyUser, sessionId: rareSessions[0] })).toEqual([]);
  });

  it('embeds a text query with the given provider', async () => {
    const seen: string[][] = [];
    const provider: EmbeddingProvider = {
      dimensions: 3,
      embed: async (texts) => {
        seen.push(texts);
        return texts.map(() => [0.5, 1, 0]);
      },
    };
    const hits = await store.searchMessages({ text: '你好', provider, userId: rareUser, topK: 3 });
    expect(seen).toEqual([['你好']]);
    expect(hits.map((h) => h.message.content)).toEqual(['rare 0-0 你好', 'rare 0-1 你好', 'rare 0-2 你好']);
    const wrong: EmbeddingProvider = { dimensions: 2, embed: async () => [[1, 2]] };
    await expect(store.searchMessages({ text: 'x', provider: wrong, userId: rareUser })).rejects.toThrow(
      /has 2 dimensions/,
    );
  });

  it('refuses a search without scope or query', async () => {
    await expect(store.searchMessages({ vector: [1, 0, 0] })).rejects.toThrow(/needs sessionId or userId/);
    await expect(store.searchMessages({ userId: rareUser })).rejects.toThrow(InvalidInputError);
    await expect(store.searchMessages({ text: 'x', userId: rareUser })).rejects.toThrow(/needs provider/);
    await expect(store.searchMessages({ vector: [1, 0], userId: rareUser })).rejects.toThrow(/2 dimensions/);
    await expect(store.searchMessages({ vector: [1, 0, 0], userId: rareUser, topK: 0 })).rejects.toThrow(/topK/);
  });
});
