import { shardKeyOfSession, type MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { NotFoundError, StorageError } from '@memory/errors';
import { InMemoryLongTermStorage, type LongTermStorage, type PutObjectOptions } from '@memory/longterm-core';
import { createConversationStore, isSessionArchivedError } from '@memory/conversations';
import { SessionStatus } from '@memory/models';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import {
  auditRows,
  countRows,
  daysBefore,
  inventory,
  resetTables,
  seedSession,
  snapshot,
  statusOf,
} from '../test/fixtures.js';
import { createArchiver } from './create-archiver.js';
import { archiveObjectKeys } from './object-layout.js';
import type { ArchiveProgress } from './progress.js';
import { readSessionExport } from './session-export.js';
import { sqlOf, sqlOutside } from './sql.js';

describeEachDatabase('archiver', (ctx) => {
  let db: MemoryDb;
  /** A second connection pool to the same database on PostgreSQL (a second "process"); PGlite has one connection. */
  let db2: MemoryDb;
  let storage: InMemoryLongTermStorage;
  const now = new Date();

  beforeAll(async () => {
    if (ctx.kind === 'postgres') {
      db = await ctx.createDb({ url: ctx.url, embeddingDimensions: 3 });
      db2 = await ctx.createDb({ url: ctx.url, embeddingDimensions: 3 });
    } else {
      db = await ctx.createDb({ embeddingDimensions: 3 });
      db2 = db;
    }
  });

  beforeEach(async () => {
    await resetTables(db);
    storage = new InMemoryLongTermStorage();
  });

  it('moves back-dated sessions through every tier in one run, and the plan predicts it', async () => {
    const fresh = await seedSession(db, { updatedAt: daysBefore(now, 1), messages: 4 });
    const idle30 = await seedSession(db, { updatedAt: daysBefore(now, 30), messages: 5, summaries: 1 });
    // The original's windows lost this one: active at 200 days is in no window.
    const idle200 = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 7, summaries: 2 });
    const idle2000 = await seedSession(db, { updatedAt: daysBefore(now, 2000), messages: 3, summaries: 1 });
    const before30 = await snapshot(db, idle30);
    const before200 = await snapshot(db, idle200);
    const archiver = createArchiver({ db, storage });

    const plan = await archiver.planArchive({ now });
    expect(plan.cold).toEqual({ sessions: 2, messages: 12 });
    expect(plan.deep).toEqual({ sessions: 1, messages: 7 });
    expect(plan.deleted).toEqual({ sessions: 1, messages: 3 });

    const result = await archiver.runArchive({ now });
    expect({ cold: result.cold, deep: result.deep, deleted: result.deleted }).toEqual({
      cold: plan.cold,
      deep: plan.deep,
      deleted: plan.deleted,
    });
    expect(result.aborted).toBe(false);

    expect(await statusOf(db, fresh)).toBe(SessionStatus.ACTIVE);
    expect(await countRows(db, 'messages', fresh)).toBe(4);

    expect(await statusOf(db, idle30)).toBe(SessionStatus.COLD_ARCHIVED);
    expect(await countRows(db, 'messages', idle30)).toBe(0);
    const archived = await sqlOutside(db).query<Record<string, unknown>>(
      `SELECT id::text, session_id::text, role, content, model, embedding::text AS embedding,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at, archived_at
         FROM messages_archive WHERE session_id = $1 ORDER BY id`,
      [idle30],
    );
    expect(archived.map(({ archived_at: _archivedAt, ...rest }) => rest)).toEqual(before30.messages);
    expect(archived.every((r) => r.archived_at !== null)).toBe(true);
    expect(archived.some((r) => r.model !== null && r.embedding !== null)).toBe(true);
    expect(await countRows(db, 'session_summaries', idle30)).toBe(1);

    expect(await statusOf(db, idle200)).toBe(SessionStatus.DEEP_ARCHIVED);
    for (const table of ['messages', 'messages_archive', 'session_summaries'] as const)
      expect(await countRows(db, table, idle200)).toBe(0);
    const exported = await readSessionExport(storage, idle200);
    expect(exported.manifest.files.messages.count).toBe(7);
    expect(exported.manifest.files.summaries.count).toBe(2);
    expect(exported.manifest.userId).toBe('u1');
    expect(exported.messages.map((m) => m.id).sort()).toEqual(before200.messages.map((m) => m.id));
    expect(await auditRows(db, 'archive_session')).toMatchObject([
      { resource_id: idle200, resource_type: 'session', actor: 'memory/archive' },
    ]);

    expect(await statusOf(db, idle2000)).toBe(SessionStatus.DELETED);
    for (const table of ['messages', 'messages_archive', 'session_summaries'] as const)
      expect(await countRows(db, table, idle2000)).toBe(0);
    expect(await auditRows(db, 'delete_session')).toMatchObject([
      { resource_id: idle2000, details: { reason: 'retention', messages: 3 } },
    ]);

    // Nothing is due any more.
    expect(await archiver.planArchive({ now })).toMatchObject({
      cold: { sessions: 0 },
      deep: { sessions: 0 },
      deleted: { sessions: 0 },
    });
    const again = await archiver.runArchive({ now });
    expect([again.cold.sessions, again.deep.sessions, again.deleted.sessions]).toEqual([0, 0, 0]);
  });

  it('restores cold and deep sessions identical to what was archived, then removes the export', async () => {
    const cold = await seedSession(db, { updatedAt: daysBefore(now, 20), messages: 9, summaries: 2 });
    const deep = await seedSession(db, { updatedAt: daysBefore(now, 300), messages: 11, summaries: 3 });
    const beforeCold = await snapshot(db, cold);
    const beforeDeep = await snapshot(db, deep);
    const archiver = createArchiver({ db, storage, actor: 'ops' });
    await archiver.runArchive({ now });
    expect(await statusOf(db, deep)).toBe(SessionStatus.DEEP_ARCHIVED);
    expect((await storage.listPrefix(archiveObjectKeys(deep).prefix)).length).toBe(3);

    const restoredDeep = await archiver.restoreSession(deep, { now });
    expect(restoredDeep).toMatchObject({ from: 'deep', messages: 11, summaries: 3, objectsRemoved: 3 });
    expect(await snapshot(db, deep)).toEqual(beforeDeep);
    expect(await storage.listPrefix(archiveObjectKeys(deep).prefix)).toEqual([]);
    expect(await statusOf(db, deep)).toBe(SessionStatus.ACTIVE);

    const restoredCold = await archiver.restoreSession(cold.toUpperCase());
    expect(restoredCold).toMatchObject({ from: 'cold', messages: 9 });
    expect(await snapshot(db, cold)).toEqual(beforeCold);
    expect(await countRows(db, 'messages_archive', cold)).toBe(0);

    const audits = await auditRows(db, 'restore_session');
    expect(audits.map((a) => [a.resource_id, a.actor, a.details.from])).toEqual([
      [deep, 'ops', 'deep'],
      [cold, 'ops', 'cold'],
    ]);

    // Restoring moved last activity to the restore time, so the next run leaves them alone.
    const plan = await archiver.planArchive({ now });
    expect(plan.cold.sessions + plan.deep.sessions).toBe(0);
    expect(await archiver.restoreSession(cold)).toMatchObject({ from: 'hot', messages: 0 });
  });

  it('refuses to restore what cannot be restored, changing nothing', async () => {
    const archiver = createArchiver({ db, storage });
    const deep = await seedSession(db, { updatedAt: daysBefore(now, 400), messages: 3 });
    const gone = await seedSession(db, { updatedAt: daysBefore(now, 4000), messages: 3 });
    await archiver.runArchive({ now });

    await expect(archiver.restoreSession('00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundError);
    await expect(archiver.restoreSession('not-a-uuid')).rejects.toThrow(/must be a UUID/);
    await expect(archiver.restoreSession(gone)).rejects.toThrow(/deleted by retention/);

    const keys = archiveObjectKeys(deep);
    const gz = (await storage.getObject(keys.messages))!;
    gz[gz.length - 3]! ^= 0x55;
    await storage.putObject(keys.messages, gz);
    await expect(archiver.restoreSession(deep)).rejects.toThrow(StorageError);
    expect(await statusOf(db, deep)).toBe(SessionStatus.DEEP_ARCHIVED);
    expect(await countRows(db, 'messages', deep)).toBe(0);

    // An archiver pointed at the wrong storage must not flip the session to an empty active one.
    await expect(createArchiver({ db, storage: new InMemoryLongTermStorage() }).restoreSession(deep)).rejects.toThrow(
      /has no export/,
    );
    expect(await statusOf(db, deep)).toBe(SessionStatus.DEEP_ARCHIVED);
  });

  it('adopts sessions the original deep-archived (rows still in messages_archive, no export)', async () => {
    const archiver = createArchiver({ db, storage });
    const legacy = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 4 });
    await sqlOutside(db).query(
      `WITH moved AS (DELETE FROM messages WHERE session_id = $1 AND shard_key = $2 RETURNING id, session_id, role, content, created_at, shard_key)
       INSERT INTO messages_archive (id, session_id, role, content, created_at, shard_key) SELECT * FROM moved`,
      [legacy, shardKeyOfSession(legacy)],
    );
    await sqlOutside(db).query('UPDATE sessions SET status = 3 WHERE id = $1 AND shard_key = $2', [
      legacy,
      shardKeyOfSession(legacy),
    ]);
    expect(await archiver.restoreSession(legacy)).toMatchObject({ from: 'deep', messages: 4 });
    expect(await countRows(db, 'messages', legacy)).toBe(4);

    const legacyOld = await seedSession(db, {
      updatedAt: daysBefore(now, 1500),
      messages: 2,
      status: SessionStatus.DEEP_ARCHIVED,
    });
    expect((await archiver.planArchive({ now })).deleted).toEqual({ sessions: 1, messages: 2 });
    expect((await archiver.runArchive({ now })).deleted).toEqual({ sessions: 1, messages: 2 });
    expect(await countRows(db, 'messages', legacyOld)).toBe(0);
  });

  it('deletes deep sessions past retention: objects, rows, status 4 and one audit row each', async () => {
    const archiver = createArchiver({ db, storage });
    const ids = [
      await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 6, summaries: 1 }),
      await seedSession(db, { updatedAt: daysBefore(now, 250), messages: 2 }),
    ];
    await archiver.runArchive({ now });
    expect(storage.size).toBe(6);

    const later = new Date(now.getTime() + 1000 * 86_400_000);
    const plan = await archiver.planArchive({ now: later });
    expect(plan.deleted).toEqual({ sessions: 2, messages: 8 });
    const result = await archiver.runArchive({ now: later });
    expect(result.deleted).toEqual(plan.deleted);
    expect(storage.size).toBe(0);
    for (const id of ids) {
      expect(await statusOf(db, id)).toBe(SessionStatus.DELETED);
      expect(await countRows(db, 'session_summaries', id)).toBe(0);
    }
    const audits = await auditRows(db, 'delete_session');
    expect(audits.map((a) => a.resource_id).sort()).toEqual([...ids].sort());
    expect(audits.map((a) => a.details.objects)).toEqual([3, 3]);
  });

  it('two concurrent runners (one with three export workers) never process one session twice', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(await seedSession(db, { updatedAt: daysBefore(now, i % 2 ? 20 : 220), messages: 8, summaries: i % 3 }));
    const before = await inventory(db, storage);
    const a = createArchiver({ db, storage });
    const b = createArchiver({ db: db2, storage });
    const plan = await a.planArchive({ now });
    const [ra, rb] = await Promise.all([
      a.runArchive({ now, batchSize: 2 }),
      b.runArchive({ now, batchSize: 2, concurrency: 3 }),
    ]);
    // Both took part (otherwise this would test nothing), and together did exactly the plan.
    expect(ra.cold.sessions + ra.deep.sessions).toBeGreaterThan(0);
    expect(rb.cold.sessions + rb.deep.sessions).toBeGreaterThan(0);
    expect(ra.cold.sessions + rb.cold.sessions).toBe(plan.cold.sessions);
    expect(ra.cold.messages + rb.cold.messages).toBe(plan.cold.messages);
    expect(ra.deep.sessions + rb.deep.sessions).toBe(plan.deep.sessions);
    expect(ra.deep.messages + rb.deep.messages).toBe(plan.deep.messages);
    const exports = await auditRows(db, 'archive_session');
    expect(exports).toHaveLength(15);
    expect(new Set(exports.map((e) => e.resource_id)).size).toBe(15);
    const after = await inventory(db, storage);
    expect(after.duplicates).toEqual([]);
    expect(after.checksum).toBe(before.checksum);
  });

  it('never loses a message appended while the archive runs (the conversation store, with and without restore)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await seedSession(db, { updatedAt: daysBefore(now, 30), messages: 5 }));
    const archiver = createArchiver({ db, storage });
    const store = createConversationStore(db2, { restore: async (id) => void (await archiver.restoreSession(id)) });
    const accepted = new Map<string, number>();
    const restoredBy = new Set<string>();
    let refused = 0;
    const append = async (sessionId: string, restore: boolean) => {
      try {
        const r = await store.appendMessages(sessionId, [{ role: 'user', content: `late to ${sessionId}` }], {
          restore,
        });
        accepted.set(sessionId, (accepted.get(sessionId) ?? 0) + r.insertedIds.length);
        if (r.restored) restoredBy.add(sessionId);
      } catch (error) {
        if (!isSessionArchivedError(error)) throw error;
        refused++;
      }
    };
    const appends = (async () => {
      for (let round = 0; round < 3; round++) {
        for (const [i, id] of ids.entries()) if (i % 3 === round) await append(id, i % 2 === 1);
      }
    })();
    await Promise.all([appends, archiver.runArchive({ now, batchSize: 1 })]);

    for (const [i, id] of ids.entries()) {
      const status = await statusOf(db, id);
      if (accepted.has(id)) {
        // Appended before the move (skipped by the runner, then too recent), or restored first.
        expect(status).toBe(SessionStatus.ACTIVE);
        expect(await countRows(db, 'messages', id)).toBe(5 + accepted.get(id)!);
        expect(await countRows(db, 'messages_archive', id)).toBe(0);
      } else {
        expect(i % 2).toBe(0);
        expect(status).toBe(SessionStatus.COLD_ARCHIVED);
        expect(await countRows(db, 'messages_archive', id)).toBe(5);
      }
    }
    const appended = [...accepted.values()].reduce((n, k) => n + k, 0);
    expect(appended + refused).toBe(12);
    const inv = await inventory(db, storage);
    expect(inv.count).toBe(12 * 5 + appended);
    expect(inv.duplicates).toEqual([]);
  });

  it.runIf(ctx.kind === 'postgres')('skips a session an appender holds locked, and the append stays hot', async () => {
    const id = await seedSession(db, { updatedAt: daysBefore(now, 30), messages: 5 });
    const archiver = createArchiver({ db, storage });
    let locked!: () => void;
    let release!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const held = new Promise<void>((r) => (release = r));
    const appender = db2.scope(async (em) => {
      const sql = sqlOf(db2, em);
      // Every statement carries the session's shard key (seeded on every engine): one shard on Citus.
      const key = shardKeyOfSession(id);
      await sql.query('SELECT status FROM sessions WHERE id = $1 AND shard_key = $2 FOR NO KEY UPDATE', [id, key]);
      await sql.query(
        `INSERT INTO messages (id, session_id, role, content, created_at, shard_key) VALUES (gen_random_uuid(), $1, 'user', 'racing', now(), $2)`,
        [id, key],
      );
      locked();
      await held;
      await sql.query('UPDATE sessions SET updated_at = now() WHERE id = $1 AND shard_key = $2', [id, key]);
    });
    await isLocked;
    const result = await archiver.runArchive({ now });
    expect(result.cold.sessions).toBe(0);
    release();
    await appender;
    expect(await archiver.runArchive({ now })).toMatchObject({ cold: { sessions: 0 } });
    expect(await statusOf(db, id)).toBe(SessionStatus.ACTIVE);
    expect(await countRows(db, 'messages', id)).toBe(6);
  });

  it('makes an append wait for a session being exported, then refuses it or restores first', async () => {
    const refusedId = await seedSession(db, { updatedAt: daysBefore(now, 200), messages: 4 });
    const restoredId = await seedSession(db, { updatedAt: daysBefore(now, 210), messages: 4 });
    const before = await inventory(db, storage);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inExport = new Promise<void>((r) => (entered = r));
    // A storage whose first write waits: the runner holds the session's row lock meanwhile.
    const slow: LongTermStorage = Object.assign(Object.create(null), {
      capabilities: storage.capabilities,
      getObject: (k: string) => storage.getObject(k),
      putObject: async (k: string, b: Uint8Array, o?: PutObjectOptions) => {
        entered();
        await gate;
        return storage.putObject(k, b, o);
      },
      deleteObject: (k: string) => storage.deleteObject(k),
      listPrefix: (p: string) => storage.listPrefix(p),
      iteratePrefix: (p: string) => storage.iteratePrefix(p),
      headObject: (k: string) => storage.headObject(k),
    });
    const archiver = createArchiver({ db, storage: slow });
    const store = createConversationStore(db2, { restore: async (id) => void (await archiver.restoreSession(id)) });
    const run = archiver.runArchive({ now });
    await inExport;
    // Both appends start while the runner holds restoredId's lock (the oldest, so exported first).
    // No other statement here: on PGlite it would queue behind the runner's transaction.
    const refused = store.appendMessages(restoredId, [{ role: 'user', content: 'plain' }]).then(
      () => 'accepted',
      (e: unknown) => (isSessionArchivedError(e) ? 'refused' : Promise.reject(e)),
    );
    const restored = store.appendMessages(restoredId, [{ role: 'user', content: 'with restore' }], { restore: true });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await run;
    expect(await refused).toBe('refused');
    expect((await restored).restored).toBe(true);
    expect(await statusOf(db, restoredId)).toBe(SessionStatus.ACTIVE);
    expect(await countRows(db, 'messages', restoredId)).toBe(5);
    expect(await statusOf(db, refusedId)).toBe(SessionStatus.DEEP_ARCHIVED);
    const after = await inventory(db, storage);
    expect(after.count).toBe(before.count + 1);
    expect(after.duplicates).toEqual([]);
  });

  it('stops after the current batch when aborted, and a rerun finishes the work', async () => {
    for (let i = 0; i < 10; i++) await seedSession(db, { updatedAt: daysBefore(now, i < 6 ? 10 : 190), messages: 3 });
    const before = await inventory(db, storage);
    const archiver = createArchiver({ db, storage });
    const plan = await archiver.planArchive({ now });
    const ac = new AbortController();
    const seen: ArchiveProgress[] = [];
    const first = await archiver.runArchive({
      now,
      batchSize: 2,
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.done === 4) ac.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.cold).toEqual({ sessions: 4, messages: 12 });
    expect(first.deep.sessions).toBe(0);
    expect(seen[0]).toMatchObject({ phase: 'cold', done: 0, total: 10, messagesTotal: 30 });
    expect(seen.at(-1)).toMatchObject({ phase: 'cold', done: 4, total: 10, messagesDone: 12 });
    expect(seen.at(-1)!.etaMs).toBeGreaterThanOrEqual(0);

    // An abort from a timer (a signal handler, a deadline) gets its turn between batches too,
    // even on PGlite, which answers without real I/O.
    const timed = new AbortController();
    const third = archiver.runArchive({
      now,
      batchSize: 1,
      signal: timed.signal,
      onProgress: () => void setTimeout(() => timed.abort(), 0),
    });
    const stopped = await third;
    expect(stopped.aborted).toBe(true);
    expect(stopped.cold.sessions).toBeLessThan(plan.cold.sessions - first.cold.sessions);

    const second = await archiver.runArchive({ now, batchSize: 2 });
    expect(second.aborted).toBe(false);
    expect(first.cold.sessions + stopped.cold.sessions + second.cold.sessions).toBe(plan.cold.sessions);
    expect(second.deep).toEqual(plan.deep);
    const after = await inventory(db, storage);
    expect(after.checksum).toBe(before.checksum);
    expect(after.duplicates).toEqual([]);
  });
});
