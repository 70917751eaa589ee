/** Plain `pg` in the peers benchmark: hand-written SQL on a table of this project's message columns (the baseline). */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { vectorLiteral } from '../measure.js';
import { CONTENT, DIMS, POOL, roleAt } from './config.js';
import { seedThread, type System } from './system.js';

export type PlainSystem = System & {
  pool: pg.Pool;
  /**
   * The append baseline of issue 11's targets: one autocommit `INSERT` of one message into
   * `messages_same` (our table's columns, keys and indexes, made by `mirrorMessages`), writing the
   * columns ours writes (`id, session_id, role, content, model, created_at, user_id, shard_key`).
   */
  appendOneSame(sessionId: string, userId: string, role: 'user' | 'assistant'): Promise<void>;
  /** The same as {@link PlainSystem.appendOneSame} for `n` messages in one multi-row `INSERT`. */
  appendBatchSame(sessionId: string, userId: string, n: number): Promise<void>;
};

/** The columns ours writes on an append, in the order the same-table baseline sends them. */
const SAME_COLUMNS = 'id, session_id, role, content, model, created_at, user_id, shard_key';

/** The `shard_key` a session's rows carry (the last 16 bits of its id, as the bulk baseline writes it). */
export const shardKeyOf = (sessionId: string): number => Number.parseInt(sessionId.slice(-4), 16);

/** Plain `pg`, hand-written SQL on a table of the same columns. */
export async function plainSystem(url: string, hnswDef: string): Promise<PlainSystem> {
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const aux = new pg.Pool({ connectionString: url, max: 1 });
  for (const sql of [
    'CREATE EXTENSION IF NOT EXISTS vector',
    `CREATE TABLE sessions (id uuid PRIMARY KEY, user_id text, updated_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE messages (
       id uuid PRIMARY KEY,
       session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
       role varchar(32) NOT NULL,
       content text NOT NULL,
       model varchar(128),
       embedding vector(${DIMS}),
       created_at timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
    'CREATE INDEX messages_session_created ON messages (session_id, created_at)',
    // The same HNSW index as this project's (its definition read back from its database).
    hnswDef,
  ])
    await aux.query(sql);
  const multiRow = (rows: number, cols: number) =>
    Array.from(
      { length: rows },
      (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(', ')})`,
    ).join(', ');
  return {
    name: 'plain pg',
    pool,
    aux,
    async createSessions(sessions) {
      await aux.query(`INSERT INTO sessions (id, user_id) SELECT * FROM unnest($1::uuid[], $2::text[])`, [
        sessions.map((s) => s.id),
        sessions.map((s) => s.userId),
      ]);
    },
    async appendOne(sessionId, _userId, role) {
      await pool.query('INSERT INTO messages (id, session_id, role, content, model) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        sessionId,
        role,
        CONTENT,
        role === 'assistant' ? 'gpt-4o' : null,
      ]);
    },
    async appendOneSame(sessionId, userId, role) {
      await pool.query(`INSERT INTO messages_same (${SAME_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        randomUUID(),
        sessionId,
        role,
        CONTENT,
        role === 'assistant' ? 'gpt-4o' : null,
        new Date(),
        userId,
        shardKeyOf(sessionId),
      ]);
    },
    async appendBatchSame(sessionId, userId, n) {
      const values: unknown[] = [];
      const at = Date.now();
      const shardKey = shardKeyOf(sessionId);
      for (let j = 0; j < n; j++)
        values.push(
          randomUUID(),
          sessionId,
          roleAt(j),
          CONTENT,
          roleAt(j) === 'assistant' ? 'gpt-4o' : null,
          new Date(at + j),
          userId,
          shardKey,
        );
      await pool.query(`INSERT INTO messages_same (${SAME_COLUMNS}) VALUES ${multiRow(n, 8)}`, values);
    },
    async appendBatch(sessionId, _userId, n) {
      const values: unknown[] = [];
      for (let j = 0; j < n; j++)
        values.push(randomUUID(), sessionId, roleAt(j), CONTENT, roleAt(j) === 'assistant' ? 'gpt-4o' : null);
      await pool.query(`INSERT INTO messages (id, session_id, role, content, model) VALUES ${multiRow(n, 5)}`, values);
    },
    async newest50(sessionId) {
      const { rows } = await pool.query(
        'SELECT id, role, content, model, created_at FROM messages WHERE session_id = $1 ORDER BY created_at DESC LIMIT 50',
        [sessionId],
      );
      return rows.length;
    },
    async loadVectors(bySession) {
      for (const rows of bySession) {
        const values: unknown[] = [];
        for (const r of rows) values.push(r.id, r.sessionId, r.role, r.content, vectorLiteral(r.vector));
        await pool.query(
          `INSERT INTO messages (id, session_id, role, content, embedding) VALUES ${multiRow(rows.length, 5)}`,
          values,
        );
      }
      return `multi-row INSERT, ${bySession[0]?.length ?? 0} rows a statement`;
    },
    seedThread: (sessionId, n) => seedThread(aux, sessionId, n),
    search() {
      return Promise.reject(new Error('plain pg has no search in this benchmark'));
    },
    async close() {
      await pool.end().catch(() => undefined);
      await aux.end().catch(() => undefined);
    },
  };
}
