import { expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@memory/db/testing';
import { ConflictError, InvalidInputError, NotFoundError } from '@memory/errors';
import { SessionStatus } from '@memory/models';
import { createConversationStore, type ImportMessage } from './index.js';

describeEachDatabase(
  'importMessages',
  (ctx) => {
    it('loads history across chunks into live sessions, keeping order, user ids, odd text and vectors', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db);
      const a = await store.createSession({ userId: 'u1' });
      const b = await store.createSession({});
      await store.appendMessages(a.id, [{ role: 'user', content: 'already here' }]);
      const odd = 'tab\there\nnew line\\back slash\r中文 \\N';
      const total = 12_001;
      async function* source(): AsyncIterable<ImportMessage> {
        for (let i = 0; i < total; i++) {
          yield {
            sessionId: i % 3 === 0 ? b.id : a.id,
            role: i % 2 ? 'assistant' : 'user',
            content: i === 7 ? odd : `imported ${i}`,
            model: i === 9 ? 'gpt-4o' : null,
            embedding: i % 5 === 0 ? [1, i, 0] : null,
          };
        }
      }
      const progress: number[] = [];
      const result = await store.importMessages(source(), { onProgress: (n) => progress.push(n) });
      expect(result).toEqual({ imported: total, sessions: 2, path: db.kind === 'postgres' ? 'copy' : 'insert' });
      expect(progress).toEqual([5000, 10_000, total]);
      expect(await store.countMessages(a.id)).toBe(1 + 8000);
      expect(await store.countMessages(b.id)).toBe(4001);

      // Stamped after the session's newest message, in input order.
      const history = await store.getHistory(a.id, { limit: 5 });
      expect(history.messages.map((m) => m.content)).toEqual([
        'imported 11993',
        'imported 11995',
        'imported 11996',
        'imported 11998',
        'imported 11999',
      ]);
      const oldest = (
        await db.query<{ content: string }>(
          'SELECT content FROM messages WHERE session_id = $1 ORDER BY created_at, id LIMIT 3',
          [a.id],
        )
      ).map((r) => r.content);
      expect(oldest).toEqual(['already here', 'imported 1', 'imported 2']);
      expect(await db.query('SELECT content, model FROM messages WHERE content = $1', [odd])).toEqual([
        { content: odd, model: null },
      ]);
      expect(await db.query('SELECT user_id, count(*)::int AS n FROM messages GROUP BY 1 ORDER BY 1')).toEqual([
        { user_id: 'u1', n: 8001 },
        { user_id: null, n: 4001 },
      ]);
      const newest = history.messages.at(-1)!;
      expect((await store.getSession(a.id)).updatedAt).toEqual(newest.createdAt);
      const hits = await store.searchMessages({ userId: 'u1', vector: [1, 10, 0], topK: 1 });
      expect(hits[0]!.message.content).toBe('imported 10');

      // A later append still goes after the imported history.
      const appended = await store.appendMessages(a.id, [{ role: 'user', content: 'after import' }]);
      expect(appended.messages[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(newest.createdAt.getTime());
      expect((await store.getHistory(a.id, { limit: 1 })).messages[0]!.content).toBe('after import');
    });

    it('keeps given timestamps and ids, and rolls the whole import back on a taken id, a missing or archived session, or bad input', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db);
      const s = await store.createSession({ userId: 'u' });
      const id = randomUUID();
      const at = new Date('2021-05-06T07:08:09.123Z');
      await store.importMessages([{ id, sessionId: s.id, role: 'user', content: 'old', createdAt: at }]);
      expect((await store.getHistory(s.id)).messages).toMatchObject([{ id, content: 'old', createdAt: at }]);

      const many = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ sessionId: s.id, role: 'user' as const, content: `x${i}` }));
      await expect(
        store.importMessages([...many(6000), { id, sessionId: s.id, role: 'user', content: 'dup' }]),
      ).rejects.toThrow(ConflictError);
      await expect(
        store.importMessages([...many(3), { sessionId: randomUUID(), role: 'user', content: 'x' }]),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.importMessages([...many(3), { sessionId: s.id, role: 'robot' as never, content: 'x' }]),
      ).rejects.toThrow(InvalidInputError);
      await expect(store.importMessages(42 as never)).rejects.toThrow(InvalidInputError);
      expect(await store.countMessages(s.id)).toBe(1);

      const archived = await store.createSession({});
      await db.query('UPDATE sessions SET status = $1 WHERE id = $2', [SessionStatus.COLD_ARCHIVED, archived.id]);
      await expect(store.importMessages([{ sessionId: archived.id, role: 'user', content: 'x' }])).rejects.toThrow(
        ConflictError,
      );
    });

    it('stamps in input order across milliseconds and sessions, takes sessions first named late, and keeps long multi-byte text whole', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db);
      const early = await store.createSession({ userId: 'early' });
      const late = await store.createSession({ userId: 'late' });
      const later = await store.createSession({ userId: 'later' });
      // Over 64 KiB of UTF-8 in one message (3 bytes a character), with COPY's special characters.
      const long = `${'长'.repeat(40_000)}\t\\N\n${'é'.repeat(20_000)}`;
      const input: ImportMessage[] = [];
      for (let i = 0; i < 16_000; i++) {
        // The late session is first named in the third chunk (messages 10,000 on), the later one
        // in the fourth (read ahead with the third, both locked before their rows are sent).
        const session = i >= 15_000 && i % 3 === 0 ? later : i >= 10_000 && i % 2 === 0 ? late : early;
        input.push({ sessionId: session.id, role: 'user', content: i === 10_500 ? long : `m${i} ✓` });
      }
      const result = await store.importMessages(input);
      expect(result).toMatchObject({ imported: 16_000, sessions: 3 });
      // One clock for the whole import: the stamps follow the input across sessions too.
      const all = await db.query<{ content: string }>('SELECT content FROM messages ORDER BY created_at, id');
      expect(all.map((r) => r.content)).toEqual(input.map((m) => m.content));
      for (const session of [early, late, later]) {
        const expected = input.filter((m) => m.sessionId === session.id);
        const rows = await db.query<{ content: string; user_id: string; at: string }>(
          `SELECT content, user_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at
           FROM messages WHERE session_id = $1 ORDER BY created_at, id`,
          [session.id],
        );
        expect(rows.map((r) => r.content)).toEqual(expected.map((m) => m.content));
        expect(new Set(rows.map((r) => r.at)).size).toBe(rows.length);
        expect(new Set(rows.map((r) => r.user_id))).toEqual(new Set([session.userId]));
        expect((await store.getSession(session.id)).updatedAt.toISOString()).toBe(
          (await store.getHistory(session.id, { limit: 1 })).messages[0]!.createdAt.toISOString(),
        );
      }
      expect(
        (await db.query<{ n: number }>('SELECT length(content) AS n FROM messages WHERE content = $1', [long]))[0]!.n,
      ).toBe(long.length);
    });

    it('rolls back on bad input, a taken id or a failing source after rows were already sent, and imports again afterwards', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db);
      const s = await store.createSession({});
      const taken = randomUUID();
      await store.importMessages([{ id: taken, sessionId: s.id, role: 'user', content: 'first' }]);
      const good = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ sessionId: s.id, role: 'user' as const, content: `x${i}` }));
      await expect(
        store.importMessages([...good(12_000), { sessionId: s.id, role: 'user', content: 'bad', embedding: [1] }]),
      ).rejects.toThrow(/chunk starting at message 10000/);
      await expect(
        store.importMessages([...good(12_000), { id: taken, sessionId: s.id, role: 'user', content: 'dup' }]),
      ).rejects.toThrow(ConflictError);
      async function* failing(): AsyncIterable<ImportMessage> {
        yield* good(7000);
        throw new Error('source broke');
      }
      await expect(store.importMessages(failing())).rejects.toThrow('source broke');
      expect(await store.countMessages(s.id)).toBe(1);
      expect(await store.importMessages(good(6000))).toMatchObject({ imported: 6000, sessions: 1 });
      expect(await store.countMessages(s.id)).toBe(6001);
    });

    it('joins the caller’s db.scope and rolls back with it', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db);
      const s = await store.createSession({});
      await expect(
        db.scope(async () => {
          const result = await store.importMessages([{ sessionId: s.id, role: 'user', content: 'in scope' }]);
          expect(result.path).toBe('insert');
          throw new Error('caller fails');
        }),
      ).rejects.toThrow('caller fails');
      expect(await store.countMessages(s.id)).toBe(0);
    });

    it('writes one import_messages audit row per session, in the import’s transaction (none when it rolls back)', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 3 });
      const store = createConversationStore(db, { actor: 'migrator' });
      const audit = () =>
        db.query<{ action: string; resource_type: string; resource_id: string; actor: string; details: unknown }>(
          `SELECT action, resource_type, resource_id, actor, details FROM audit_logs
            WHERE action = 'import_messages' ORDER BY resource_id`,
        );
      const owned = await store.createSession({ userId: 'u-import' });
      const anonymous = await store.createSession({});
      const path = db.kind === 'postgres' ? 'copy' : 'insert';
      const input = (n: number, sessionId: string) =>
        Array.from({ length: n }, (_, i) => ({ sessionId, role: 'user' as const, content: `h${i}` }));

      // Rolled back: a taken id after a full chunk was sent, and a caller's scope that fails.
      const taken = (await store.appendMessages(owned.id, [{ role: 'user', content: 'here' }])).insertedIds[0]!;
      await expect(
        store.importMessages([
          ...input(6000, owned.id),
          { id: taken, sessionId: owned.id, role: 'user', content: 'x' },
        ]),
      ).rejects.toThrow(ConflictError);
      await expect(
        db.scope(async () => {
          await store.importMessages(input(3, owned.id));
          throw new Error('caller fails');
        }),
      ).rejects.toThrow('caller fails');
      expect(await store.importMessages([])).toMatchObject({ imported: 0, sessions: 0 });
      expect(await audit()).toEqual([]);

      await store.importMessages([...input(7, owned.id), ...input(2, anonymous.id), ...input(3, owned.id)], {
        actor: 'ops',
      });
      const expected = [
        { session: owned, userId: 'u-import', messages: 10 },
        { session: anonymous, userId: null, messages: 2 },
      ].sort((x, y) => x.session.id.localeCompare(y.session.id));
      expect(await audit()).toEqual(
        expected.map(({ session, userId, messages }) => ({
          action: 'import_messages',
          resource_type: 'session',
          resource_id: session.id,
          actor: 'ops',
          details: { userId, messages, path },
        })),
      );
      // Without an actor of its own, the import is the store's actor's.
      await store.importMessages(input(1, anonymous.id));
      expect((await audit()).filter((r) => r.actor === 'migrator')).toHaveLength(1);
    });
  },
  { pgliteSnapshots: [3] },
);
