import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, distributeMemorySchema, shardKeyOfSession, shardKeyOfUser, type MemoryDb } from '@memory/db';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { createConversationStore } from './index.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const d = citusUrl ? describe : describe.skip;

/**
 * A session made with an id of its own and a user id sits on its own shard key: the routed user
 * search (the user's key, one shard) does not see it; `allShards` searches every shard and does.
 */
d(
  `user search across shards on Citus (allShards) [citus]${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`,
  () => {
    let scratch: ScratchDatabase;
    let db: MemoryDb;

    beforeAll(async () => {
      scratch = await createCitusScratchDatabase(citusUrl!);
      db = createMemoryDb({ url: scratch.url, embeddingDimensions: 3 });
      await db.initDb();
      await distributeMemorySchema(db, { shardCount: 4 });
    }, 300_000);
    afterAll(async () => {
      await db?.close();
      await scratch?.drop();
    }, 120_000);

    it('finds the messages of sessions on other keys, with their windows, only with allShards', async () => {
      const store = createConversationStore(db, { exactSearchThreshold: 0 });
      const routed = await store.createSession({ userId: 'u' });
      let ownId = randomUUID();
      while (shardKeyOfSession(ownId) === shardKeyOfUser('u')) ownId = randomUUID();
      const own = await store.createSession({ id: ownId, userId: 'u' });
      await store.appendMessages(routed.id, [{ role: 'user', content: 'routed', embedding: [1, 0, 0] }]);
      await store.appendMessages(own.id, [
        { role: 'user', content: 'before', embedding: [0, 0, 1] },
        { role: 'user', content: 'own', embedding: [1, 0.1, 0] },
        { role: 'user', content: 'after', embedding: [0, 0, 1] },
      ]);

      const keyed = await store.searchMessages({ userId: 'u', vector: [1, 0, 0], topK: 10 });
      expect(keyed.map((h) => h.message.content)).toEqual(['routed']);

      const all = await store.searchMessages({ userId: 'u', vector: [1, 0, 0], topK: 2, around: 1, allShards: true });
      expect(all.map((h) => h.message.content)).toEqual(['routed', 'own']);
      expect(all[1]!.before!.map((m) => m.content)).toEqual(['before']);
      expect(all[1]!.after!.map((m) => m.content)).toEqual(['after']);
      // Another user's messages stay out.
      const other = await store.createSession({ userId: 'v' });
      await store.appendMessages(other.id, [{ role: 'user', content: 'other', embedding: [1, 0, 0] }]);
      const again = await store.searchMessages({ userId: 'u', vector: [1, 0, 0], topK: 10, allShards: true });
      expect(again.map((h) => h.message.content).sort()).toEqual(['after', 'before', 'own', 'routed']);
      await expect(
        store.searchMessages({ userId: 'u', vector: [1, 0, 0], allShards: 'yes' as unknown as boolean }),
      ).rejects.toThrow(/allShards must be true or false/);
    }, 120_000);
  },
);
