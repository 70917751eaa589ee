import { Writable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { shardKeyOfSession, type MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { InvalidInputError } from '@memory/errors';
import { InMemoryLongTermStorage, knowledgeKey, profileKey, profileMetaKey } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { archivePrefix } from './archive-prefix.js';
import { createConversationStore, type ConversationStore } from './index.js';
import { PURGE_USER_ACTION } from './user-purge.js';

const TABLES = ['sessions', 'messages', 'session_summaries', 'messages_archive', 'audit_logs'] as const;

async function tableCounts(db: MemoryDb): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES)
    counts[table] = Number((await db.execute<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n);
  return counts;
}

interface Line {
  type: string;
  [key: string]: unknown;
}

async function collect(lines: AsyncIterable<string>): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of lines) {
    expect(line.endsWith('\n')).toBe(true);
    out.push(JSON.parse(line) as Line);
  }
  return out;
}

describeEachDatabase('user export and purge', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db, { actor: 'gdpr-job' });
  });

  /** A user with an active session, a cold-archived one, a deleted one, audit rows and objects. */
  async function seedUser(userId: string, storage: InMemoryLongTermStorage): Promise<{ active: string; cold: string }> {
    const active = await store.createSession({ userId, title: '对话', metadata: { lang: 'zh' } });
    await store.appendMessages(active.id, [
      { role: 'user', content: '你好 👋', embedding: [1, 0, 0] },
      { role: 'assistant', content: 'Hello!', model: 'gpt-x' },
      { role: 'user', content: 'third' },
    ]);
    await store.saveSummary(active.id, { strategy: 'context_compression_v2', text: '摘要', json: { todos: ['买票'] } });
    const cold = await store.createSession({ userId, title: 'old' });
    await db.execute('update sessions set status = ? where id = ?', [SessionStatus.COLD_ARCHIVED, cold.id]);
    for (const content of ['archived one', 'archived 二']) {
      await db.execute(
        `insert into messages_archive (id, session_id, role, content, model, embedding, created_at, archived_at, shard_key) values (gen_random_uuid(), ?, 'user', ?, null, '[0,1,0]', now(), now(), ?)`,
        [cold.id, content, shardKeyOfSession(cold.id)],
      );
    }
    await storage.putObject(`${archivePrefix(cold.id)}messages.jsonl.gz`, 'x');
    await storage.putObject(`${archivePrefix(cold.id)}manifest.json`, '{}');
    const doomed = await store.createSession({ userId });
    await store.deleteSession(doomed.id);
    await db.scope(async (em) => {
      db.logAudit(em, { action: 'login', resourceType: 'account', actor: userId });
      db.logAudit(em, { action: 'rename_session', resourceType: 'session', resourceId: active.id });
    });
    await storage.putObject(profileKey(userId), JSON.stringify({ user_id: userId, traits: {} }));
    await storage.putObject(profileMetaKey(userId), '{}');
    await storage.putObject(knowledgeKey(userId), '["用户","使用","BOS"]');
    return { active: active.id, cold: cold.id };
  }

  it('exports every row of a user as JSONL, page by page', async () => {
    const storage = new InMemoryLongTermStorage();
    const userId = `导出-${ctx.kind}`;
    const { active, cold } = await seedUser(userId, storage);
    await seedUser(`other-${ctx.kind}-export`, storage);
    const statements: string[] = [];
    const paged = createConversationStore(db, { onQuery: (e) => statements.push(e.sql) });
    const lines = await collect(paged.exportUser(userId, { pageSize: 2, includeEmbeddings: true }));

    expect(lines[0]).toMatchObject({ type: 'export', version: 1, userId });
    expect(lines.at(-1)).toEqual({
      type: 'end',
      counts: { sessions: 2, messages: 3, summaries: 1, archivedMessages: 2, auditLogs: 3 },
    });
    const of = (type: string) => lines.filter((l) => l.type === type);
    expect(
      of('session')
        .map((s) => s.id)
        .sort(),
    ).toEqual([active, cold].sort());
    expect(of('message').map((m) => m.content)).toEqual(['你好 👋', 'Hello!', 'third']);
    expect(of('message')[0]).toMatchObject({ sessionId: active, role: 'user', embedding: [1, 0, 0] });
    expect(of('message')[1]).toMatchObject({ model: 'gpt-x', embedding: null });
    expect(of('summary')[0]).toMatchObject({ sessionId: active, text: '摘要', json: { todos: ['买票'] } });
    expect(
      of('archived_message')
        .map((m) => m.content)
        .sort(),
    ).toEqual(['archived one', 'archived 二'].sort());
    expect(of('archived_message')[0]).toMatchObject({ sessionId: cold, embedding: [0, 1, 0] });
    expect(
      of('audit_log')
        .map((a) => a.action)
        .sort(),
    ).toEqual(['delete_session', 'login', 'rename_session']);
    // Each session's messages come right after it.
    const activeAt = lines.findIndex((l) => l.type === 'session' && l.id === active);
    expect(lines.slice(activeAt + 1, activeAt + 4).map((l) => l.type)).toEqual(['message', 'message', 'message']);
    // pageSize 2 means several reads of the 3 messages: the export is paged, not one big query.
    expect(statements.filter((s) => s.includes('FROM messages m WHERE m.session_id')).length).toBeGreaterThanOrEqual(3);

    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    await store.exportUserTo(userId, sink);
    const written = chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
    expect(written.at(-1)).toMatchObject({ type: 'end', counts: { sessions: 2, messages: 3 } });
    expect(written.find((l) => l.type === 'message')).not.toHaveProperty('embedding');
  });

  it('purges a user completely, leaves everyone else alone, and is idempotent', async () => {
    const storage = new InMemoryLongTermStorage();
    const userId = `purged-${ctx.kind}`;
    const other = `kept-${ctx.kind}`;
    const { active, cold } = await seedUser(userId, storage);
    const kept = await seedUser(other, storage);
    const before = await tableCounts(db);
    const objectsBefore = (await storage.listPrefix('')).length;

    const counts = await store.purgeUser(userId, { longTermStorage: storage });
    expect(counts).toEqual({
      sessions: 2,
      messages: 3,
      summaries: 1,
      archivedMessages: 2,
      auditLogs: 3,
      archiveObjects: 2,
      longTermObjects: 3,
    });

    // Every table lost exactly the user's rows (the purge record is the one row added).
    const after = await tableCounts(db);
    expect(after).toEqual({
      sessions: before.sessions! - 2,
      messages: before.messages! - 3,
      session_summaries: before.session_summaries! - 1,
      messages_archive: before.messages_archive! - 2,
      audit_logs: before.audit_logs! - 3 + 1,
    });
    // Nothing names the user any more, not even the purge record (no recordKey: no resource id).
    const lines = await collect(store.exportUser(userId));
    expect(lines.at(-1)).toEqual({
      type: 'end',
      counts: { sessions: 0, messages: 0, summaries: 0, archivedMessages: 0, auditLogs: 0 },
    });
    const [record] = await db.execute<{
      resource_type: string;
      resource_id: string | null;
      actor: string;
      details: unknown;
    }>(
      'select resource_type, resource_id, actor, details from audit_logs where action = ? order by created_at desc limit 1',
      [PURGE_USER_ACTION],
    );
    expect(record).toEqual({ resource_type: 'user', resource_id: null, actor: 'gdpr-job', details: counts });
    for (const [sql, id] of [
      ['messages where session_id = ?', active],
      ['session_summaries where session_id = ?', active],
      ['messages_archive where session_id = ?', cold],
    ] as const) {
      expect(Number((await db.execute<{ n: number }>(`select count(*)::int as n from ${sql}`, [id]))[0]!.n)).toBe(0);
    }
    // Objects: the user's archive exports and long-term memory are gone, the other user's stay.
    expect(await storage.listPrefix(archivePrefix(cold))).toEqual([]);
    expect(await storage.getObject(profileKey(userId))).toBeNull();
    expect(await storage.getObject(knowledgeKey(userId))).toBeNull();
    expect(await storage.getObject(profileMetaKey(userId))).toBeNull();
    expect((await storage.listPrefix('')).length).toBe(objectsBefore - 5);
    expect(await storage.listPrefix(archivePrefix(kept.cold))).toHaveLength(2);
    expect((await store.exportUser(other)[Symbol.asyncIterator]().next()).value).toContain('"type":"export"');
    expect((await collect(store.exportUser(other))).at(-1)).toMatchObject({
      counts: { sessions: 2, messages: 3, archivedMessages: 2 },
    });

    const again = await store.purgeUser(userId, { longTermStorage: storage });
    expect(again).toEqual({
      sessions: 0,
      messages: 0,
      summaries: 0,
      archivedMessages: 0,
      auditLogs: 0,
      archiveObjects: 0,
      longTermObjects: 0,
    });
    const afterAgain = await tableCounts(db);
    expect(afterAgain).toEqual({ ...after, audit_logs: after.audit_logs! + 1 });
  });

  it('purges many sessions in batches', async () => {
    const userId = `many-${ctx.kind}`;
    for (let i = 0; i < 230; i++) await store.createSession({ userId });
    const counts = await store.purgeUser(userId, { longTermStorage: null });
    expect(counts.sessions).toBe(230);
    expect(
      Number(
        (await db.execute<{ n: number }>('select count(*)::int as n from sessions where user_id = ?', [userId]))[0]!.n,
      ),
    ).toBe(0);
  });

  it('refuses a purge without an explicit storage decision', async () => {
    await expect(store.purgeUser('x', {} as never)).rejects.toThrow(/needs \{ longTermStorage \}/);
    await expect(store.purgeUser('', { longTermStorage: null })).rejects.toThrow(InvalidInputError);
    await expect(collect(store.exportUser(''))).rejects.toThrow(InvalidInputError);
  });
});
