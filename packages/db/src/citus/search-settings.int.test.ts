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
const ROWS = 3;

/** Whether HNSW settings set in a search transaction reach the worker that runs the search. */
const d = citusUrl ? describe : describe.skip;
d(`HNSW search settings on Citus${citusUrl ? '' : ` (set ${CITUS_TEST_URL_ENV} to run)`}`, () => {
  let scratch: ScratchDatabase;
  let db: MemoryDb;
  const user = 'settings-user';
  const session = newSessionIdForUser(user);
  const k = shardKeyOfSession(session);
  // A router query is sent whole to the worker: current_setting() there reads the worker's value.
  const search = `select current_setting('hnsw.ef_search') as ef from messages where shard_key = ${k} and session_id = '${session}' limit 1`;

  beforeAll(async () => {
    scratch = await createCitusScratchDatabase(citusUrl!);
    db = createMemoryDb({ url: scratch.url, embeddingDimensions: DIMS });
    await db.initDb();
    await distributeMemorySchema(db, { shardCount: 4 });
    await db.query(`insert into sessions (id, shard_key, user_id, updated_at, status) values ($1, $2, $3, now(), 1)`, [
      session,
      k,
      user,
    ]);
    for (let i = 0; i < ROWS; i++) {
      await db.query(
        `insert into messages (id, shard_key, session_id, user_id, role, content, embedding, created_at) values ($1, $2, $3, $4, 'user', 'x', $5, now())`,
        [randomUUID(), k, session, user, `[${Math.random()},${Math.random()},${Math.random()}]`],
      );
    }
  }, 240_000);
  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  }, 120_000);

  const workerEfSearch = async (settings: string[]): Promise<number> => {
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      await client.query('begin');
      for (const s of settings) await client.query(s);
      const { rows } = await client.query<{ ef: string }>(search);
      await client.query('commit');
      return Number(rows[0]?.ef);
    } finally {
      await client.end();
    }
  };

  it('set_config(..., true) (what the conversations store does today) does not reach the workers', async () => {
    expect(await workerEfSearch([`select set_config('hnsw.ef_search', '123', true)`])).toBe(40);
  });

  it('SET LOCAL reaches the workers once distributeMemorySchema set citus.propagate_set_commands for the database', async () => {
    // A new connection gets the database's setting (connections opened before keep theirs).
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const { rows } = await client.query<{ v: string }>(`select current_setting('citus.propagate_set_commands') as v`);
    await client.end();
    expect(rows[0]?.v).toBe('local');
    expect(await workerEfSearch([`set local hnsw.ef_search = 123`])).toBe(123);
    expect(await workerEfSearch([])).toBe(40);
  });
});
