/** What every system of the peers benchmark is asked to do, and the data they are given. */
import type pg from 'pg';

/** A message with an embedding, the same for every system. */
export interface VectorRow {
  id: string;
  sessionId: string;
  userId: string;
  role: 'user' | 'assistant';
  content: string;
  vector: number[];
}

/** What each system is asked to do; `aux` is an extra connection for untimed seeding and VACUUM. */
export interface System {
  name: string;
  aux: pg.Pool;
  /** Creates sessions/threads (untimed). */
  createSessions(sessions: { id: string; userId: string }[]): Promise<void>;
  appendOne(sessionId: string, userId: string, role: 'user' | 'assistant'): Promise<void>;
  appendBatch(sessionId: string, userId: string, n: number): Promise<void>;
  newest50(sessionId: string): Promise<number>;
  /** The timed load of messages with embeddings, one session's messages at a time. */
  loadVectors(bySession: VectorRow[][]): Promise<string>;
  /** `n` messages without embeddings in one session (untimed, fastest way in). */
  seedThread(sessionId: string, n: number): Promise<void>;
  search(vector: number[], userId: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Fills one thread with `n` messages by a server-side INSERT ... SELECT on a `messages` table of
 * the original columns (ours and the plain baseline share them), so seeding costs the same for both.
 */
export async function seedThread(aux: pg.Pool, sessionId: string, n: number): Promise<void> {
  await aux.query(
    `INSERT INTO messages (id, session_id, role, content, model, created_at)
     SELECT gen_random_uuid(), $1::uuid, CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
            'thread message ' || j, CASE WHEN j % 2 = 1 THEN 'gpt-4o' END,
            now() - interval '3 days' + j * interval '1 second'
       FROM generate_series(0, $2::int - 1) AS j`,
    [sessionId, n],
  );
}
