import { beforeAll, expect, it } from 'vitest';
import { shardKeyOfSession, type MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { ConfigurationError, ConflictError, InvalidInputError, NotFoundError } from '@memory/errors';
import { SessionStatus } from '@memory/models';
import {
  createConversationStore,
  isSessionArchivedError,
  type ConversationStore,
  type MessageRecord,
  type QueryEvent,
} from './index.js';
import { newId } from './ids.js';
import { everyPart } from './parts.fixture.js';

async function count(db: MemoryDb, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.execute<{ n: number }>(`select count(*)::int as n from ${sql}`, params);
  return Number(rows[0]!.n);
}

function byPosition(a: MessageRecord, b: MessageRecord): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

describeEachDatabase('messages', (ctx) => {
  let db: MemoryDb;
  let store: ConversationStore;

  beforeAll(async () => {
    db = await ctx.createDb({ embeddingDimensions: 3 });
    store = createConversationStore(db);
  });

  it('does not duplicate a retried append and reports which messages were new', async () => {
    const s = await store.createSession({ userId: 'retry' });
    const batch = [
      { id: newId(), role: 'user' as const, content: 'question' },
      { id: newId(), role: 'assistant' as const, content: 'answer', model: 'gpt-x' },
    ];
    const first = await store.appendMessages(s.id, batch);
    expect(first.insertedIds).toEqual(batch.map((m) => m.id));
    expect(first.existingIds).toEqual([]);
    const touched = await store.getSession(s.id);
    expect(touched.updatedAt.getTime()).toBeGreaterThan(s.updatedAt.getTime() - 1);

    const retry = await store.appendMessages(s.id, batch);
    expect(retry.insertedIds).toEqual([]);
    expect(retry.existingIds).toEqual(batch.map((m) => m.id));
    expect(retry.messages.map((m) => m.createdAt)).toEqual(first.messages.map((m) => m.createdAt));
    expect((await store.getSession(s.id)).updatedAt).toEqual(touched.updatedAt);

    const extra = { id: newId(), role: 'user' as const, content: 'follow-up' };
    const mixed = await store.appendMessages(s.id, [...batch, extra]);
    expect(mixed.insertedIds).toEqual([extra.id]);
    expect(mixed.existingIds).toEqual(batch.map((m) => m.id));
    expect(await store.countMessages(s.id)).toBe(3);
    expect((await store.getHistory(s.id)).messages.map((m) => m.content)).toEqual(['question', 'answer', 'follow-up']);
  });

  it('appends any batch in one statement: lock, status check, insert and session touch together', async () => {
    const events: QueryEvent[] = [];
    const counted = createConversationStore(db, { onQuery: (e) => events.push(e) });
    const s = await store.createSession({});
    const shapes: string[][] = [];
    for (const size of [1, 200]) {
      events.length = 0;
      await counted.appendMessages(
        s.id,
        Array.from({ length: size }, (_, i) => ({ role: 'user' as const, content: `m${i}` })),
      );
      shapes.push(events.map((e) => e.sql.slice(0, 40)));
      // Autocommit: no BEGIN and COMMIT round trips around it. On Citus four statements routed to
      // the session's shard in one transaction (citus-append.ts): lock, look-up, insert, touch.
      expect(events.every((e) => e.inTransaction === (ctx.label === '[citus]') && e.ok)).toBe(true);
    }
    // One statement for one message and one for a batch (their texts differ: message-sql.ts).
    for (const shape of shapes) expect(shape).toHaveLength(ctx.label === '[citus]' ? 4 : 1);
    expect(await store.countMessages(s.id)).toBe(201);
  });

  it('retries through a second statement only when an id is stored, and never fails a statement in the caller transaction', async () => {
    const events: QueryEvent[] = [];
    const counted = createConversationStore(db, { onQuery: (e) => events.push(e) });
    const s = await store.createSession({});
    const batch = [{ id: newId(), role: 'user' as const, content: 'a' }];
    const citus = ctx.label === '[citus]';
    await counted.appendMessages(s.id, batch);
    // On Citus: lock, look-up, insert, touch (citus-append.ts), none of which fails on a stored id.
    expect(events.map((e) => e.ok)).toEqual(citus ? [true, true, true, true] : [true]);
    events.length = 0;
    // The fast statement fails as a whole on the stored id; the careful one reports it.
    const retry = await counted.appendMessages(s.id, [...batch, { role: 'user', content: 'b' }]);
    expect(retry.existingIds).toEqual([batch[0]!.id]);
    expect(retry.insertedIds).toHaveLength(1);
    expect(events.map((e) => e.ok)).toEqual(citus ? [true, true, true, true] : [false, true]);
    events.length = 0;
    // A failed statement would abort the caller's transaction: there only the careful one runs.
    await db.scope(async () => {
      expect((await counted.appendMessages(s.id, batch)).existingIds).toEqual([batch[0]!.id]);
      expect((await counted.appendMessages(s.id, [{ role: 'user', content: 'c' }])).insertedIds).toHaveLength(1);
    });
    // On Citus the first append stores nothing (lock, look-up), the second four statements.
    expect(events.map((e) => [e.ok, e.inTransaction])).toEqual(
      Array.from({ length: citus ? 6 : 2 }, () => [true, true]),
    );
    expect((await store.getHistory(s.id)).messages.map((m) => m.content)).toEqual(['a', 'b', 'c']);
  });

  it('refuses an id that belongs to another session, inserting nothing', async () => {
    // Two sessions of one user: on Citus, message ids are unique per shard (docs/citus.md), and a
    // user's sessions share one.
    const a = await store.createSession({ userId: 'owner' });
    const b = await store.createSession({ userId: 'owner' });
    const taken = newId();
    await store.appendMessages(a.id, [{ id: taken, role: 'user', content: 'in a' }]);
    const attempt = store.appendMessages(b.id, [
      { role: 'user', content: 'new' },
      { id: taken, role: 'user', content: 'in b?' },
    ]);
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(store.appendMessages(b.id, [{ id: taken, role: 'user', content: 'x' }])).rejects.toThrow(
      /already belongs to session/,
    );
    expect(await store.countMessages(b.id)).toBe(0);
  });

  it('keeps concurrent appends whole and in order', async () => {
    const s = await store.createSession({});
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) => ({ role: 'user' as const, content: `b${b}m${i}` })),
    );
    await Promise.all(batches.map((batch) => store.appendMessages(s.id, batch)));
    const { messages } = await store.getHistory(s.id, { limit: 100 });
    expect(messages).toHaveLength(40);
    const contents = messages.map((m) => m.content);
    // The session row lock makes batches take turns: each batch is contiguous and in its own order.
    for (let start = 0; start < 40; start += 5) {
      const b = contents[start]!.slice(0, contents[start]!.indexOf('m'));
      expect(contents.slice(start, start + 5)).toEqual([0, 1, 2, 3, 4].map((i) => `${b}m${i}`));
    }
    expect(new Set(contents).size).toBe(40);
    const stamps = (
      await db.execute<{ t: string }>(
        'select created_at::text as t from messages where session_id = ? order by created_at, id',
        [s.id],
      )
    ).map((r) => r.t);
    expect(new Set(stamps).size).toBe(40);
  });

  it('pages history with cursors, stable through equal timestamps', async () => {
    const s = await store.createSession({});
    const at = new Date('2026-03-01T12:00:00Z');
    await store.appendMessages(
      s.id,
      Array.from({ length: 10 }, (_, i) => ({ role: 'user' as const, content: `same ${i}`, createdAt: at })),
    );
    const all = (await store.getHistory(s.id, { limit: 100 })).messages;
    expect(all).toHaveLength(10);
    expect([...all].sort(byPosition).map((m) => m.id)).toEqual(all.map((m) => m.id));

    // Backwards from the newest, three at a time.
    const back: MessageRecord[][] = [];
    let page = await store.getHistory(s.id, { limit: 3 });
    back.push(page.messages);
    expect(page).toMatchObject({ hasOlder: true, hasNewer: false });
    while (page.hasOlder) {
      page = await store.getHistory(s.id, { limit: 3, before: page.olderCursor });
      expect(page.hasNewer).toBe(true);
      back.push(page.messages);
    }
    expect(back.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(
      back
        .reverse()
        .flat()
        .map((m) => m.id),
    ).toEqual(all.map((m) => m.id));

    // Forwards from the oldest.
    const forward: MessageRecord[] = [all[0]!];
    let cursor = all[0]!.cursor;
    for (;;) {
      const next = await store.getHistory(s.id, { limit: 4, after: cursor });
      forward.push(...next.messages);
      if (!next.hasNewer) break;
      cursor = next.newerCursor!;
    }
    expect(forward.map((m) => m.id)).toEqual(all.map((m) => m.id));

    // Polling with the newest cursor picks up later appends only.
    const newest = all.at(-1)!.cursor;
    expect((await store.getHistory(s.id, { after: newest })).messages).toEqual([]);
    await store.appendMessages(s.id, [{ role: 'assistant', content: 'later' }]);
    expect((await store.getHistory(s.id, { after: newest })).messages.map((m) => m.content)).toEqual(['later']);

    // Between two cursors.
    const between = await store.getHistory(s.id, { after: all[2]!.cursor, before: all[6]!.cursor });
    expect(between.messages.map((m) => m.id)).toEqual(all.slice(3, 6).map((m) => m.id));
    await expect(store.getHistory(s.id, { before: 'x' })).rejects.toThrow(InvalidInputError);
  });

  it('refuses appends to an archived session unless restored through the hook', async () => {
    const s = await store.createSession({});
    await store.appendMessages(s.id, [{ role: 'user', content: 'before archival' }]);
    await db.execute('update sessions set status = ? where id = ?', [SessionStatus.COLD_ARCHIVED, s.id]);
    const error = await store.appendMessages(s.id, [{ role: 'user', content: 'x' }]).catch((e: unknown) => e);
    expect(isSessionArchivedError(error)).toBe(true);
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((error as ConflictError).details).toMatchObject({ sessionId: s.id, status: SessionStatus.COLD_ARCHIVED });
    await expect(store.appendMessages(s.id, [{ role: 'user', content: 'x' }], { restore: true })).rejects.toThrow(
      ConfigurationError,
    );

    const restored: string[] = [];
    const withHook = createConversationStore(db, {
      restore: async (id) => {
        restored.push(id);
        await db.execute('update sessions set status = ? where id = ?', [SessionStatus.ACTIVE, id]);
      },
    });
    const result = await withHook.appendMessages(s.id, [{ role: 'user', content: 'after restore' }], { restore: true });
    expect(result.restored).toBe(true);
    expect(restored).toEqual([s.id]);
    expect(await store.countMessages(s.id)).toBe(2);

    await db.execute('update sessions set status = ? where id = ?', [SessionStatus.DEEP_ARCHIVED, s.id]);
    const noop = createConversationStore(db, { restore: async () => undefined });
    await expect(noop.appendMessages(s.id, [{ role: 'user', content: 'x' }], { restore: true })).rejects.toThrow(
      /still archived/,
    );
    expect(await store.countMessages(s.id)).toBe(2);
    await expect(store.appendMessages(newId(), [{ role: 'user', content: 'x' }])).rejects.toThrow(NotFoundError);
  });

  it('waits for an archiver holding the session and then sees its new status', async () => {
    const s = await store.createSession({});
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    let finish!: () => void;
    const mayFinish = new Promise<void>((resolve) => (finish = resolve));
    // The archiver: claims the session like @memory/archive does, archives it, commits.
    const archiver = db.scope(async (em) => {
      // shard_key: on Citus a row lock needs the statement on one shard (docs/citus.md).
      await db.execute(
        'select id from sessions where id = ? and shard_key = ? for update skip locked',
        [s.id, shardKeyOfSession(s.id)],
        em,
      );
      locked();
      await mayFinish;
      await db.execute('update sessions set status = ? where id = ?', [SessionStatus.COLD_ARCHIVED, s.id], em);
    });
    await lockTaken;
    // The append starts outside the archiver's transaction, as another request would.
    let settled = false;
    const append = store.appendMessages(s.id, [{ role: 'user', content: 'racing' }]).catch((e: unknown) => e);
    void append.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    finish();
    await archiver;
    expect(isSessionArchivedError(await append)).toBe(true);
    expect(await store.countMessages(s.id)).toBe(0);
  });

  it('stamps an append that queued behind another writer after that writer’s newest message', async () => {
    // Both fast statements (one message, with and without metadata, and a batch): the writer
    // commits a message an hour ahead while the append waits for the session row, so the append's
    // snapshot predates that message and only the row the writer committed (its updated_at) tells it.
    const shapes = [
      [{ role: 'user' as const, content: 'text only' }],
      [{ role: 'user' as const, content: 'with metadata', metadata: { k: 1 } }],
      [
        { role: 'user' as const, content: 'batch 1' },
        { role: 'assistant' as const, content: 'batch 2' },
      ],
    ];
    for (const shape of shapes) {
      const s = await store.createSession({ userId: 'queued' });
      const ahead = new Date(Date.now() + 3_600_000);
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      let finish!: () => void;
      const mayFinish = new Promise<void>((resolve) => (finish = resolve));
      const writer = db.scope(async (em) => {
        await db.execute(
          'select id from sessions where id = ? and shard_key = ? for no key update',
          [s.id, shardKeyOfSession(s.id)],
          em,
        );
        locked();
        await mayFinish;
        // What an append does: its message, and updated_at moved to it.
        await db.execute(
          `insert into messages (id, session_id, role, content, created_at, user_id, shard_key)
           values (?, ?, 'user', 'ahead', ?, 'queued', ?)`,
          [newId(), s.id, ahead, shardKeyOfSession(s.id)],
          em,
        );
        await db.execute(
          'update sessions set updated_at = ? where id = ? and shard_key = ?',
          [ahead, s.id, shardKeyOfSession(s.id)],
          em,
        );
      });
      await lockTaken;
      let settled = false;
      const append = store.appendMessages(s.id, shape);
      void append.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toBe(false);
      finish();
      await writer;
      const result = await append;
      const history = await store.getHistory(s.id);
      expect(history.messages.map((m) => m.content)).toEqual(['ahead', ...shape.map((m) => m.content)]);
      expect(history.messages.slice(1).map((m) => m.cursor)).toEqual(result.messages.map((m) => m.cursor));
      // Joined on the shard key too, so that Citus runs it on the session's shard.
      const [after] = await db.execute<{ later: boolean; newest: boolean }>(
        `select bool_and(m.created_at > ?) as later, max(m.created_at) = max(s.updated_at) as newest
           from messages m join sessions s on s.id = m.session_id and s.shard_key = m.shard_key
          where m.session_id = ? and m.shard_key = ? and m.content <> 'ahead'`,
        [ahead, s.id, shardKeyOfSession(s.id)],
      );
      expect(after).toEqual({ later: true, newest: true });
    }
  });

  it('keeps concurrent single appends distinct and in order, with updated_at on the newest', async () => {
    const s = await store.createSession({ userId: 'racers' });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        store.appendMessages(s.id, [{ role: 'user', content: `r${i}`, ...(i % 3 === 0 ? { metadata: { i } } : {}) }]),
      ),
    );
    const rows = await db.execute<{ id: string; t: string; newest: boolean }>(
      `select m.id, m.created_at::text as t, s.updated_at = m.created_at as newest
         from messages m join sessions s on s.id = m.session_id and s.shard_key = m.shard_key
        where m.session_id = ? and m.shard_key = ? order by m.created_at, m.id`,
      [s.id, shardKeyOfSession(s.id)],
    );
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => r.t)).size).toBe(24);
    expect(rows.map((r) => r.newest)).toEqual([...Array.from({ length: 23 }, () => false), true]);
    // The cursors the appends returned sort as the rows do.
    const byCursor = results.map((r) => r.messages[0]!);
    const history = (await store.getHistory(s.id, { limit: 100 })).messages;
    expect(history.map((m) => m.id)).toEqual(rows.map((r) => r.id));
    const cursorOf = new Map(byCursor.map((m) => [m.id, m.cursor]));
    expect(history.map((m) => cursorOf.get(m.id))).toEqual(history.map((m) => m.cursor));
  });

  it('joins the caller’s db.scope transaction, committing or rolling back with it', async () => {
    let doomed = '';
    const failing = db.scope(async () => {
      const s = await store.createSession({ userId: 'scoped' });
      doomed = s.id;
      await store.appendMessages(s.id, [{ role: 'user', content: 'inside' }]);
      expect(await store.countMessages(s.id)).toBe(1);
      throw new Error('abort the request');
    });
    await expect(failing).rejects.toThrow('abort the request');
    await expect(store.getSession(doomed)).rejects.toThrow(NotFoundError);

    const kept = await db.scope(async () => {
      const s = await store.createSession({ userId: 'scoped' });
      await db.execute('update sessions set status = ? where id = ?', [SessionStatus.COLD_ARCHIVED, s.id]);
      // A failed store call rolls back only its own savepoint: the caller's transaction goes on.
      await expect(store.appendMessages(s.id, [{ role: 'user', content: 'refused' }])).rejects.toThrow(ConflictError);
      await db.execute('update sessions set status = ? where id = ?', [SessionStatus.ACTIVE, s.id]);
      await store.appendMessages(s.id, [{ role: 'user', content: 'accepted' }]);
      await store.renameSession(s.id, 'kept');
      return s.id;
    });
    expect((await store.getSession(kept)).title).toBe('kept');
    expect((await store.getHistory(kept)).messages.map((m) => m.content)).toEqual(['accepted']);
  });

  it('checks roles and embeddings, and sets embeddings later', async () => {
    const s = await store.createSession({});
    await expect(store.appendMessages(s.id, [{ role: 'robot' as never, content: 'x' }])).rejects.toThrow(
      /role is "robot"/,
    );
    await expect(
      store.appendMessages(s.id, [
        { role: 'user', content: 'ok' },
        { role: 'user', content: 'x', embedding: [1, 2] },
      ]),
    ).rejects.toThrow(/has 2 dimensions but this deployment stores 3/);
    await expect(
      store.appendMessages(s.id, [{ role: 'user', content: 'x', embedding: [1, Number.NaN, 2] }]),
    ).rejects.toThrow(InvalidInputError);
    expect(await store.countMessages(s.id)).toBe(0);

    const { insertedIds } = await store.appendMessages(s.id, [
      { role: 'user', content: 'with', embedding: new Float32Array([0.5, 0.25, 1]) },
      { role: 'tool', content: 'without' },
    ]);
    expect((await store.getHistory(s.id)).messages.map((m) => m.hasEmbedding)).toEqual([true, false]);
    const missing = newId();
    const result = await store.setEmbeddings([
      { messageId: insertedIds[0]!, embedding: null },
      { messageId: insertedIds[1]!, embedding: [1, 0, 0] },
      { messageId: missing, embedding: [1, 0, 0] },
    ]);
    expect(result).toEqual({ updatedIds: insertedIds, missingIds: [missing] });
    expect((await store.getHistory(s.id)).messages.map((m) => m.hasEmbedding)).toEqual([false, true]);
    await expect(store.setEmbeddings([{ messageId: missing, embedding: [1] }])).rejects.toThrow(InvalidInputError);
  });

  it('stores parts of every kind and metadata losslessly, with content as their text', async () => {
    const s = await store.createSession({ userId: 'parts' });
    const parts = everyPart();
    const toolOnly = [
      { type: 'tool-weather', toolCallId: 'call_9', state: 'input-streaming', input: undefined },
    ] as const;
    await store.appendMessages(s.id, [
      { role: 'user', content: 'Weather in Kyoto?', metadata: { channel: 'web', tags: ['a', 'b'], n: 1.25 } },
      { role: 'assistant', parts, metadata: { finishReason: 'stop', usage: { in: 10, out: 20 } }, model: 'gpt-x' },
      { role: 'assistant', parts: toolOnly },
      { role: 'assistant', content: 'custom projection', parts: [{ type: 'text', text: 'different' }] },
    ]);
    const [user, turn, tools, custom] = (await store.getHistory(s.id)).messages;
    expect(user).toMatchObject({
      content: 'Weather in Kyoto?',
      parts: null,
      metadata: { channel: 'web', tags: ['a', 'b'], n: 1.25 },
    });
    expect(turn!.parts).toEqual(parts);
    expect(turn!.content).toBe('It is 21 °C and clear in Kyoto.\n\nEnjoy!');
    expect(turn!.metadata).toEqual({ finishReason: 'stop', usage: { in: 10, out: 20 } });
    expect(tools).toMatchObject({
      content: '',
      parts: [{ type: 'tool-weather', toolCallId: 'call_9', state: 'input-streaming' }],
      metadata: null,
    });
    expect(custom).toMatchObject({ content: 'custom projection', parts: [{ type: 'text', text: 'different' }] });
    // The original library reads only content: the row it sees is an ordinary message.
    const raw = await db.execute<{ content: string; role: string }>(
      'select role, content from messages where session_id = ? order by created_at',
      [s.id],
    );
    expect(raw.map((r) => r.content)).toEqual([
      'Weather in Kyoto?',
      'It is 21 °C and clear in Kyoto.\n\nEnjoy!',
      '',
      'custom projection',
    ]);
    // A user export carries them too.
    const exported: Record<string, unknown>[] = [];
    for await (const line of store.exportUser('parts')) exported.push(JSON.parse(line) as Record<string, unknown>);
    const turnLine = exported.find((l) => l.type === 'message' && l.id === turn!.id);
    expect(turnLine).toMatchObject({ parts, metadata: { finishReason: 'stop', usage: { in: 10, out: 20 } } });
    await expect(store.appendMessages(s.id, [{ role: 'assistant', content: '' }])).rejects.toThrow(InvalidInputError);
    await expect(store.appendMessages(s.id, [{ role: 'assistant' }])).rejects.toThrow(/neither content nor parts/);
  });

  it('stores any text, including non-ASCII and very long content', async () => {
    const s = await store.createSession({ title: 'مرحبا' });
    const texts = [
      '你好，世界',
      '👋🏽 emoji ZWJ 👨‍👩‍👧',
      'עברית RTL',
      'line\nbreak\ttab "quotes" \\ back',
      'x'.repeat(200_000),
    ];
    await store.appendMessages(
      s.id,
      texts.map((content) => ({ role: 'user' as const, content })),
    );
    expect((await store.getHistory(s.id)).messages.map((m) => m.content)).toEqual(texts);
    await expect(store.appendMessages(s.id, [{ role: 'user', content: 'nul\u0000' }])).rejects.toThrow(/NUL/);
  });

  it('counts hot and archived messages', async () => {
    const s = await store.createSession({});
    await store.appendMessages(s.id, [{ role: 'user', content: 'a' }]);
    await db.execute(
      `insert into messages_archive (id, session_id, role, content, created_at, shard_key) values (gen_random_uuid(), ?, 'user', 'old', now(), ?)`,
      [s.id, shardKeyOfSession(s.id)],
    );
    expect(await store.countMessages(s.id)).toBe(1);
    expect(await store.countMessages(s.id, { includeArchived: true })).toBe(2);
    expect(await count(db, 'messages where session_id = ?', [s.id])).toBe(1);
  });

  it('saves summaries checked against the compression shape and returns the newest', async () => {
    const s = await store.createSession({});
    const json = {
      decision_points: ['使用 pgvector'],
      todos: ['ship'],
      entities: { files: ['a.ts'], tools: ['psql'], extra: 1 },
      context_state: 'testing',
      code_snippets: [{ language: 'sql', code: 'select 1', purpose: 'probe' }],
      custom: { kept: true },
    };
    const first = await store.saveSummary(s.id, {
      strategy: 'context_compression_v2',
      strategyVersion: '2',
      text: 'first',
      json,
    });
    expect(first.json).toEqual(json);
    const second = await store.saveSummary(s.id, { strategy: 'context_compression_v2', text: null, json: {} });
    expect(await store.latestSummary(s.id)).toEqual(second);
    expect((await store.listSummaries(s.id)).map((x) => x.id)).toEqual([second.id, first.id]);
    await expect(store.saveSummary(s.id, { strategy: 'x', json: { todos: 'ship' } as never })).rejects.toThrow(
      /todos: .*expected array/i,
    );
    await expect(
      store.saveSummary(s.id, { strategy: 'x', json: { code_snippets: [{ language: 'ts' }] } as never }),
    ).rejects.toThrow(/code_snippets\[0\]\.code/);
    await expect(store.saveSummary(s.id, { strategy: 'x'.repeat(65), json: {} })).rejects.toThrow(
      /strategy is 65 characters/,
    );
    await expect(store.saveSummary(newId(), { strategy: 'x', json: {} })).rejects.toThrow(NotFoundError);
    expect((await store.listSummaries(s.id)).length).toBe(2);
    const empty = await store.createSession({});
    expect(await store.latestSummary(empty.id)).toBeNull();
    await expect(store.latestSummary(newId())).rejects.toThrow(NotFoundError);
  });
});
