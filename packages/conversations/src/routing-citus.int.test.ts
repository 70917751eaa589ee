import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, distributeMemorySchema, type MemoryDb, type SqlStatement } from '@memory/db';
import {
  CITUS_TEST_URL_ENV,
  citusTaskCount,
  createCitusScratchDatabase,
  type ScratchDatabase,
} from '@memory/db/testing';
import { createConversationStore } from './index.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];

/** The pieces of node-postgres's pool and client this file uses (`pg` is a dependency of `@memory/db`). */
interface NativePool {
  connect(): Promise<{
    query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    on(event: 'notice', listener: (notice: { message?: string; detail?: string }) => void): void;
    release(): void;
  }>;
}
const d = citusUrl ? describe : describe.skip;

interface Sent {
  text: string;
  values: readonly unknown[];
}

/** A statement as the store sends it: text, a named `{ name, text }`, or a `SqlStatement` with its values. */
type Statement = string | { text: string; values?: readonly unknown[] };
const parts = (statement: Statement, values: readonly unknown[]): Sent =>
  typeof statement === 'string'
    ? { text: statement, values }
    : { text: statement.text, values: statement.values ?? values };

/** The db as the store sees it, recording every statement and its values (in and out of transactions). */
function recording(db: MemoryDb, sent: Sent[]): MemoryDb {
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'query')
        return (statement: Statement, values: readonly unknown[] = [], ...rest: unknown[]) => {
          sent.push(parts(statement, values));
          return (target.query as (...a: unknown[]) => unknown)(statement, values, ...rest);
        };
      if (key === 'transaction')
        return (fn: (tx: { query: MemoryDb['query'] }) => unknown, ...rest: unknown[]) =>
          (target.transaction as (...a: unknown[]) => unknown)(
            (tx: { query: (statement: Statement, values?: readonly unknown[]) => unknown }) =>
              fn({
                query: ((statement: Statement, values: readonly unknown[] = []) => {
                  sent.push(parts(statement, values));
                  return tx.query(statement, values);
                }) as MemoryDb['query'],
              }),
            ...rest,
          );
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Every statement the store sends for per-user and per-session operations is EXPLAINed with its
 * own values on the cluster: a single task (one worker). The statements that span shards by
 * design are named with the reason.
 */
