import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDb, type MemoryDb } from '../memory-db.js';
import type { ScratchDatabase } from '../testing/test-databases.js';
import { CITUS_TEST_URL_ENV, createCitusScratchDatabase } from './citus-scratch.js';
import { distributeMemorySchema } from './distribute.js';
import { newSessionIdForUser, shardKeyOfSession } from './shard-key.js';

const citusUrl = process.env[CITUS_TEST_URL_ENV];
const DIMS = 3;
const CLIENTS = 4;
const USERS = 16;

const d = citusUrl ? describe : describe.skip;
d(`growing the cluster under appends${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`, () => {
  let scratch: ScratchDatabase;
  let db: MemoryDb;
  let pool: pg.Pool;
  let added: { host: string; port: number };

  beforeAll(async () => {
    scratch = await createCitusScratchDatabase(citusUrl!);
    db = createMemoryDb({ url: scratch.url, embeddingDimensions: DIMS });
    await db.initDb();
    // Start with the coordinator and one worker: take the last worker out before any shard exists.
    const workers = await db.query<{ host: string; port: number }>(
      `select nodename as host, nodeport as port from pg_dist_node where groupid <> 0 order by nodeport`,
    );
    expect(workers.length).toBeGreaterThanOrEqual(2);
    added = workers.at(-1)!;
    await db.query(`select citus_remove_node($1, $2)`, [added.host, added.port]);
    await distributeMemorySchema(db, { shardCount: 8 });
    pool = new pg.Pool({ connectionString: scratch.url, max: CLIENTS + 2 });
  }, 240_000);
  afterAll(async () => {
    await pool?.end();
    await db?.close();
    await scratch?.drop();
  }, 120_000);

  it('adds a worker and rebalances online: every acknowledged append is there exactly once, search still returns topK', async () => {
    const users = Array.from({ length: USERS }, (_, i) => `rebalance-user-${i}`);
    const sessions = users.map((u) => newSessionIdForUser(u));
    for (const [i, s] of sessions.entries()) {
      await pool.query(
        `insert into sessions (id, shard_key, user_id, updated_at, status) values ($1, $2, $3, now(), 1)`,
        [s, shardKeyOfSession(s), users[i]],
      );
    }
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const client = async (c: number): Promise<void> => {
      let n = 0;
      while (!stop) {
        const i = (c + n * CLIENTS) % USERS;
        const s = sessions[i]!;
        const id = randomUUID();
        n += 1;
        try {
          await pool.query(
            `insert into messages (id, shard_key, session_id, user_id, role, content, embedding, created_at)
             values ($1, $2, $3, $4, 'user', $5, $6, now())`,
            [id, shardKeyOfSession(s), s, users[i], `m${n}`, `[${Math.random()},${Math.random()},${Math.random()}]`],
          );
          acknowledged.push(id);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const appenders = Array.from({ length: CLIENTS }, (_, c) => client(c));
    await new Promise((r) => setTimeout(r, 1000));
    await db.query(`select citus_add_node($1, $2)`, [added.host, added.port]);
    await db.query(`select citus_rebalance_start(shard_transfer_mode => 'force_logical')`);
    let state = '';
    for (let i = 0; i < 240; i++) {
      const rows = await db.query<{ state: string }>(`select state::text as state from citus_rebalance_status()`);
      state = rows[0]?.state ?? '';
      if (['finished', 'failed', 'cancelled'].includes(state)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(appenders);
    console.info(
      `[citus rebalance] ${acknowledged.length} appends acknowledged, ${failures.length} failed during the move (${[...new Set(failures)].slice(0, 3).join(' | ')})`,
    );
    expect(state).toBe('finished');
    const placement = await db.query<{ port: number; n: number }>(
      `select nodeport as port, count(*)::int as n from citus_shards where table_name = 'messages'::regclass group by 1 order by 1`,
    );
    expect(placement.map((p) => p.port)).toContain(added.port);
    const ids = await db.query<{ id: string; n: number }>(
      `select id::text as id, count(*)::int as n from messages where id = any($1::uuid[]) group by id`,
      [acknowledged],
    );
    expect(ids.length).toBe(acknowledged.length);
    expect(ids.every((r) => r.n === 1)).toBe(true);
    expect(failures).toEqual([]);
    const k = shardKeyOfSession(sessions[0]!);
    const top = await db.query(
      `select id from messages where user_id = $1 and shard_key = $2 order by embedding <=> '[1,0,0]' limit 5`,
      [users[0], k],
    );
    expect(top).toHaveLength(5);
  }, 300_000);
});
