import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@memory/errors';
import { createMemoryDb, type MemoryDb } from '../memory-db.js';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase } from './citus-scratch.js';
import { distributeMemorySchema } from './distribute.js';
import { newSessionIdForUser, shardKeyOfSession, shardKeyOfUser } from './shard-key.js';
import type { ScratchDatabase } from '../testing/test-databases.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const DIMS = 3;

describe('distributeMemorySchema off Citus', () => {
  it('refuses a database without the citus extension, saying what to do', async () => {
    const db = createMemoryDb({ url: 'pglite://memory', embeddingDimensions: DIMS });
    try {
      await db.initDb();
      const error = await distributeMemorySchema(db).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(String((error as Error).message)).toMatch(/needs a Citus coordinator.*create extension citus/);
    } finally {
      await db.close();
    }
  });
});

/** The `Task Count` of a distributed plan (1 = routed to one shard). */
async function taskCount(db: MemoryDb, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, params);
  const text = rows.map((r) => r['QUERY PLAN']).join('\n');
  const match = /Task Count: (\d+)/.exec(text);
  if (!match) throw new Error(`no distributed plan for: ${sql}\n${text}`);
  return Number(match[1]);
}

const d = citusUrl ? describe : describe.skip;
d(`distributeMemorySchema on a Citus cluster${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`, () => {
  let scratch: ScratchDatabase;
  let db: MemoryDb;
  const legacySession = randomUUID();
  const legacyMessage = randomUUID();
  const user = 'user-中文-1';
  const userSession = newSessionIdForUser(user);

  beforeAll(async () => {
    scratch = await createCitusScratchDatabase(citusUrl!);
    db = createMemoryDb({ url: scratch.url, embeddingDimensions: DIMS });
    await db.initDb();
    // Rows as the original library writes them: no user id, no shard key.
    await db.query(`insert into sessions (id, updated_at, status) values ($1, now() - interval '30 days', 1)`, [
      legacySession,
    ]);
    await db.query(
      `insert into messages (id, session_id, role, content, created_at) values ($1, $2, 'user', 'hello', now())`,
      [legacyMessage, legacySession],
    );
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  }, 120_000);

  it('distributes the session group by shard_key, co-located, keys widened only here; audit by id; bookkeeping local', async () => {
    const report = await distributeMemorySchema(db, { shardCount: 8 });
    expect(report.distributed).toEqual(['sessions', 'messages', 'session_summaries', 'messages_archive', 'audit_logs']);
    expect(report.backfilled).toMatchObject({ sessions: 1, messages: 1 });
    expect(report.leftLocal).toContain('memory_migrations');
    // The audit log keeps its append-only trigger, on every shard (refusals tested in
    // reliability's audit-append-only suite, which runs on Citus too).
    expect(report.droppedTriggers).toEqual([]);
    const audit = await db.query<{ id: string }>(
      `insert into audit_logs (id, created_at, action, resource_type) values (gen_random_uuid(), now(), 'probe', 'test') returning id::text as id`,
    );
    await expect(db.query(`update audit_logs set action = 'x' where id = $1::uuid`, [audit[0]!.id])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(db.query(`delete from audit_logs where id = $1::uuid`, [audit[0]!.id])).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(db.query(`delete from audit_logs`)).rejects.toThrow(/append-only: DELETE refused/);
    const parts = await db.query<{ t: string; col: string; colocationid: number }>(
      `select logicalrelid::regclass::text as t, column_to_column_name(logicalrelid, partkey) as col, colocationid
         from pg_dist_partition order by 1`,
    );
    const byTable = Object.fromEntries(parts.map((p) => [p.t, p]));
    for (const t of ['sessions', 'messages', 'session_summaries', 'messages_archive']) {
      expect(byTable[t]?.col).toBe('shard_key');
      expect(byTable[t]?.colocationid).toBe(byTable.sessions!.colocationid);
    }
    expect(byTable.audit_logs?.col).toBe('id');
    const fk = await db.query<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'messages'::regclass and contype = 'f'`,
    );
    expect(fk.map((r) => r.def)).toEqual([
      'FOREIGN KEY (session_id, shard_key) REFERENCES sessions(id, shard_key) ON DELETE CASCADE',
    ]);
    const pk = await db.query<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'sessions'::regclass and contype = 'p'`,
    );
    expect(pk[0]?.def).toBe('PRIMARY KEY (id, shard_key)');
    const shards = await db.query<{ n: number }>(
      `select count(*)::int as n from citus_shards where table_name = 'sessions'::regclass`,
    );
    expect(shards[0]?.n).toBe(8);
    // The original's row is still there, with the key derived from its session id.
    const legacy = await db.query<{ shard_key: number }>(
      `select shard_key from messages where id = $1 and shard_key = $2`,
      [legacyMessage, shardKeyOfSession(legacySession)],
    );
    expect(legacy).toHaveLength(1);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const again = await distributeMemorySchema(db, { shardCount: 8 });
    expect(again.distributed).toEqual([]);
    expect(again.alreadyDistributed).toEqual([
      'sessions',
      'messages',
      'session_summaries',
      'messages_archive',
      'audit_logs',
    ]);
  });

  it('rejects a row without a shard key, and cascades a session delete to its messages on the shard', async () => {
    await expect(
      db.query(`insert into sessions (id, updated_at, status) values ($1, now(), 1)`, [randomUUID()]),
    ).rejects.toThrow();
    const k = shardKeyOfUser(user);
    await db.query(`insert into sessions (id, shard_key, user_id, updated_at, status) values ($1, $2, $3, now(), 1)`, [
      userSession,
      k,
      user,
    ]);
    await db.query(
      `insert into messages (id, shard_key, session_id, user_id, role, content, embedding, created_at)
       values ($1, $2, $3, $4, 'user', 'hi', '[1,0,0]', now()), ($5, $2, $3, $4, 'assistant', 'yo', '[0,1,0]', now())`,
      [randomUUID(), k, userSession, user, randomUUID()],
    );
    const other = newSessionIdForUser(user);
    await db.query(`insert into sessions (id, shard_key, user_id, updated_at, status) values ($1, $2, $3, now(), 1)`, [
      other,
      k,
      user,
    ]);
    await db.query(
      `insert into messages (id, shard_key, session_id, user_id, role, content, created_at) values ($1, $2, $3, $4, 'user', 'x', now())`,
      [randomUUID(), k, other, user],
    );
    await db.query(`delete from sessions where id = $1 and shard_key = $2`, [other, k]);
    const left = await db.query(`select 1 from messages where session_id = $1 and shard_key = $2`, [other, k]);
    expect(left).toHaveLength(0);
  });

  it('routes every per-session and per-user operation to one shard (EXPLAIN: Task Count 1)', async () => {
    const s = userSession;
    const k = shardKeyOfSession(s);
    const u = shardKeyOfUser(user);
    expect(k).toBe(u);
    const ops: [string, string, unknown[]][] = [
      [
        'append',
        `insert into messages (id, shard_key, session_id, user_id, role, content, created_at) values ($1, $2, $3, $4, 'user', 'x', now())`,
        [randomUUID(), k, s, user],
      ],
      ['touch session on append', `update sessions set updated_at = now() where id = $1 and shard_key = $2`, [s, k]],
      [
        'history',
        `select id, role, content from messages where session_id = $1 and shard_key = $2 order by created_at, id limit 50`,
        [s, k],
      ],
      [
        'session search',
        `select id from messages where session_id = $1 and shard_key = $2 order by embedding <=> '[1,0,0]' limit 5`,
        [s, k],
      ],
      [
        'user search',
        `select id from messages where user_id = $1 and shard_key = $2 order by embedding <=> '[1,0,0]' limit 5`,
        [user, u],
      ],
      [
        'summaries: write',
        `insert into session_summaries (id, shard_key, session_id, strategy, summary_json, created_at) values ($1, $2, $3, 's', '{}', now())`,
        [randomUUID(), k, s],
      ],
      [
        'summaries: latest',
        `select summary_text from session_summaries where session_id = $1 and shard_key = $2 order by created_at desc limit 1`,
        [s, k],
      ],
      [
        'session list of a user',
        `select id from sessions where user_id = $1 and shard_key = $2 order by updated_at desc, id desc limit 20`,
        [user, u],
      ],
      [
        'profile sync (recent messages of a user)',
        `select m.content from messages m join sessions x on x.id = m.session_id and x.shard_key = m.shard_key where x.user_id = $1 and m.shard_key = $2 order by m.created_at desc limit 200`,
        [user, u],
      ],
      [
        'export of a user',
        `select x.id, m.id from sessions x join messages m on m.session_id = x.id and m.shard_key = x.shard_key where x.user_id = $1 and x.shard_key = $2`,
        [user, u],
      ],
      ['purge of a user', `delete from sessions where user_id = $1 and shard_key = $2`, [user, u]],
      [
        'restore from the archive',
        `insert into messages (id, shard_key, session_id, role, content, created_at) select id, shard_key, session_id, role, content, created_at from messages_archive where session_id = $1 and shard_key = $2`,
        [s, k],
      ],
      [
        'archive a session',
        `insert into messages_archive (id, shard_key, session_id, role, content, created_at) select id, shard_key, session_id, role, content, created_at from messages where session_id = $1 and shard_key = $2`,
        [s, k],
      ],
    ];
    const counts = [];
    for (const [name, sql, params] of ops) counts.push([name, await taskCount(db, sql, params)]);
    expect(counts).toEqual(ops.map(([name]) => [name, 1]));
    // Without the key the same history query fans out to every shard: the key is what routes it.
    expect(await taskCount(db, `select id from messages where session_id = $1 order by created_at limit 50`, [s])).toBe(
      8,
    );
  });

  it('runs cross-user work (archive planning by age) as one parallel multi-shard query', async () => {
    const sql = `select id, shard_key from sessions where status = 1 and updated_at < now() - interval '7 days' order by updated_at limit 500`;
    expect(await taskCount(db, sql)).toBe(8);
    const due = await db.query<{ id: string }>(sql);
    expect(due.map((r) => r.id)).toContain(legacySession);
  });
});
