import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { SessionStatus } from '@memory/models';
import { createConversationStore, type ConversationStore, type QueryEvent } from './index.js';

interface Line {
  type: string;
  id?: string;
  counts?: Record<string, number>;
}

/** Moves a session's messages to `messages_archive` in one statement, as the archiver does. */
const ARCHIVE_MOVE = `WITH moved AS (DELETE FROM messages WHERE session_id = $1 RETURNING id, session_id, role, content, model, embedding, created_at, shard_key)
  INSERT INTO messages_archive (id, session_id, role, content, model, embedding, created_at, archived_at, shard_key)
  SELECT id, session_id, role, content, model, embedding, created_at, now(), shard_key FROM moved`;

/** Moves them back, as a restore does. */
const RESTORE_MOVE = `WITH moved AS (DELETE FROM messages_archive WHERE session_id = $1 RETURNING id, session_id, role, content, model, embedding, created_at, shard_key)
  INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, shard_key)
  SELECT id, session_id, role, content, model, embedding, created_at, shard_key FROM moved`;

describeEachDatabase('user export snapshot', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
  });

  /** A hot session with `hot` messages and a cold one whose `cold` messages are archived. */
  async function seed(
    userId: string,
    hot: number,
    cold: number,
  ): Promise<{ hotId: string; coldId: string; ids: string[] }> {
    const a = await store.createSession({ userId, title: 'hot' });
    const b = await store.createSession({ userId, title: 'cold' });
    const appended = await store.appendMessages(
      a.id,
      Array.from({ length: hot }, (_, i) => ({ role: 'user' as const, content: `hot ${i}` })),
    );
    const archived = await store.appendMessages(
      b.id,
      Array.from({ length: cold }, (_, i) => ({ role: 'user' as const, content: `cold ${i}` })),
    );
    await db.query(ARCHIVE_MOVE, [b.id]);
    await db.query('UPDATE sessions SET status = $1 WHERE id = $2', [SessionStatus.COLD_ARCHIVED, b.id]);
    return { hotId: a.id, coldId: b.id, ids: [...appended.messages, ...archived.messages].map((m) => m.id) };
  }

  it('has every message exactly once when messages move between tables while it is read', async () => {
    const userId = `snapshot-${ctx.kind}`;
    const { hotId, coldId, ids } = await seed(userId, 7, 5);
    const events: QueryEvent[] = [];
    const traced = createConversationStore(db, { onQuery: (e) => events.push(e) });

    const lines: Line[] = [];
    let moved = false;
    // pageSize 2: the export reads each table in several pages, and the consumer moves every
    // message of both sessions (hot → archive, archive → hot) after the first message line.
    for await (const text of traced.exportUser(userId, { pageSize: 2 })) {
      const line = JSON.parse(text) as Line;
      lines.push(line);
      if (line.type === 'message' && !moved) {
        moved = true;
        await db.query(ARCHIVE_MOVE, [hotId]);
        await db.query(RESTORE_MOVE, [coldId]);
      }
    }
    expect(moved).toBe(true);
    const exported = lines.filter((l) => l.type === 'message' || l.type === 'archived_message').map((l) => l.id!);
    expect([...exported].sort()).toEqual([...ids].sort());
    // Counted as of the moment the export began.
    expect(lines.at(-1)).toEqual({
      type: 'end',
      counts: { sessions: 2, messages: 7, summaries: 0, archivedMessages: 5, auditLogs: 0 },
    });
    // Every statement ran in the one transaction the export opened, the snapshot first.
    expect(events[0]?.sql).toMatch(/^SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY$/);
    expect(events.filter((e) => e.sql.includes('FROM messages m WHERE m.session_id')).length).toBeGreaterThanOrEqual(4);
    expect(events.every((e) => e.inTransaction && e.ok)).toBe(true);
    // The moves went through: a new export sees them.
    const after: Line[] = [];
    for await (const text of store.exportUser(userId)) after.push(JSON.parse(text) as Line);
    expect(after.at(-1)?.counts).toMatchObject({ messages: 5, archivedMessages: 7 });
  });

  it.runIf(ctx.kind === 'postgres')('reads only a bounded distance ahead of a slow reader on PostgreSQL', async () => {
    const userId = `slow-reader-${ctx.kind}`;
    await seed(userId, 300, 1);
    let pagesRead = 0;
    const counted = createConversationStore(db, {
      onQuery: (e) => void (e.sql.includes('FROM messages m WHERE m.session_id') && pagesRead++),
    });
    const lines = counted.exportUser(userId, { pageSize: 10 })[Symbol.asyncIterator]();
    let messages = 0;
    const take = async () => {
      const next = await lines.next();
      if (!next.done && (JSON.parse(next.value) as Line).type === 'message') messages++;
      return next;
    };
    while (messages === 0) await take();
    // The reader dawdles over other queries until the export stops reading (or has read it all):
    // it must wait for the reader, not read all 30 pages ahead.
    for (let still = 0, seen = -1; still < 200 && pagesRead < 32;) {
      await db.query('SELECT 1');
      still = pagesRead === seen ? still + 1 : 0;
      seen = pagesRead;
    }
    expect(pagesRead).toBeGreaterThan(0);
    expect(pagesRead).toBeLessThan(30);
    while (!(await take()).done);
    expect(messages).toBe(300);
    expect(pagesRead).toBe(32); // 30 full pages, the empty one that ends the keyset, the cold session's one
  });

  it('keeps long multi-byte lines whole across pages, flushes and file chunks', async () => {
    const userId = `long-lines-${ctx.kind}`;
    const session = await store.createSession({ userId });
    // About 3.6 MB of UTF-8: on PGlite several spool flushes and many 64 KiB read chunks, with
    // three-byte characters cut at chunk boundaries.
    const contents = Array.from({ length: 30 }, (_, i) => `${i}:${'你好🙂'.repeat(13_000)}\n"end ${i}"`);
    await store.appendMessages(
      session.id,
      contents.map((content) => ({ role: 'user' as const, content })),
    );
    const lines: string[] = [];
    for await (const text of store.exportUser(userId, { pageSize: 7 })) lines.push(text);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const messages = lines.map((l) => JSON.parse(l) as Line & { content?: string }).filter((l) => l.type === 'message');
    expect(messages.map((m) => m.content)).toEqual(contents);
  });

  it('ends its transaction when the reader stops early', async () => {
    const userId = `early-stop-${ctx.kind}`;
    await seed(userId, 6, 2);
    let read = 0;
    for await (const text of store.exportUser(userId, { pageSize: 2 })) {
      read++;
      if ((JSON.parse(text) as Line).type === 'message') break;
    }
    expect(read).toBeGreaterThan(1);
    // A transaction still open after a read of these tables would hold a lock that conflicts.
    await db.scope(async (em) => {
      await db.query('LOCK TABLE sessions, messages IN ACCESS EXCLUSIVE MODE NOWAIT', [], em);
    });
    if (ctx.kind === 'postgres') {
      const [open] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
      );
      expect(open?.n).toBe(0);
    }
  });

  it('reads in the caller’s transaction when called inside db.scope', async () => {
    const userId = `in-scope-${ctx.kind}`;
    await seed(userId, 3, 2);
    const outside: string[] = [];
    for await (const text of store.exportUser(userId)) outside.push(text);
    const inside = await db.scope(async () => {
      const lines: string[] = [];
      for await (const text of store.exportUser(userId)) lines.push(text);
      // Other work in the same transaction, between and after, is fine.
      await db.query('SELECT 1');
      return lines;
    });
    const strip = (lines: string[]) => lines.map((l) => ({ ...(JSON.parse(l) as object), exportedAt: null }));
    expect(strip(inside)).toEqual(strip(outside));
  });
});
