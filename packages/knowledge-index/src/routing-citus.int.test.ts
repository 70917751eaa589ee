import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, distributeMemorySchema, type MemoryDb } from '@memory/db';
import {
  CITUS_TEST_URL_ENV,
  citusTaskCount,
  createCitusScratchDatabase,
  recordQueries,
  type RecordedQuery,
  type ScratchDatabase,
} from '@memory/db/testing';
import { createHashingEmbedder, createKnowledgeIndex, ensureKnowledgeIndex } from './index.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const d = citusUrl ? describe : describe.skip;

type Sent = RecordedQuery;

/**
 * Profile sync, search and a user's deletion in the knowledge index, on a distributed
 * `knowledge_index` (by `user_id`): every statement the index sends for one user is EXPLAINed with
 * its own values on the cluster and must be one task with no distributed subplan (one worker).
 */
d(
  `the knowledge index's statements on Citus run on one shard [citus]${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`,
  () => {
    let scratch: ScratchDatabase;
    let db: MemoryDb;

    beforeAll(async () => {
      scratch = await createCitusScratchDatabase(citusUrl!);
      db = createMemoryDb({ url: scratch.url, embeddingDimensions: 3 });
      await db.initDb();
      await ensureKnowledgeIndex(db, { dimensions: 16 });
      await distributeMemorySchema(db, { shardCount: 8 });
    }, 120_000);
    afterAll(async () => {
      await db?.close();
      await scratch?.drop();
    });

    it('sync, search and deleteUser: each statement one task, no subplan', async () => {
      const [distributed] = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_dist_partition where logicalrelid = 'knowledge_index'::regclass`,
      );
      expect(distributed?.n).toBe(1);
      const sent: Sent[] = [];
      const index = createKnowledgeIndex({
        db: recordQueries(db, sent),
        provider: createHashingEmbedder({ dimensions: 16 }),
      });
      const user = 'u-routing';
      await index.sync(user, [
        ['user', 'works at', 'Shopify'],
        ['user', 'has', 'a corgi named Biscuit'],
        ['user', 'lives in', 'Toronto'],
      ]);
      // A second sync with one triple changed and one gone: updates and deletes too.
      await index.sync(user, [
        ['user', 'works at', 'Shopify', { endTime: '2026-01-01T00:00:00.000Z' }],
        ['user', 'lives in', 'Toronto'],
      ]);
      expect((await index.search(user, 'where do I live', 2)).length).toBeGreaterThan(0);
      expect(await index.deleteUser(user)).toBe(2);

      const perUser = sent.filter((s) => /\bknowledge_index\b/.test(s.text) && s.values.includes(user));
      expect(perUser.length).toBeGreaterThanOrEqual(5);
      const wrong: Array<{ text: string; tasks: string | undefined }> = [];
      for (const s of perUser) {
        const tasks = await citusTaskCount(db, s.text, s.values);
        if (tasks !== '1') wrong.push({ text: s.text.replace(/\s+/g, ' ').slice(0, 120), tasks });
      }
      expect(wrong).toEqual([]);
    });
  },
);
