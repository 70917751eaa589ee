import { beforeAll, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { createConversationStore, type ConversationStore } from './index.js';
import { appendMessagesSql, fastAppendStatement, historySql } from './message-sql.js';
import { listSessionsSql } from './list-sessions-sql.js';
import { checkNewMessages } from './validate.js';

const SESSIONS = 40;
const PER_SESSION = 100;
const WIDE = 'ix_messages_session_id_created_at_id';

/** `EXPLAIN` of a statement planned with its values (a custom plan). */
async function explain(db: MemoryDb, text: string, values: readonly unknown[] = []): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, values);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

const literal = (v: unknown): string =>
  v === null || v === undefined
    ? 'NULL'
    : typeof v === 'number'
      ? String(v)
      : Array.isArray(v)
        ? `'{${v.map((x) => (x === null ? 'NULL' : `"${String(x).replace(/["\\]/g, '\\$&')}"`)).join(',')}}'`
        : `'${String(v).replace(/'/g, "''")}'`;

/**
 * The generic plan of a named statement: the one a pooled connection keeps once PostgreSQL stops
 * planning the statement for each call (forced here, so the test does not depend on when that is).
 */
async function explainGeneric(db: MemoryDb, text: string, values: readonly unknown[]): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await tx.query(`PREPARE memory_plan_probe AS ${text}`);
    try {
      const rows = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (COSTS OFF) EXECUTE memory_plan_probe(${values.map(literal).join(', ')})`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await tx.query('DEALLOCATE memory_plan_probe');
    }
  });
}

/** The line of `plan` that reads `messages` for the session's newest message (the append's stamp). */
function newestMessageRead(plan: string): string {
  const lines = plan.split('\n');
  const at = lines.findIndex((line) => /Limit/.test(line));
  expect(at, plan).toBeGreaterThanOrEqual(0);
  return lines[at + 1]!;
}

/**
 * Single-server engines: on Citus each statement is planned by the worker that holds the
 * session's shard, against the shard's copy of the index; routing-citus.int.test.ts checks those
 * statements go to one shard.
 */
describeEachDatabase(
  'messages without ix_messages_session_id: every read by session uses (session_id, created_at, id)',
  (ctx) => {
    let db: MemoryDb;
    let store: ConversationStore;
    let sessions: string[];

    beforeAll(async () => {
      db = await ctx.createDb({ embeddingDimensions: 4 });
      store = createConversationStore(db);
      sessions = [];
      for (let i = 0; i < SESSIONS; i++) sessions.push((await store.createSession({ userId: `u${i % 4}` })).id);
      await db.query(
        `INSERT INTO messages (id, session_id, role, content, created_at, user_id, shard_key)
         SELECT gen_random_uuid(), s.id, 'user', 'm' || g, now() + g * interval '1 millisecond', s.user_id, s.shard_key
         FROM sessions s, generate_series(1, $1::int) g`,
        [PER_SESSION],
      );
    }, 120_000);

    it('the migration dropped the original single-column index', async () => {
      const indexes = await db.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'messages' AND indexdef LIKE '%(session_id%'`,
      );
      expect(indexes.map((r) => r.indexdef.replace(/ ON \S+\./, ' ON '))).toEqual(
        expect.arrayContaining([`CREATE INDEX ${WIDE} ON messages USING btree (session_id, created_at, id)`]),
      );
      expect(indexes.map((r) => r.indexdef)).not.toContainEqual(expect.stringMatching(/ix_messages_session_id ON/));
    });

    it('the appends read the newest message with one backward probe, also before any ANALYZE', async () => {
      // Never analysed yet (autovacuum has not run on a fresh database): the case where a
      // statement with both indexes was planned as a walk of the whole session and a sort.
      const checkedOne = checkNewMessages([{ role: 'user', content: 'x' }], 4);
      const checkedMany = checkNewMessages(
        [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
        4,
      );
      const plans: string[] = [];
      for (const { statement, values } of [checkedOne, checkedMany].map((m) => fastAppendStatement(sessions[0]!, m)))
        plans.push(await explainGeneric(db, statement.text, values));
      const careful = appendMessagesSql(sessions[0]!, checkedMany);
      plans.push(await explain(db, careful.text, careful.values));
      for (const plan of plans) {
        expect(newestMessageRead(plan), plan).toMatch(
          new RegExp(`Index (Only )?Scan Backward using ${WIDE} on messages`),
        );
        expect(plan).not.toMatch(/Sort Key: m\.created_at DESC/);
        expect(plan).not.toMatch(/Seq Scan on messages/);
      }
    });

    it('the appends find their session by primary key: fresh, grown by dead row versions, and analysed', async () => {
      // A named statement keeps the generic plan it gets at its sixth run for the life of its
      // connection, on a fresh database while sessions is one page. There `WHERE id = $1 AND
      // status = 1` cost the same through (status, updated_at) as through the primary key, and
      // the plan walked every active session's entry in that index, and every dead one (each
      // append writes a new version of its session row: updated_at is indexed, so never HOT), on
      // every append, ever longer.
      const messages = [
        checkNewMessages([{ role: 'user', content: 'x' }], 4),
        checkNewMessages(
          [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: 'y' },
          ],
          4,
        ),
      ];
      for (const state of ['fresh', 'grown', 'analysed']) {
        if (state === 'grown')
          for (let i = 0; i < 150; i++)
            await db.query(`UPDATE sessions SET updated_at = updated_at + interval '1 microsecond'`);
        if (state === 'analysed') await db.query('ANALYZE sessions');
        for (const { statement, values } of messages.map((m) => fastAppendStatement(sessions[0]!, m))) {
          const plan = await explainGeneric(db, statement.text, values);
          // The indexes the plan reads sessions through (directly, or under a bitmap heap scan).
          const used = [
            ...plan.matchAll(
              /Index (?:Only )?Scan (?:Backward )?using (\S+) on sessions\b|Bitmap Index Scan on (\S+)/g,
            ),
          ].map((m) => m[1] ?? m[2]);
          expect(used.length, `${state}\n${plan}`).toBeGreaterThan(0);
          expect(new Set(used), `${state}\n${plan}`).toEqual(new Set(['sessions_pkey']));
          expect(plan).not.toMatch(/Seq Scan on sessions/);
        }
      }
    });

    it('our reads by session and the original library’s use the wide index, after ANALYZE too', async () => {
      for (const analysed of [false, true]) {
        if (analysed) await db.query('ANALYZE messages');
        const session = sessions[1]!;
        const history = historySql({ sessionId: session, before: null, after: null, fetch: 51 });
        const list = listSessionsSql({
          userId: 'u1',
          statuses: null,
          metadataContains: null,
          after: null,
          fetch: 21,
          previewLength: 80,
        });
        const statements: Array<[string, string, readonly unknown[]]> = [
          ['history page (getHistory)', history.text, history.values],
          ['session list previews (listSessions)', list.text, list.values],
          [
            'countMessages',
            `SELECT (SELECT count(*) FROM messages m WHERE m.session_id = s.id)::int AS n FROM sessions s WHERE s.id = $1::uuid`,
            [session],
          ],
          [
            'deleteSession, the archiver, purgeUser',
            `DELETE FROM messages WHERE session_id = ANY($1::uuid[])`,
            [[session]],
          ],
          // The original library: a session's messages in order, and its archival copy and delete.
          [
            'original: read a session',
            `SELECT id, role, content, model, created_at FROM messages WHERE session_id = $1 ORDER BY created_at`,
            [session],
          ],
          [
            'original: archive a session',
            `INSERT INTO messages_archive (id, session_id, role, content, created_at)
             SELECT id, session_id, role, content, created_at FROM messages WHERE session_id = $1`,
            [session],
          ],
          ['original: delete a session’s messages', `DELETE FROM messages WHERE session_id = $1`, [session]],
        ];
        for (const [what, text, values] of statements) {
          const plan = await explain(db, text, values);
          // An index scan, an index-only scan or a bitmap scan of the wide index; never a table scan.
          expect(plan, `${what}${analysed ? ', analysed' : ''}:\n${plan}`).toMatch(new RegExp(`(using|on) ${WIDE}\\b`));
          expect(plan, `${what}${analysed ? ', analysed' : ''}:\n${plan}`).not.toMatch(/Seq Scan on messages/);
        }
      }
    });
  },
  { engines: ['pglite', 'postgres'] },
);
