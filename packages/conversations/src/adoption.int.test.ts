import { expect, it } from 'vitest';
import { createOriginalSchema, describeEachDatabase } from '@memory/db/testing';
import { SessionStatus } from '@memory/models';
import { createConversationStore } from './index.js';

const SESSION = '6f1c0000-0000-4000-8000-000000000001';

describeEachDatabase('on a database written by the original library', (ctx) => {
  it('reads, lists, appends to and deletes sessions the original wrote', async () => {
    const db = await ctx.createDb({ init: false, embeddingDimensions: 3 });
    await createOriginalSchema(db, 3);
    // The original never moved updated_at: its messages are newer than the session row says.
    await db.execute(
      `insert into sessions (id, updated_at, status, title, metadata) values (?, '2024-01-01T00:00:00Z', 1, 'legacy', null)`,
      [SESSION],
    );
    for (const [i, role, content] of [
      [1, 'user', '旧消息'],
      [2, 'assistant', 'old reply'],
      [3, 'user', 'last legacy'],
    ] as const) {
      await db.execute(`insert into messages (id, session_id, role, content, created_at) values (?, ?, ?, ?, ?)`, [
        `6f1c0000-0000-4000-8000-00000000010${i}`,
        SESSION,
        role,
        content,
        `2024-01-0${i + 4}T12:00:00.123Z`,
      ]);
    }
    await db.execute(
      `insert into session_summaries (id, session_id, strategy, summary_text, summary_json, created_at) values (gen_random_uuid(), ?, 'context_compression_v2', 'legacy summary', '{"todos":[]}', '2024-01-08T00:00:00Z')`,
      [SESSION],
    );
    const legacyRows = () =>
      db.execute(
        `select id::text, session_id::text, role::text, content::text, model::text, embedding::text, created_at::text
           from messages where content <> 'new' order by id`,
      );
    const before = await legacyRows();
    await db.initDb();
    const store = createConversationStore(db);

    expect(await store.getSession(SESSION)).toMatchObject({
      userId: null,
      createdAt: null,
      metadata: null,
      status: SessionStatus.ACTIVE,
      title: 'legacy',
    });
    const [item] = (await store.listSessions({})).sessions;
    expect(item).toMatchObject({
      id: SESSION,
      firstMessage: { content: '旧消息' },
      lastMessage: { content: 'last legacy' },
      latestSummary: { text: 'legacy summary' },
    });

    const appended = await store.appendMessages(SESSION, [
      { role: 'user', content: 'new', parts: [{ type: 'text', text: 'new' }], metadata: { via: 'ts' } },
    ]);
    const history = await store.getHistory(SESSION);
    expect(history.messages.map((m) => m.content)).toEqual(['旧消息', 'old reply', 'last legacy', 'new']);
    expect(history.messages.map((m) => [m.parts, m.metadata])).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [[{ type: 'text', text: 'new' }], { via: 'ts' }],
    ]);
    // The rows the original wrote keep every original column byte for byte.
    expect(await legacyRows()).toEqual(before);
    expect((await store.getSession(SESSION)).updatedAt).toEqual(appended.messages[0]!.createdAt);
    expect((await store.patchSessionMetadata(SESSION, { owner: 'u1' })).metadata).toEqual({ owner: 'u1' });

    expect(await store.deleteSession(SESSION)).toMatchObject({ deleted: true, messages: 4, summaries: 1 });
    const audit = await db.execute<{ action: string; details: Record<string, unknown> }>(
      'select action, details from audit_logs where resource_id = ?',
      [SESSION],
    );
    expect(audit).toEqual([
      {
        action: 'delete_session',
        details: { userId: null, status: 1, messages: 4, summaries: 1, archivedMessages: 0 },
      },
    ]);
  });
});
