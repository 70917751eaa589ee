import { describeEachDatabase } from '@memory/db/testing';
import type { MemoryDb } from '@memory/db';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { SessionStatus } from '@memory/models';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { daysBefore, resetTables, statusOf } from '../test/fixtures.js';
import { createArchiver } from './create-archiver.js';
import { moveSessionOnShard } from './move-on-shard.js';
import { inTransaction, sqlOutside } from './sql.js';

// `messages_archive` has no `user_id`: a restore takes it from the session row, so restored
// messages are "filled" again and user-scoped searches keep to the user's index entries
// (without it they count as unfilled until `backfillMessageUserIds` runs).
describeEachDatabase('restoring a session writes user_id on its messages', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;
  const now = new Date();

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
  });
  beforeEach(() => resetTables(db));

  /** A session of `userId` with three messages, last active `idleDays` ago. */
  async function sessionOf(userId: string | null, idleDays: number): Promise<string> {
    const { id } = await store.createSession(userId === null ? {} : { userId });
    await store.appendMessages(id, [
      { role: 'user', content: 'one', embedding: [1, 0, 0] },
      { role: 'assistant', content: 'two', embedding: [0, 1, 0] },
      { role: 'user', content: 'three' },
    ]);
    await sqlOutside(db).query('UPDATE sessions SET updated_at = $2::timestamptz WHERE id = $1', [
      id,
      daysBefore(now, idleDays).toISOString(),
    ]);
    return id;
  }

  /** Each message's `user_id` after the restore. */
  async function userIds(sessionId: string): Promise<Array<string | null>> {
    const rows = await sqlOutside(db).query<{ user_id: string | null }>(
      'SELECT user_id FROM messages WHERE session_id = $1 ORDER BY created_at',
      [sessionId],
    );
    return rows.map((r) => r.user_id);
  }

  /** What user-scoped search counts as unfilled: the user's messages whose `user_id` is NULL. */
  async function unfilled(userId: string): Promise<number> {
    const [row] = await sqlOutside(db).query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages m JOIN sessions s ON s.id = m.session_id AND s.shard_key = m.shard_key
        WHERE s.user_id = $1 AND m.user_id IS NULL`,
      [userId],
    );
    return Number(row?.n);
  }

  it('a cold session comes back with its user on every message', async () => {
    const cold = await sessionOf('ada', 30);
    const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });
    await archiver.runArchive({ now });
    expect(await statusOf(db, cold)).toBe(SessionStatus.COLD_ARCHIVED);

    expect(await archiver.restoreSession(cold)).toMatchObject({ from: 'cold', messages: 3 });
    expect(await userIds(cold)).toEqual(['ada', 'ada', 'ada']);
    expect(await unfilled('ada')).toBe(0);
    const hits = await store.searchMessages({ userId: 'ada', vector: [1, 0, 0], topK: 5 });
    expect(hits.map((h) => h.message.content)).toEqual(['one', 'two']);
  });

  it('a deep session comes back from its export with its user on every message', async () => {
    const deep = await sessionOf('grace', 200);
    const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });
    await archiver.runArchive({ now });
    expect(await statusOf(db, deep)).toBe(SessionStatus.DEEP_ARCHIVED);

    expect(await archiver.restoreSession(deep)).toMatchObject({ from: 'deep', messages: 3 });
    expect(await userIds(deep)).toEqual(['grace', 'grace', 'grace']);
    expect(await unfilled('grace')).toBe(0);
  });

  it('a deep session of the original library (rows still in messages_archive, no export) comes back with its user', async () => {
    const deep = await sessionOf('linus', 30);
    const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });
    await archiver.runArchive({ now });
    // The original's deep archival only flipped the status, leaving the rows where they were.
    await sqlOutside(db).query('UPDATE sessions SET status = $2 WHERE id = $1', [deep, SessionStatus.DEEP_ARCHIVED]);

    expect(await archiver.restoreSession(deep)).toMatchObject({ from: 'deep', messages: 3 });
    expect(await userIds(deep)).toEqual(['linus', 'linus', 'linus']);
  });

  it('a session without a user comes back with NULL user_id, as an append writes it', async () => {
    const nobody = await sessionOf(null, 30);
    const deep = await sessionOf(null, 200);
    const archiver = createArchiver({ db, storage: new InMemoryLongTermStorage() });
    await archiver.runArchive({ now });
    await archiver.restoreSession(nobody);
    await archiver.restoreSession(deep);
    expect(await userIds(nobody)).toEqual([null, null, null]);
    expect(await userIds(deep)).toEqual([null, null, null]);
  });

  it('the shard-by-shard move back to hot writes the user it is given', async () => {
    const id = await sessionOf('edsger', 30);
    await inTransaction(db, (sql) => moveSessionOnShard(sql, id, 'cold'));
    expect(await inTransaction(db, (sql) => moveSessionOnShard(sql, id, 'hot', 'edsger'))).toBe(3);
    expect(await userIds(id)).toEqual(['edsger', 'edsger', 'edsger']);
  });
});