d(
  `the store's own statements on Citus run on one shard [citus]${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`,
  () => {
    let scratch: ScratchDatabase;
    let db: MemoryDb;

    beforeAll(async () => {
      scratch = await createCitusScratchDatabase(citusUrl!);
      db = createMemoryDb({ url: scratch.url, embeddingDimensions: 3 });
      await db.initDb();
      await distributeMemorySchema(db, { shardCount: 8 });
    }, 300_000);
    afterAll(async () => {
      await db?.close();
      await scratch?.drop();
    }, 120_000);

    it('one append is one transaction on one worker: no two-phase commit', async () => {
      const store = createConversationStore(db);
      const s = await store.createSession({ userId: 'one-worker' });
      // The store's statements on one pooled connection of our own, with Citus reporting every
      // command it sends to a worker (as notices naming the worker).
      const pool = await (
        db.orm.driver.getConnection() as unknown as { getNativeClient(): Promise<NativePool> }
      ).getNativeClient();
      const client = await pool.connect();
      const remote: Array<{ message: string; detail: string }> = [];
      try {
        await client.query('SET citus.log_remote_commands = on');
        await client.query('SET client_min_messages = log');
        client.on('notice', (n: { message?: string; detail?: string }) => {
          if (/^issuing /.test(n.message ?? '')) remote.push({ message: n.message!, detail: n.detail ?? '' });
        });
        const run = async (statement: string | SqlStatement, values: readonly unknown[] = []) =>
          typeof statement === 'string'
            ? (await client.query(statement, [...values])).rows
            : (await client.query(statement.text, [...statement.values])).rows;
        const onClient = new Proxy(db, {
          get(target, key, receiver) {
            if (key === 'query') return run;
            if (key === 'inTransaction') return () => false;
            if (key === 'transaction')
              return async (fn: (tx: { query: typeof run }) => Promise<unknown>) => {
                await client.query('BEGIN');
                try {
                  const out = await fn({ query: run });
                  await client.query('COMMIT');
                  return out;
                } catch (error) {
                  await client.query('ROLLBACK');
                  throw error;
                }
              };
            const value: unknown = Reflect.get(target, key, receiver);
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
        const appending = createConversationStore(onClient);
        await appending.countMessages(s.id); // the one-time layout probe, outside the count below
        remote.length = 0;
        const result = await appending.appendMessages(s.id, [{ role: 'user', content: 'one worker' }]);
        expect(result.insertedIds).toHaveLength(1);
        expect(remote.length).toBeGreaterThan(0);
        expect(remote.filter((r) => /PREPARE TRANSACTION|COMMIT PREPARED/.test(r.message))).toEqual([]);
        const servers = new Set(remote.map((r) => /on server \S+@([^\s]+)/.exec(r.detail)?.[1] ?? r.detail));
        expect(servers.size).toBe(1);
      } finally {
        client.release();
      }
      expect(await store.countMessages(s.id)).toBe(1);
    });

    it('append, history, count, search, summaries, edits, lists, export, purge, delete: Task Count 1', async () => {
      const sent: Sent[] = [];
      const store = createConversationStore(recording(db, sent), { exactSearchThreshold: 0 });
      const s = await store.createSession({ userId: 'routed' });
      const other = await store.createSession({ userId: 'routed' });
      const byOperation = new Map<string, Sent[]>();
      const record = async (name: string, fn: () => Promise<unknown>) => {
        const from = sent.length;
        await fn();
        byOperation.set(name, sent.slice(from));
      };

      await record('append', () =>
        store.appendMessages(s.id, [
          { role: 'user', content: 'a', embedding: [1, 0, 0] },
          { role: 'assistant', content: 'b', embedding: [0, 1, 0] },
        ]),
      );
      const history = await store.getHistory(s.id);
      await record('history', () => store.getHistory(s.id, { limit: 1 }));
      await record('count', () => store.countMessages(s.id, { includeArchived: true }));
      await record('session search', () =>
        store.searchMessages({ sessionId: s.id, vector: [1, 0, 0], topK: 1, around: 1 }),
      );
      await record('user search', () => store.searchMessages({ userId: 'routed', vector: [1, 0, 0], topK: 1 }));
      await record('summary', () =>
        store.saveSummary(s.id, { strategy: 'context_compression_v2', json: { todos: [] } }),
      );
      await record('summaries', () => store.listSummaries(s.id));
      await record('rename', () => store.renameSession(s.id, 'renamed'));
      await record('patch', () => store.patchSessionMetadata(s.id, { k: 1 }));
      await record('user list', () => store.listSessions({ userId: 'routed' }));
      await record('edit', () => store.updateMessage(history.messages[0]!.id, { content: 'a2' }));
      await record('delete message', () => store.deleteMessage(history.messages[1]!.id));
      await record('export', async () => {
        for await (const line of store.exportUser('routed')) void line;
      });
      await record('delete session', () => store.deleteSession(other.id));
      await record('purge', () => store.purgeUser('routed', { longTermStorage: null }));

      // Spanning shards by design (docs/citus.md): the audit log is distributed by its own id; a
      // message edit by id alone first finds the message's session on every shard; export and purge
      // first find every session of the user (complete even for sessions on keys of their own).
      const multiShard = [
        /FROM audit_logs|audit_logs a/,
        /SELECT COALESCE\(\(SELECT session_id FROM messages WHERE id = \$1::uuid\)/,
        /FROM sessions s WHERE s\.user_id = \$1 ORDER BY s\.id LIMIT/,
        /SELECT id, shard_key FROM sessions WHERE user_id = \$1/,
      ];
      const checked: string[] = [];
      const wrong: Array<{ name: string; text: string; tasks: string | undefined }> = [];
      for (const [name, statements] of byOperation) {
        for (const { text, values } of statements) {
          if (/pg_catalog\./.test(text)) continue; // the store's one-time layout probe
          if (/^\s*(SET|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(text)) continue;
          if (!/\b(sessions|messages|session_summaries|messages_archive)\b/.test(text)) continue;
          if (multiShard.some((re) => re.test(text))) continue;
          // The whole plan: one Task Count of 1 and no distributed subplan.
          const tasks = await citusTaskCount(db, text, values);
          if (tasks !== '1') wrong.push({ name, text: text.slice(0, 120), tasks });
          checked.push(name);
        }
      }
      expect(wrong).toEqual([]);
      // Every operation had at least one statement checked; the append all four of its own
      // (lock, look-up, insert, updated_at).
      expect([...new Set(checked)].sort()).toEqual([...byOperation.keys()].sort());
      expect(checked.filter((name) => name === 'append')).toHaveLength(4);
    });
  },
);
