/**
 * Seeding of the conversations benchmark's scratch databases, server-side where the data allows.
 * Rows are written as the store writes them on any engine, so the same seed serves single-node
 * PostgreSQL and a distributed (Citus) database: each session id carries its user's shard key in
 * its last four hex digits (what `createSession` mints with `newSessionIdForUser`), and every row
 * carries `shard_key`. On Citus the store's per-session and per-user statements then reach one shard.
 */
import type pg from 'pg';
import { vectorLiteral } from '../measure.js';
import { hnswIndexDefinition } from '../schema.js';
import { PER_SESSION } from './config.js';

/** SQL of `shardKeyOfUser(user)` from `@memory/db`: the first 16 bits of the SHA-256 of the user id. */
const userKeySql = (user: string) =>
  `('x' || left(encode(sha256(convert_to(${user}, 'UTF8')), 'hex'), 4))::bit(16)::int`;
/**
 * SQL of a deterministic session id for session `i` of `user`: `md5(prefix || i)` with its last four
 * hex digits replaced by the user's shard key, as `newSessionIdForUser` does to a random id.
 */
const sessionIdSql = (prefix: string, i: string, user: string) =>
  `(left(md5('${prefix}' || ${i}), 28) || lpad(to_hex(${userKeySql(user)}), 4, '0'))::uuid`;
/** The user of history session `i`. */
const HISTORY_USER = (i: string) => `'u' || (${i} % 1000)`;
/** The user of vector session `i`: 1 % `u-small`, 3 % `u-mid`, 96 % `u-big`. */
const VECTOR_USER = (i: string) =>
  `CASE WHEN ${i} % 100 = 0 THEN 'u-small' WHEN ${i} % 100 <= 3 THEN 'u-mid' ELSE 'u-big' END`;

/** `messages` rows in `sessions` sessions of PER_SESSION, written in time order (sessions interleave on disk, as in production). */
export async function seedHistory(pool: pg.Pool, messages: number): Promise<void> {
  const sessions = Math.ceil(messages / PER_SESSION);
  await pool.query(
    `INSERT INTO sessions (id, shard_key, updated_at, status, title, user_id, created_at)
     SELECT ${sessionIdSql('s', 'i', HISTORY_USER('i'))}, ${userKeySql(HISTORY_USER('i'))}, now(), 1, 'chat ' || i, ${HISTORY_USER('i')}, now() - interval '2 days'
       FROM generate_series(0, $1::int - 1) AS i`,
    [sessions],
  );
  const step = Math.max(1, Math.floor(200_000 / sessions));
  for (let from = 0; from < PER_SESSION; from += step) {
    const to = Math.min(PER_SESSION, from + step);
    await pool.query(
      `INSERT INTO messages (id, shard_key, session_id, role, content, model, created_at)
       SELECT md5('m' || i || '-' || j)::uuid, ${userKeySql(HISTORY_USER('i'))}, ${sessionIdSql('s', 'i', HISTORY_USER('i'))},
              CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
              repeat('message ' || j || ' of conversation ' || i || '. ', 4),
              CASE WHEN j % 2 = 1 THEN 'gpt-4o' END,
              now() - interval '2 days' + j * interval '1 minute' + i * interval '1 microsecond'
         FROM generate_series($1::int, $2::int - 1) AS j, generate_series(0, $3::int - 1) AS i
        ORDER BY j, i`,
      [from, to, sessions],
    );
  }
  await pool.query('VACUUM ANALYZE sessions');
  await pool.query('VACUUM ANALYZE messages');
}

/**
 * `count` messages with embeddings; session i belongs to `u-small` when i % 100 == 0 (1 %), to
 * `u-mid` when i % 100 is 1, 2 or 3 (3 %: at the store's exact-search threshold in the full size),
 * else to `u-big` (96 %). Returns the HNSW build time.
 */
export async function seedVectors(pool: pg.Pool, count: number, next: () => number[]): Promise<number> {
  const sessions = Math.ceil(count / PER_SESSION);
  await pool.query(
    `INSERT INTO sessions (id, shard_key, updated_at, status, title, user_id, created_at)
     SELECT ${sessionIdSql('v', 'i', VECTOR_USER('i'))}, ${userKeySql(VECTOR_USER('i'))}, now(), 1, 'chat ' || i, ${VECTOR_USER('i')}, now() - interval '1 day'
       FROM generate_series(0, $1::int - 1) AS i`,
    [sessions],
  );
  // Load before the index exists, then build it once, as the migrations define it.
  const indexDef = await hnswIndexDefinition(pool);
  await pool.query('DROP INDEX ix_messages_embedding_hnsw');
  const BATCH = 500;
  for (let from = 0; from < count; from += BATCH) {
    const n = Math.min(BATCH, count - from);
    const sessionIdx: number[] = [];
    const vectors: string[] = [];
    for (let k = 0; k < n; k++) {
      sessionIdx.push((from + k) % sessions);
      vectors.push(vectorLiteral(next()));
    }
    await pool.query(
      `INSERT INTO messages (id, shard_key, session_id, role, content, embedding, created_at)
       SELECT gen_random_uuid(), ${userKeySql(VECTOR_USER('t.s'))}, ${sessionIdSql('v', 't.s', VECTOR_USER('t.s'))}, 'user', 'vector message ' || t.ord, t.e::vector, now() - interval '1 day' + t.ord * interval '1 millisecond'
         FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS t(s, e, ord)`,
      [sessionIdx, vectors],
    );
  }
  const client = await pool.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'`);
    const started = performance.now();
    await client.query(indexDef);
    const buildMs = performance.now() - started;
    await client.query('VACUUM ANALYZE sessions');
    await client.query('VACUUM ANALYZE messages');
    return buildMs;
  } finally {
    client.release();
  }
}

/** `n` session ids in a fixed pseudo-random order (md5 of the id), from `offset`. */
export async function sessionIds(pool: pg.Pool, n: number, offset = 0): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM sessions ORDER BY md5(id::text) LIMIT $1 OFFSET $2`,
    [n, offset],
  );
  return rows.map((r) => r.id);
}
