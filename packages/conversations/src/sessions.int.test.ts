import { beforeAll, describe, expect, it } from 'vitest';
import { shardKeyOfSession, type MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError, NotFoundError, ConflictError } from '@memory/errors';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { createConversationStore, type ConversationStore, type QueryEvent } from './index.js';
import { archivePrefix } from './archive-prefix.js';

async function count(db: MemoryDb, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.execute<{ n: number }>(`select count(*)::int as n from ${sql}`, params);
  return Number(rows[0]!.n);
}

describeEachDatabase('sessions', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;
  let events: QueryEvent[];
  let user = 0;
  const newUser = () => `user-${ctx.kind}-${++user}-${Date.now()}`;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    events = [];
    store = createConversationStore(db, { previewLength: 5, actor: 'test-suite', onQuery: (e) => events.push(e) });
  });

  it('creates, reads and renames a session, non-ASCII kept; a rename is not activity', async () => {
    const userId = '中文用户';
    const created = await store.createSession({ userId, title: '旅行计划 👋', metadata: { 渠道: 'web' } });
    expect(created).toMatchObject({
      userId,
      title: '旅行计划 👋',
      status: SessionStatus.ACTIVE,
      metadata: { 渠道: 'web' },
    });
    expect(created.createdAt).toEqual(created.updatedAt);
    expect(await store.getSession(created.id.toUpperCase())).toEqual(created);
    const renamed = await store.renameSession(created.id, 'Trip');
    expect(renamed.title).toBe('Trip');
    expect(renamed.updatedAt).toEqual(created.updatedAt);
    expect((await store.renameSession(created.id, null)).title).toBeNull();
  });

  it('refuses a reused id, bad input and unknown sessions with typed errors', async () => {
    const s = await store.createSession({ userId: newUser() });
    await expect(store.createSession({ id: s.id })).rejects.toThrow(ConflictError);
    await expect(store.createSession({ title: 'x'.repeat(513) })).rejects.toThrow(InvalidInputError);
    await expect(store.createSession({ metadata: { when: new Date() } as never })).rejects.toThrow(InvalidInputError);
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(store.getSession(missing)).rejects.toThrow(NotFoundError);
    await expect(store.getSession(missing)).rejects.toThrow(
      /session 00000000-0000-4000-8000-000000000000 not found: create it first/,
    );
    await expect(store.renameSession(missing, 't')).rejects.toThrow(NotFoundError);
    await expect(store.patchSessionMetadata(missing, { a: 1 })).rejects.toThrow(NotFoundError);
    await expect(store.getSession('nope')).rejects.toThrow(InvalidInputError);
  });

  it('applies JSON merge patches recursively', async () => {
    const s = await store.createSession({
      metadata: { keep: 1, drop: 2, ui: { theme: 'light', font: 'mono' }, list: [1, 2], scalar: 'x' },
    });
    const patched = await store.patchSessionMetadata(s.id, {
      drop: null,
      ui: { theme: 'dark', font: null, size: { w: 1 } },
      list: [3],
      scalar: { now: 'object' },
      added: "it's",
    });
    expect(patched.metadata).toEqual({
      keep: 1,
      ui: { theme: 'dark', size: { w: 1 } },
      list: [3],
      scalar: { now: 'object' },
      added: "it's",
    });
    const fromNull = await store.createSession({});
    expect((await store.patchSessionMetadata(fromNull.id, { a: { b: null } })).metadata).toEqual({ a: {} });
    expect((await store.patchSessionMetadata(fromNull.id, {})).metadata).toEqual({ a: {} });
  });

  it('keeps every key when many patches of different keys run at once', async () => {
    const s = await store.createSession({ metadata: { base: true } });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.patchSessionMetadata(s.id, { [`k${i}`]: i, nested: { [`n${i}`]: i } }),
      ),
    );
    const { metadata } = await store.getSession(s.id);
    expect(Object.keys(metadata!).sort()).toEqual(
      ['base', 'nested', ...Array.from({ length: 20 }, (_, i) => `k${i}`)].sort(),
    );
    expect(Object.keys(metadata!.nested as object)).toHaveLength(20);
  });

  async function seedSessions(userId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = await store.createSession({ userId, title: `s${i}`, metadata: { i, even: i % 2 === 0 } });
      await store.appendMessages(s.id, [
        { role: 'user', content: `first message of ${i}` },
        { role: 'assistant', content: `last 回复 of ${i}` },
      ]);
      if (i % 3 === 0)
        await store.saveSummary(s.id, {
          strategy: 'context_compression_v2',
          text: `summary ${i}`,
          json: { todos: [] },
        });
      ids.push(s.id);
    }
    return ids;
  }

  it('lists sessions with previews in one statement, for 2 sessions as for 50', async () => {
    const small = newUser();
    const large = newUser();
    await seedSessions(small, 2);
    await seedSessions(large, 50);
    const statements: number[] = [];
    for (const userId of [small, large]) {
      events.length = 0;
      const page = await store.listSessions({ userId, limit: 100 });
      statements.push(events.length);
      expect(page.sessions).toHaveLength(userId === small ? 2 : 50);
      for (const s of page.sessions) {
        const i = Number(s.title!.slice(1));
        expect(s.firstMessage).toMatchObject({ role: 'user', content: 'first', truncated: true });
        expect(s.lastMessage).toMatchObject({ role: 'assistant', content: 'last ', truncated: true });
        expect(s.latestSummary?.text ?? null).toBe(i % 3 === 0 ? 'summa' : null);
      }
    }
    expect(statements).toEqual([1, 1]);
  });

  it('orders by last activity and pages with cursors through equal timestamps', async () => {
    const userId = newUser();
    const ids = await seedSessions(userId, 7);
    // Same updated_at for all: the id decides, and paging must neither skip nor repeat.
    await db.execute(`update sessions set updated_at = '2026-01-01T00:00:00.000001Z' where user_id = ?`, [userId]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<ConversationStore['listSessions']>> = await store.listSessions({
        userId,
        limit: 3,
        cursor,
      });
      seen.push(...page.sessions.map((s) => s.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].sort().reverse());
    // New activity moves a session to the front.
    await store.appendMessages(ids[3]!, [{ role: 'user', content: 'back again' }]);
    const first = await store.listSessions({ userId, limit: 1 });
    expect(first.sessions[0]!.id).toBe(ids[3]);
    expect(first.sessions[0]!.lastMessage?.content).toBe('back ');
  });

  it('filters by status and metadata containment', async () => {
    const userId = newUser();
    const ids = await seedSessions(userId, 4);
    await db.execute('update sessions set status = ? where id = ?', [SessionStatus.COLD_ARCHIVED, ids[0]]);
    const active = await store.listSessions({ userId, status: SessionStatus.ACTIVE });
    expect(active.sessions.map((s) => s.id).sort()).toEqual(ids.slice(1).sort());
    const even = await store.listSessions({ userId, metadataContains: { even: true } });
    expect(even.sessions.map((s) => s.id).sort()).toEqual([ids[0], ids[2]].sort());
    const both = await store.listSessions({
      userId,
      status: [SessionStatus.COLD_ARCHIVED],
      metadataContains: { even: true },
    });
    expect(both.sessions.map((s) => s.id)).toEqual([ids[0]]);
    await expect(store.listSessions({ cursor: 'garbage' })).rejects.toThrow(InvalidInputError);
  });

  describe('deleteSession', () => {
    it('removes the session, its rows and archive objects, and writes the audit row', async () => {
      const userId = newUser();
      const [id] = await seedSessions(userId, 1);
      await db.execute(
        `insert into messages_archive (id, session_id, role, content, created_at, shard_key) values (gen_random_uuid(), ?, 'user', 'old', now(), ?)`,
        [id, shardKeyOfSession(id!)],
      );
      const storage = new InMemoryLongTermStorage();
      await storage.putObject(`${archivePrefix(id!)}manifest.json`, '{}');
      await storage.putObject('archive/other/manifest.json', '{}');
      const result = await store.deleteSession(id!, { longTermStorage: storage });
      expect(result).toEqual({ deleted: true, messages: 2, summaries: 1, archivedMessages: 1, archiveObjects: 1 });
      for (const table of [
        'sessions where id = ?',
        'messages where session_id = ?',
        'session_summaries where session_id = ?',
        'messages_archive where session_id = ?',
      ]) {
        expect(await count(db, table, [id])).toBe(0);
      }
      expect(await storage.listPrefix('archive/')).toEqual(['archive/other/manifest.json']);
      const audit = await db.execute<{
        action: string;
        resource_type: string;
        actor: string;
        details: Record<string, unknown>;
      }>('select action, resource_type, actor, details from audit_logs where resource_id = ?', [id]);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'delete_session', resource_type: 'session', actor: 'test-suite' });
      expect(audit[0]!.details).toMatchObject({ userId, messages: 2, summaries: 1, archivedMessages: 1 });
      expect(await store.deleteSession(id!)).toEqual({
        deleted: false,
        messages: 0,
        summaries: 0,
        archivedMessages: 0,
        archiveObjects: 0,
      });
      expect(await count(db, 'audit_logs where resource_id = ?', [id])).toBe(1);
    });
  });
});
