import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { backfillMessageUserIds } from './backfill-user-ids.js';
import { createConversationStore, type ConversationStore } from './index.js';
import { exactSearchSql, searchSetupSql, searchSql, type SearchQuery, type SearchSetupRow } from './search-sql.js';
import { userRoute } from './shard-route.js';

const DIMS = 8;
const BIG_THREAD = 100_000;

/** Deterministic vector of `DIMS` components in [-1, 1). */
function vector(seed: number): number[] {
  return Array.from({ length: DIMS }, (_, i) => {
    const x = Math.sin((seed * DIMS + i) * 12.9898 + 78.233) * 43758.5453;
    return (x - Math.floor(x)) * 2 - 1;
  });
}

async function explain(db: MemoryDb, statement: { text: string; values: readonly unknown[] }): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.text}`, statement.values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

describeEachDatabase(
  'user-scoped search in a database that also holds a 100k-message thread',
  (ctx) => {
    let db: MemoryDb;
    let store: ConversationStore;
    let query: SearchQuery;
    const citus = ctx.label === '[citus]';

    beforeAll(async () => {
      db = await ctx.createDb({ embeddingDimensions: DIMS });
      store = createConversationStore(db);
      // The big thread: one session of another user, no vectors, written in one statement.
      const big = await store.createSession({ userId: 'big' });
      await db.query(
        `INSERT INTO messages (id, session_id, role, content, created_at, user_id, shard_key)
         SELECT gen_random_uuid(), $1::uuid, 'user', 'm' || g, now() + g * interval '1 microsecond', 'big', ('x' || right($1::uuid::text, 4))::bit(16)::int
         FROM generate_series(1, ${BIG_THREAD}) g`,
        [big.id],
      );
      // The small user: 10 sessions of 100 messages with vectors, through the store.
      for (let s = 0; s < 10; s++) {
        const session = await store.createSession({ userId: 'small' });
        await store.appendMessages(
          session.id,
          Array.from({ length: 100 }, (_, i) => ({
            role: 'user' as const,
            content: `s${s}m${i}`,
            embedding: vector(s * 100 + i),
          })),
        );
      }
      // Some more users, so the statistics see more than two.
      for (let u = 0; u < 20; u++) {
        const session = await store.createSession({ userId: `other-${u}` });
        await store.appendMessages(
          session.id,
          Array.from({ length: 20 }, (_, i) => ({ role: 'user' as const, content: `o${u}m${i}` })),
        );
      }
      await db.query('ANALYZE');
      query = {
        vector: `[${vector(7).join(',')}]`,
        sessionId: null,
        userId: 'small',
        roles: null,
        since: null,
        until: null,
        topK: 10,
        // On Citus the statements carry the user's shard, as the store's do.
        route: userRoute('small', citus),
      };
    }, 300_000);

    it('counts and scans only the user’s rows: index scans, no sequential scan or hash join over messages', async () => {
      const count = await explain(db, searchSetupSql(query, { efSearch: 200, iterativeScan: false, countUpTo: 3001 }));
      const exact = await explain(db, exactSearchSql(query));
      for (const plan of [count, exact]) {
        if (citus) {
          // On Citus the 100k thread is on another shard: the statements run on the user's shard
          // alone (one task), whatever scan the worker picks for its 1000 rows.
          expect(plan).toMatch(/Task Count: 1\b/);
          continue;
        }
        expect(plan).not.toMatch(/Seq Scan on messages/);
        expect(plan).not.toMatch(/Hash (Semi |Right Semi )?Join/);
        expect(plan).toMatch(/ix_messages_user_id_created_at/);
      }
    });

    it('stays on the user’s rows and answers the same for rows not yet backfilled', async () => {
      const filled = await store.searchMessages({ userId: 'small', vector: vector(7), topK: 10 });
      expect(filled).toHaveLength(10);
      expect(filled.every((hit) => hit.message.content.startsWith('s'))).toBe(true);

      // Rows written before the column existed: NULL until the backfill reaches them.
      await db.query(`UPDATE messages SET user_id = NULL WHERE user_id = 'small'`);
      await db.query('ANALYZE messages');
      const plan = await explain(db, exactSearchSql(query));
      if (citus) expect(plan).toMatch(/Task Count: 1\b/);
      else {
        expect(plan).not.toMatch(/Seq Scan on messages/);
        expect(plan).not.toMatch(/Hash (Semi |Right Semi )?Join/);
      }
      const unfilled = await store.searchMessages({ userId: 'small', vector: vector(7), topK: 10 });
      expect(unfilled.map((hit) => hit.message.id)).toEqual(filled.map((hit) => hit.message.id));

      const progress = await backfillMessageUserIds(db, { batchSize: 50_000 });
      expect(progress).toMatchObject({ updated: 1000, done: true });
      expect(await db.query(`SELECT count(*)::int AS n FROM messages WHERE user_id = 'small'`)).toEqual([{ n: 1000 }]);
    }, 120_000);
  },
  { pgliteSnapshots: [DIMS] },
);

/** Messages of the user with most of the vectors: enough that the store searches them on the HNSW index. */
const WIDE = 12_000;

describeEachDatabase(
  'user-scoped search of a database adopted before its user-id backfill',
  (ctx) => {
    let db: MemoryDb;
    let store: ConversationStore;
    let query: SearchQuery;
    const citus = ctx.label === '[citus]';
    const setupOf = async (q: SearchQuery) => {
      const setup = searchSetupSql(q, { efSearch: 200, iterativeScan: true, countUpTo: 3001 });
      const [row] = await db.query<SearchSetupRow>(setup.text, setup.values);
      return { statement: setup, row: row! };
    };

    beforeAll(async () => {
      db = await ctx.createDb({ embeddingDimensions: DIMS });
      store = createConversationStore(db);
      // As an adopted database holds them: sessions with users, messages written without
      // user_id (the original library's columns only), 96 % of them the 'wide' user's.
      const sessions: string[] = [];
      for (let s = 0; s < 25; s++)
        sessions.push((await store.createSession({ userId: s % 25 === 0 ? 'narrow' : 'wide' })).id);
      await db.query(
        `INSERT INTO messages (id, session_id, role, content, embedding, created_at, shard_key)
         SELECT gen_random_uuid(), s.id, 'user', 'm' || g, ARRAY(SELECT sin(g * ${DIMS} + i + s.ord * 7919) FROM generate_series(1, ${DIMS}) i)::real[]::vector,
                now() + g * interval '1 microsecond', ('x' || right(s.id::text, 4))::bit(16)::int
         FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, ord), generate_series(1, ${WIDE / 24}) g`,
        [sessions],
      );
      await db.query('ANALYZE');
      query = {
        vector: `[${vector(3).join(',')}]`,
        sessionId: null,
        userId: 'wide',
        roles: null,
        since: null,
        until: null,
        topK: 10,
        route: userRoute('wide', citus),
      };
    }, 300_000);

    it('binds the user’s sessions for the HNSW search while rows are unfilled, so the plan stays on the HNSW index', async () => {
      const { row } = await setupOf(query);
      expect(Number(row.filled)).toBe(0);
      expect(Number(row.unfilled)).toBe(3001);
      expect(row.sessions).toHaveLength(24);
      const plan = await explain(db, searchSql({ ...query, unfilled: row.sessions! }));
      if (citus) expect(plan).toMatch(/Task Count: 1\b/);
      else {
        // Not a bitmap scan and a sort of all 12k rows (what ARRAY(subquery), taken for ten
        // sessions, made of it): the HNSW index with the user filter on each row it yields.
        expect(plan).toMatch(/Index Scan using ix_messages_embedding_hnsw/);
        expect(plan).not.toMatch(/Bitmap Heap Scan|Seq Scan on messages/);
      }
      // The small user's rows are few: an exact search, its fallback arm on the unfilled index.
      const narrow = await setupOf({ ...query, userId: 'narrow', route: userRoute('narrow', citus) });
      expect({
        filled: Number(narrow.row.filled),
        unfilled: Number(narrow.row.unfilled),
        sessions: narrow.row.sessions,
      }).toEqual({
        filled: 0,
        unfilled: WIDE / 24,
        sessions: null,
      });
    });

    it('answers the same unfilled, half-filled and filled, and leaves the fallback out once the user is filled', async () => {
      const search = () => store.searchMessages({ userId: 'wide', vector: vector(3), topK: 10 });
      const unfilled = await search();
      expect(unfilled).toHaveLength(10);
      // Half-filled: the backfill stopped after its first batch.
      const half = await backfillMessageUserIds(db, { batchSize: WIDE / 2, maxBatches: 1 });
      expect(half.done).toBe(false);
      await db.query('ANALYZE messages');
      const { row: halfRow } = await setupOf(query);
      expect(Number(halfRow.filled)).toBeGreaterThan(0);
      expect(Number(halfRow.unfilled)).toBeGreaterThan(0);
      expect((await search()).map((hit) => hit.message.id)).toEqual(unfilled.map((hit) => hit.message.id));

      expect((await backfillMessageUserIds(db, { after: half.cursor })).done).toBe(true);
      await db.query('ANALYZE messages');
      const { statement, row } = await setupOf(query);
      expect({ filled: Number(row.filled), unfilled: Number(row.unfilled), sessions: row.sessions }).toEqual({
        filled: 3001,
        unfilled: 0,
        sessions: null,
      });
      expect((await search()).map((hit) => hit.message.id)).toEqual(unfilled.map((hit) => hit.message.id));
      const setupPlan = await explain(db, statement);
      const hnswPlan = await explain(db, searchSql({ ...query, unfilled: 'none' }));
      if (citus) {
        expect(setupPlan).toMatch(/Task Count: 1\b/);
        expect(hnswPlan).toMatch(/Task Count: 1\b/);
      } else {
        // The probe of unfilled rows is an index lookup of the NULL rows (the partial index, or
        // the NULL entries of (user_id, created_at), none left now), not the old fallback arm
        // that read every index entry of the user's sessions; the search has no fallback arm left.
        expect(setupPlan).toMatch(/ix_messages_user_id_unfilled|Index Cond: \(user_id IS NULL\)/);
        expect(setupPlan).not.toMatch(/ix_messages_session_id/);
        expect(hnswPlan).toMatch(/Index Scan using ix_messages_embedding_hnsw/);
        expect(hnswPlan).not.toMatch(/IS NULL|sessions/);
      }
    }, 120_000);
  },
  { pgliteSnapshots: [DIMS] },
);
