import { randomUUID } from 'node:crypto';
import { DatabaseError, InvalidInputError } from '@memory/errors';
import { AuditLog, Message, MessageArchive, MessageRole, Session, SessionStatus, SessionSummary } from '@memory/models';
import { RequestContext } from '@mikro-orm/core';
import { expect, it } from 'vitest';
import { describeEachDatabase } from './testing/index.js';

describeEachDatabase(
  'MemoryDb',
  (ctx) => {
    it('names the engine in the test name and hands out its own database', async ({ task }) => {
      expect(task.fullName).toContain(`MemoryDb ${ctx.label}`);
      expect(ctx.url).toMatch(
        ctx.kind === 'postgres' ? /^postgresql:\/\/.*\/memory_test_[0-9a-z]+_[0-9a-f]{12}$/ : /^pglite:\/\//,
      );
      const db = await ctx.createDb();
      expect(await db.fork().count(Session, {})).toBe(0);
    });

    it('shares the scope EntityManager and transaction with em() and execute() inside a scope', async () => {
      const db = await ctx.createDb();
      const id = randomUUID();
      await expect(
        db.scope(async (em) => {
          expect(db.em()).toBe(em);
          em.create(Session, { id, title: 'inside' });
          await em.flush();
          // Sees the uncommitted row: same transaction (on PGlite, a second connection would deadlock).
          expect(await db.execute('select title from sessions where id = ?', [id])).toEqual([{ title: 'inside' }]);
          await db.execute('update sessions set title = ? where id = ?', ['changed', id]);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await db.execute('select title from sessions where id = ?', [id])).toEqual([]);
      expect(db.em()).not.toBe(db.em());
      await db.close();
      await db.close();
    });

    it('round-trips every entity, with vectors and non-ASCII JSON', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      expect(db.kind).toBe(ctx.kind);
      expect(db.embeddingDimensions).toBe(4);
      const archivedAt = new Date('2026-01-02T03:04:05.678Z');
      const ids = await db.scope(async (em) => {
        const session = em.create(Session, {
          title: '中文会话',
          userId: '用户1',
          metadata: { 标签: ['测试', 'ü'], n: 1 },
        });
        const message = em.create(Message, {
          session,
          role: MessageRole.ASSISTANT,
          content: '你好，世界 🌏',
          model: 'gpt-x',
          embedding: [0.5, -1, 2.25, 0],
        });
        const summary = em.create(SessionSummary, {
          session,
          strategy: 'context_compression_v2',
          strategyVersion: '2.1',
          summaryText: '摘要',
          summaryJson: {
            decision_points: ['用 PGlite'],
            todos: ['写测试'],
            entities: { files: ['a.ts'], tools: ['grep'] },
            context_state: '进行中',
            code_snippets: [{ language: 'ts', code: 'let x = 1', purpose: '示例' }],
            extra: { nested: true },
          },
        });
        const archived = em.create(MessageArchive, {
          sessionId: session.id,
          role: MessageRole.USER,
          content: '旧消息',
          createdAt: archivedAt,
          model: 'm',
          embedding: [1, 2, 3, 4],
        });
        const audit = db.logAudit(em, {
          action: 'delete_session',
          resourceType: 'session',
          resourceId: session.id,
          details: { 原因: '测试' },
          actor: 'tester',
        });
        return {
          session: session.id,
          message: message.id,
          summary: summary.id,
          archived: archived.id,
          audit: audit.id,
        };
      });

      const em = db.fork();
      const session = await em.findOneOrFail(Session, ids.session);
      expect(session).toMatchObject({
        title: '中文会话',
        userId: '用户1',
        status: SessionStatus.ACTIVE,
        metadata: { 标签: ['测试', 'ü'], n: 1 },
      });
      expect(session.updatedAt).toBeInstanceOf(Date);
      expect(session.createdAt).toBeInstanceOf(Date);
      const message = await em.findOneOrFail(Message, ids.message);
      expect(message).toMatchObject({
        role: 'assistant',
        content: '你好，世界 🌏',
        model: 'gpt-x',
        embedding: [0.5, -1, 2.25, 0],
      });
      expect(message.session.id).toBe(ids.session);
      const summary = await em.findOneOrFail(SessionSummary, ids.summary);
      expect(summary.summaryJson).toMatchObject({
        decision_points: ['用 PGlite'],
        code_snippets: [{ purpose: '示例' }],
        extra: { nested: true },
      });
      const archived = await em.findOneOrFail(MessageArchive, ids.archived);
      expect(archived).toMatchObject({
        sessionId: ids.session,
        content: '旧消息',
        embedding: [1, 2, 3, 4],
        model: 'm',
      });
      expect(archived.createdAt.toISOString()).toBe(archivedAt.toISOString());
      const audit = await em.findOneOrFail(AuditLog, ids.audit);
      expect(audit).toMatchObject({
        action: 'delete_session',
        resourceType: 'session',
        resourceId: ids.session,
        details: { 原因: '测试' },
        actor: 'tester',
      });
    });

    it('rolls back everything when the scope throws', async () => {
      const db = await ctx.sharedDb();
      const id = randomUUID();
      await expect(
        db.scope(async (em) => {
          em.create(Session, { id, title: 'doomed' });
          db.logAudit(em, { action: 'create', resourceType: 'session', resourceId: id });
          await em.flush();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.fork().count(Session, { id })).toBe(0);
      expect(await db.fork().count(AuditLog, { resourceId: id })).toBe(0);
    });

    it('deletes messages and summaries with their session', async () => {
      const db = await ctx.sharedDb();
      const sessionId = await db.scope(async (em) => {
        const session = em.create(Session, {});
        em.create(Message, { session, role: 'user', content: 'a' });
        em.create(Message, { session, role: 'assistant', content: 'b' });
        em.create(SessionSummary, { session, strategy: 's', summaryJson: {} });
        return session.id;
      });
      await db.scope(async (em) => {
        em.remove(em.getReference(Session, sessionId));
      });
      const rows = await db.execute<{ m: number; s: number }>(
        'select (select count(*)::int from messages where session_id = ?) as m, (select count(*)::int from session_summaries where session_id = ?) as s',
        [sessionId, sessionId],
      );
      expect(rows[0]).toEqual({ m: 0, s: 0 });
    });

    it('query() binds $n parameters, joins the scope transaction and maps errors', async () => {
      const db = await ctx.sharedDb();
      const id = randomUUID();
      const tricky = "it's ? $1 -- '; drop table sessions; 中文";
      await expect(
        db.scope(async (em) => {
          em.create(Session, { id, title: tricky, userId: 'q-user' });
          await em.flush();
          expect(await db.query('select title from sessions where id = $1 and user_id = $2', [id, 'q-user'])).toEqual([
            { title: tricky },
          ]);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await db.query('select title from sessions where id = $1', [id])).toEqual([]);
      await db.scope((em) => void em.create(Session, { id, title: tricky, metadata: { a: 1 } }));
      expect(
        await db.query<{ title: string; a: string }>(
          "select title, metadata->>'a' as a from sessions where id = $1 and metadata ? 'a'",
          [id],
        ),
      ).toEqual([{ title: tricky, a: '1' }]);
      await expect(db.query('select $1::text', ['x\u0000'])).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('parameter $1'),
      );
      await expect(db.query('select * from no_such_table')).rejects.toSatisfy(
        (e) => DatabaseError.isInstance(e) && (e as DatabaseError).details.code === '42P01',
      );
    });

    it('transaction() commits its statements together, rolls them all back on a throw, and maps errors', async () => {
      const db = await ctx.sharedDb();
      const [a, b] = [randomUUID(), randomUUID()];
      const insert = `insert into sessions (id, title, status, created_at, updated_at, shard_key) values ($1, $2, 1, now(), now(), ('x' || right($1::uuid::text, 4))::bit(16)::int)`;
      const returned = await db.transaction(async (tx) => {
        await tx.query(insert, [a, 'first']);
        // Seen inside its own transaction.
        return tx.query<{ title: string }>('select title from sessions where id = $1', [a]);
      });
      expect(returned).toEqual([{ title: 'first' }]);
      expect(await db.query('select title from sessions where id = $1', [a])).toEqual([{ title: 'first' }]);

      await expect(
        db.transaction(async (tx) => {
          await tx.query(insert, [b, 'second']);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await db.query('select 1 from sessions where id = $1', [b])).toEqual([]);

      // A failing statement rolls back the statements before it, and comes out typed with its SQLSTATE.
      await expect(
        db.transaction(async (tx) => {
          await tx.query(insert, [b, 'second']);
          await tx.query(insert, [a, 'duplicate']);
        }),
      ).rejects.toSatisfy((e) => DatabaseError.isInstance(e) && (e as DatabaseError).details.code === '23505');
      expect(await db.query('select 1 from sessions where id = $1', [b])).toEqual([]);
      await expect(db.transaction((tx) => tx.query('select $1::text', ['x\u0000']))).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('parameter $1'),
      );

      // The connection went back to the pool in a clean state: the next transaction works.
      expect(await db.transaction((tx) => tx.query<{ n: number }>('select 1::int as n'))).toEqual([{ n: 1 }]);
    });

    it('transaction() refuses statements after it ended, and nests as a savepoint inside a scope', async () => {
      const db = await ctx.sharedDb();
      let leaked: { query(sql: string): Promise<unknown> } | undefined;
      await db.transaction(async (tx) => {
        leaked = tx;
        await tx.query('select 1');
      });
      await expect(leaked!.query('select 1')).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && /has ended/.test((e as Error).message),
      );

      const [kept, undone, gone] = [randomUUID(), randomUUID(), randomUUID()];
      const insert = `insert into sessions (id, title, status, created_at, updated_at, shard_key) values ($1, $2, 1, now(), now(), ('x' || right($1::uuid::text, 4))::bit(16)::int)`;
      await db.scope(async () => {
        await db.transaction((tx) => tx.query(insert, [kept, 'kept']));
        await expect(
          db.transaction(async (tx) => {
            await tx.query(insert, [undone, 'undone']);
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
        // The caller's transaction sees the nested work before it commits.
        expect(await db.query('select title from sessions where id = $1', [kept])).toEqual([{ title: 'kept' }]);
      });
      const titles = await db.query<{ title: string }>('select title from sessions where id = any($1::uuid[])', [
        [kept, undone],
      ]);
      expect(titles.map((r) => r.title)).toEqual(['kept']);

      // The caller's rollback takes the nested transaction's work with it.
      await expect(
        db.scope(async () => {
          await db.transaction((tx) => tx.query(insert, [gone, 'nested']));
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await db.query('select 1 from sessions where id = $1', [gone])).toEqual([]);
    });

    it('nests a scope called inside a scope (savepoint) instead of opening a second transaction', async () => {
      const db = await ctx.sharedDb();
      const [kept, undone, outerOnly] = [randomUUID(), randomUUID(), randomUUID()];
      await db.scope(async (outer) => {
        await db.scope((inner) => void inner.create(Session, { id: kept, title: 'kept' }));
        await expect(
          db.scope(async (inner) => {
            inner.create(Session, { id: undone, title: 'undone' });
            await inner.flush();
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
        outer.create(Session, { id: outerOnly, title: 'outer' });
      });
      const titles = await db.query<{ title: string }>(
        'select title from sessions where id = any($1::uuid[]) order by title',
        [[kept, undone, outerOnly]],
      );
      expect(titles.map((r) => r.title)).toEqual(['kept', 'outer']);

      // The outer rollback takes the nested work with it.
      const gone = randomUUID();
      await expect(
        db.scope(async () => {
          await db.scope((inner) => void inner.create(Session, { id: gone, title: 'nested' }));
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await db.query('select 1 from sessions where id = $1', [gone])).toEqual([]);
    });

    it("uses a MikroORM RequestContext of its own ORM, never another one's", async () => {
      const db = await ctx.sharedDb();
      const other = await ctx.createDb();
      const requestEm = db.fork();
      await RequestContext.create(requestEm, async () => {
        expect(db.em()).toBe(RequestContext.getEntityManager());
        expect(other.em()).not.toBe(RequestContext.getEntityManager());
        expect(other.fork().getDriver()).toBe(other.orm.driver);
        // Another database's work inside this request context goes to that database.
        const id = await other.scope((em) => em.create(Session, { title: 'other db' }).id);
        expect(await other.query('select title from sessions where id = $1', [id])).toEqual([{ title: 'other db' }]);
        expect(await other.execute('select title from sessions where id = ?', [id])).toEqual([{ title: 'other db' }]);
        expect(await db.query('select title from sessions where id = $1', [id])).toEqual([]);
        await other.initDb();
        expect(other.em().getDriver()).toBe(other.orm.driver);
        expect(db.em().getDriver()).toBe(db.orm.driver);
      });
    });

    it('sends MikroORM log lines to the logger option', async () => {
      const lines: string[] = [];
      const db = await ctx.createDb({ logger: (line) => lines.push(line) });
      await db.scope((em) => em.find(Session, { title: 'logged' }));
      expect(lines.some((line) => /select .* from "sessions"/.test(line))).toBe(true);
    });

    it('refuses vectors of the wrong dimension or with NaN before they reach the database', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const sessionId = await db.scope((em) => em.create(Session, {}).id);
      const attempt = (embedding: number[]) =>
        db.scope(async (em) => {
          em.create(Message, { session: sessionId, role: 'user', content: 'x', embedding });
        });
      await expect(attempt([1, 2])).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && /stores 4/.test((e as Error).message),
      );
      await expect(attempt([1, Number.NaN, 3, 4])).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && /NaN/.test((e as Error).message),
      );
      await expect(attempt([1, Number.POSITIVE_INFINITY, 3, 4])).rejects.toSatisfy(
        InvalidInputError.isInstance.bind(InvalidInputError),
      );
      expect(await db.fork().count(Message, {})).toBe(0);
    });

    it('refuses text or JSON holding NUL with an error naming the field', async () => {
      const db = await ctx.sharedDb();
      await expect(db.scope(async (em) => void em.create(Session, { title: 'a\u0000b' }))).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('Session.title'),
      );
      await expect(
        db.scope(async (em) => void em.create(Session, { metadata: { k: ['ok', 'x\u0000'] } })),
      ).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('Session.metadata.k[1]'),
      );
      const sessionId = await db.scope((em) => em.create(Session, {}).id);
      await expect(
        db.scope(async (em) => {
          const message = em.create(Message, { session: sessionId, role: 'user', content: 'fine' });
          await em.flush();
          message.content = 'bad\u0000';
        }),
      ).rejects.toSatisfy((e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('Message.content'));
      // Raw SQL: text parameters are checked before sending; JSON text is refused by PostgreSQL
      // itself (22P05), which is mapped to the same error.
      const insert = 'insert into audit_logs (id, action, resource_type, resource_id, details) values (?, ?, ?, ?, ?)';
      await expect(db.execute(insert, [randomUUID(), 'a', 'b', 'x\u0000y', null])).rejects.toSatisfy(
        (e) => InvalidInputError.isInstance(e) && (e as Error).message.includes('parameter 4'),
      );
      await expect(
        db.execute(insert, [randomUUID(), 'a', 'b', null, JSON.stringify({ k: 'x\u0000' })]),
      ).rejects.toSatisfy(
        (e) =>
          InvalidInputError.isInstance(e) &&
          /NUL character/.test((e as Error).message) &&
          (e as InvalidInputError).details.code === '22P05',
      );
      // Other driver errors come out as DatabaseError with the SQLSTATE.
      await expect(db.execute(insert, [randomUUID(), 'a'.repeat(65), 'b', null, null])).rejects.toSatisfy(
        (e) => DatabaseError.isInstance(e) && (e as DatabaseError).details.code === '22001',
      );
    });
  },
  { pgliteSnapshots: [1536, 4] },
);

describeEachDatabase(
  'MemoryDb on a connection that breaks',
  (ctx) => {
    it('closes after the connection of a scope was cut mid-transaction (the broken client is destroyed, not waited for)', async () => {
      const db = await ctx.createDb({ embeddingDimensions: 4 });
      const failed = db.scope(async (em) => {
        const [row] = await db.query<{ pid: number }>('select pg_backend_pid() as pid', [], em);
        // Another pooled connection ends this one, as a network cut or an administrator would.
        await db.query('select pg_terminate_backend($1)', [row!.pid]);
        await db.query('select 1', [], em);
      });
      await expect(failed).rejects.toSatisfy((e) => DatabaseError.isInstance(e));
      // Before the fix close() waited for the broken client for ever; a hang shows as 'open'.
      const closed = await Promise.race([
        db.close().then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('open'), 15_000)),
      ]);
      expect(closed).toBe('closed');
    });
  },
  { engines: ['postgres'] },
);
