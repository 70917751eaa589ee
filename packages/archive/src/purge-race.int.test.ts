import { setTimeout as sleep } from 'node:timers/promises';
import { archivePrefix, createMemoryDb, type MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { createConversationStore } from '@memory/conversations';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { countRows, daysBefore, resetTables, seedSession } from '../test/fixtures.js';
import { createArchiver } from './create-archiver.js';
import { sqlOutside } from './sql.js';

/**
 * A storage whose first call of one kind (`put`, or a listing) waits at a gate: `entered`
 * resolves when a call reaches it, `release()` lets it through. Listings are made before they
 * wait, so what they return is what was there when the caller asked.
 */
function gatedStorage(storage: LongTermStorage, gate: 'put' | 'list') {
  let release!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (entered = r));
  let used = false;
  const wait = async () => {
    if (used) return;
    used = true;
    entered();
    await opened;
  };
  const wrapped: LongTermStorage = {
    capabilities: storage.capabilities,
    getObject: (k) => storage.getObject(k),
    headObject: (k) => storage.headObject(k),
    deleteObject: (k) => storage.deleteObject(k),
    putObject: async (k, b, o) => {
      if (gate === 'put') await wait();
      return storage.putObject(k, b, o);
    },
    listPrefix: async (p) => {
      const keys = await storage.listPrefix(p);
      if (gate === 'list') await wait();
      return keys;
    },
    async *iteratePrefix(p) {
      const keys = await storage.listPrefix(p);
      if (gate === 'list') await wait();
      yield* keys;
    },
  };
  return { storage: wrapped, entered: reached, release };
}

/** Waits until a backend of this database waits for a row lock (the purge meeting the archiver's). */
async function untilSomeoneWaitsForALock(db: MemoryDb): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const [row] = await sqlOutside(db).query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (Number(row?.n) > 0) return;
    await sleep(5);
  }
  throw new Error('no backend ever waited for a lock: the purge did not meet the archiver');
}

async function sessionsOf(db: MemoryDb, userId: string): Promise<number> {
  const [row] = await sqlOutside(db).query<{ n: number }>(
    'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1',
    [userId],
  );
  return Number(row?.n);
}

// Deterministic interleavings need a second connection (the purge waits on a row lock while the
// archiver is parked mid-export): PostgreSQL only. On PGlite (one connection) a transaction runs
// alone, and the purge's (objects and rows together) cannot interleave with an export at all.
describeEachDatabase(
  'user purge racing the archiver',
  (ctx) => {
    let db: MemoryDb;
    /** A second pool on the same database: the archiver's "process". */
    let db2: MemoryDb;
    let storage: InMemoryLongTermStorage;
    const now = new Date();

    beforeAll(async () => {
      db = await ctx.createDb({ url: ctx.url, embeddingDimensions: 3 });
      db2 = await ctx.createDb({ url: ctx.url, embeddingDimensions: 3 });
    });

    beforeEach(async () => {
      await resetTables(db);
      storage = new InMemoryLongTermStorage();
    });

    it('waits for an export in progress and deletes the objects it wrote', async () => {
      // The purged user's session is the oldest, so the archiver exports it first.
      const purged = await seedSession(db, {
        updatedAt: daysBefore(now, 210),
        messages: 4,
        summaries: 1,
        userId: 'leaving',
      });
      const kept = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 3, userId: 'staying' });
      const gated = gatedStorage(storage, 'put');
      const run = createArchiver({ db: db2, storage: gated.storage }).runArchive({ now });
      await gated.entered; // the archiver holds the session's row lock, about to write its export

      const purge = createConversationStore(db).purgeUser('leaving', { longTermStorage: storage });
      await untilSomeoneWaitsForALock(db);
      gated.release();
      const [result, counts] = await Promise.all([run, purge]);

      expect(result.deep.sessions).toBe(2);
      expect(counts).toMatchObject({ sessions: 1, archiveObjects: 3 });
      expect(await storage.listPrefix(archivePrefix(purged))).toEqual([]);
      expect(await sessionsOf(db, 'leaving')).toBe(0);
      expect(await storage.listPrefix(archivePrefix(kept))).toHaveLength(3);
    });

    it('keeps an archiver off the sessions it is deleting', async () => {
      const purged = await seedSession(db, {
        updatedAt: daysBefore(now, 200),
        messages: 4,
        summaries: 1,
        userId: 'leaving',
      });
      const kept = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 3, userId: 'staying' });
      const gated = gatedStorage(storage, 'list');
      const purge = createConversationStore(db).purgeUser('leaving', { longTermStorage: gated.storage });
      await gated.entered; // the purge has listed the session's (empty) archive folder

      // A whole run while the purge is parked: it must leave the purged user's session alone.
      const result = await createArchiver({ db: db2, storage }).runArchive({ now });
      expect(result.deep.sessions).toBe(1);
      gated.release();
      const counts = await purge;

      expect(counts).toMatchObject({ sessions: 1, messages: 4, summaries: 1 });
      expect(await storage.listPrefix(archivePrefix(purged))).toEqual([]);
      expect(await storage.listPrefix('')).toEqual(await storage.listPrefix(archivePrefix(kept)));
      expect(await sessionsOf(db, 'leaving')).toBe(0);
      expect(await countRows(db, 'messages_archive', purged)).toBe(0);
    });

    it('removes an export whose archiver lost its connection while the purge went ahead', async () => {
      const purged = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 4, userId: 'leaving' });
      const gated = gatedStorage(storage, 'put');
      // A pool of its own, whose connection the server cuts below.
      const doomed = createMemoryDb({ url: ctx.url, embeddingDimensions: 3 });
      const run = createArchiver({ db: doomed, storage: gated.storage }).runArchive({ now });
      const failed = run.then(
        () => null,
        (error: unknown) => error,
      );
      await gated.entered;
      // The server ends the archiver's connection (a network cut, an admin): its lock is gone.
      const [victim] = await sqlOutside(db).query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
      );
      expect(victim).toBeDefined();
      await sqlOutside(db).query('SELECT pg_terminate_backend($1)', [victim!.pid]);
      const counts = await createConversationStore(db).purgeUser('leaving', { longTermStorage: storage });
      expect(counts.sessions).toBe(1);
      gated.release(); // the archiver's process goes on writing its export
      expect(await failed).toBeInstanceOf(Error);
      expect(await storage.listPrefix(archivePrefix(purged))).toEqual([]);
      // The broken connection does not hold the pool open.
      await doomed.close();
    });
  },
  { engines: ['postgres'] },
);
