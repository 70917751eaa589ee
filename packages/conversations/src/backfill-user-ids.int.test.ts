import { expect, it } from 'vitest';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError } from '@memory/errors';
import { backfillMessageUserIds, createConversationStore, type BackfillProgress } from './index.js';

const ORIGINAL = `SELECT id::text, session_id::text, role, content, model, embedding::text, created_at::text FROM messages ORDER BY id`;

describeEachDatabase(
  'backfillMessageUserIds',
  (ctx) => {
    it('fills user ids in resumable batches, only where the session has a user, leaving the original columns as they were', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db);
      const owned = await store.createSession({ userId: 'u1' });
      const other = await store.createSession({ userId: 'u2' });
      const anonymous = await store.createSession({});
      for (const [session, n] of [
        [owned.id, 12],
        [other.id, 5],
        [anonymous.id, 4],
      ] as const) {
        await store.appendMessages(
          session,
          Array.from({ length: n }, (_, i) => ({ role: 'user' as const, content: `m${i}`, embedding: [1, i, 0] })),
        );
      }
      // New appends carry the session's user; make every row look written before the column existed.
      expect(await db.query(`SELECT user_id, count(*)::int AS n FROM messages GROUP BY 1 ORDER BY 1`)).toEqual([
        { user_id: 'u1', n: 12 },
        { user_id: 'u2', n: 5 },
        { user_id: null, n: 4 },
      ]);
      await db.query('UPDATE messages SET user_id = NULL');
      const before = await db.query(ORIGINAL);

      const seen: BackfillProgress[] = [];
      const first = await backfillMessageUserIds(db, { batchSize: 5, maxBatches: 2, onBatch: (p) => seen.push(p) });
      expect(first).toMatchObject({ scanned: 10, done: false });
      expect(seen.map((p) => p.scanned)).toEqual([5, 10]);
      expect(first.cursor).toBe(seen[1]!.cursor);
      const partly = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE user_id IS NOT NULL`);
      expect(partly[0]!.n).toBe(first.updated);

      const rest = await backfillMessageUserIds(db, { batchSize: 5, after: first.cursor });
      expect(rest).toMatchObject({ scanned: 11, done: true });
      expect(first.updated + rest.updated).toBe(17);
      expect(await db.query(`SELECT user_id, count(*)::int AS n FROM messages GROUP BY 1 ORDER BY 1`)).toEqual([
        { user_id: 'u1', n: 12 },
        { user_id: 'u2', n: 5 },
        { user_id: null, n: 4 },
      ]);
      expect(await db.query(ORIGINAL)).toEqual(before);

      // Again from the start: nothing left to write.
      expect(await backfillMessageUserIds(db)).toMatchObject({ scanned: 21, updated: 0, done: true });
      expect(await store.searchMessages({ userId: 'u1', vector: [1, 1, 0], topK: 20 })).toHaveLength(12);
    });

    it('refuses a bad batch size or cursor', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      await expect(backfillMessageUserIds(db, { batchSize: 0 })).rejects.toThrow(InvalidInputError);
      await expect(backfillMessageUserIds(db, { after: 'not-a-uuid' })).rejects.toThrow(InvalidInputError);
    });
  },
  { pgliteSnapshots: [3] },
);
