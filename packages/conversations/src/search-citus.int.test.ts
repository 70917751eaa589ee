import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, distributeMemorySchema, shardKeyOfUser, type MemoryDb } from '@memory/db';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { createConversationStore, type QueryEvent } from './index.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const d = citusUrl ? describe : describe.skip;

/** Which search statements ran: the HNSW query, and the exact scan that completes a short index answer. */
const kinds = (events: readonly QueryEvent[]) =>
  events.flatMap((e) =>
    // The first statement (counts, no settings on Citus) is neither.
    e.sql.includes('AS unfilled')
      ? []
      : e.sql.includes('AS MATERIALIZED')
        ? ['hnsw']
        : e.sql.includes('OFFSET 0')
          ? ['exact']
          : [],
  );

/**
 * Recall on Citus depends on the search settings reaching the worker that runs the search: a
 * busy user's 800 messages sit on the quiet user's shard (their sessions carry the quiet user's
 * shard key) and are all nearer the query than the quiet user's 400. The HNSW index on the worker
 * finds the quiet user's 10 nearest only with iterative scans, or with ef_search above 800.
 */
d(
  `search recall on Citus: the settings reach the worker [citus]${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`,
  () => {
    let scratch: ScratchDatabase;
    let db: MemoryDb;
    let expected: string[];
    const quietVectors = new Map<string, number[]>();

    beforeAll(async () => {
      scratch = await createCitusScratchDatabase(citusUrl!);
      db = createMemoryDb({ url: scratch.url, embeddingDimensions: 3 });
      // 1200 rows are few enough for the workers' planner to prefer a sequential scan and sort (exact,
      // whatever the settings); make them take the HNSW index, as they do on a real table.
      await db.query(
        `select run_command_on_workers(format('alter database %I set enable_seqscan = off', current_database()))`,
      );
      await db.initDb();
      await distributeMemorySchema(db, { shardCount: 4 });
      const store = createConversationStore(db);
      const key = shardKeyOfUser('quiet').toString(16).padStart(4, '0');
      for (let s = 0; s < 8; s++) {
        const busy = await store.createSession({ id: `${randomUUID().slice(0, -4)}${key}`, userId: 'busy' });
        await store.appendMessages(
          busy.id,
          Array.from({ length: 100 }, (_, i) => ({
            role: 'user' as const,
            content: `busy ${s}/${i}`,
            embedding: [1, ((s * 100 + i) % 37) / 400, ((s * 100 + i) % 11) / 400],
          })),
        );
      }
      const quiet = await store.createSession({ userId: 'quiet' });
      // Many quiet rows (400), so that the planner does not filter by user first and sort, but none
      // as near the query as the busy user's 800.
      for (let b = 0; b < 4; b++) {
        const messages = Array.from({ length: 100 }, (_, i) => ({
          role: 'user' as const,
          content: `quiet ${b}/${i}`,
          embedding: [0.3 + ((b * 100 + i) % 97) / 1000, 1, ((b * 100 + i) % 13) / 50],
        }));
        const appended = await store.appendMessages(quiet.id, messages);
        appended.messages.forEach((m, i) => quietVectors.set(m.id, messages[i]!.embedding));
      }
      await db.query('analyze');
      // Brute force: the quiet user's 10 nearest to [1, 0, 0] by cosine distance.
      const cos = (v: number[]) => 1 - v[0]! / Math.hypot(...v);
      expected = [...quietVectors.entries()]
        .sort((a, b) => cos(a[1]) - cos(b[1]))
        .slice(0, 10)
        .map(([id]) => id);
    }, 600_000);
    afterAll(async () => {
      await db?.close();
      await scratch?.drop();
    }, 120_000);

    const search = async (options: { iterativeScan: boolean; efSearch: number }) => {
      const events: QueryEvent[] = [];
      const store = createConversationStore(db, {
        ...options,
        exactSearchThreshold: 0,
        onQuery: (e) => events.push(e),
      });
      // The quiet user's 400 rows are also few enough for a worker to read them by the
      // (user_id, created_at) index and sort them (exact, whatever the settings), now that the
      // user filter is `user_id = $user` alone: no sort, so only the HNSW index orders them. In the
      // caller's transaction (the store's statements join it), SET LOCAL propagated to the worker.
      const hits = await db.scope(async () => {
        await db.query(`SET LOCAL citus.propagate_set_commands = 'local'; SET LOCAL enable_sort = off`);
        return store.searchMessages({ vector: [1, 0, 0], userId: 'quiet', topK: 10 });
      });
      return { ids: hits.map((h) => h.message.id), kinds: kinds(events), sql: events.map((e) => e.sql).join('\n') };
    };

    it('finds the 10 nearest from the index alone with iterative scans (SET LOCAL reaches the worker)', async () => {
      const found = await search({ iterativeScan: true, efSearch: 40 });
      expect(found.sql).toContain(`SET LOCAL hnsw.iterative_scan = 'relaxed_order'`);
      expect(found.ids).toEqual(expected);
      expect(found.kinds).toEqual(['hnsw']);
    });

    it('finds them from the index alone with ef_search 1000 and no iterative scans', async () => {
      const found = await search({ iterativeScan: false, efSearch: 1000 });
      expect(found.ids).toEqual(expected);
      expect(found.kinds).toEqual(['hnsw']);
    });

    it('needs the exact scan with the worker default (ef_search 40, no iterative scans): the index alone falls short', async () => {
      const found = await search({ iterativeScan: false, efSearch: 40 });
      expect(found.ids).toEqual(expected);
      expect(found.kinds).toEqual(['hnsw', 'exact']);
    });
  },
);
