import { shardKeySql, type MemoryDb } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { inTransaction, toCount, type Sql } from './sql.js';

/** What one hot → cold batch did. */
export interface ColdBatchResult {
  sessions: number;
  messages: number;
}

/**
 * Moves every message of `sessionIds` from `messages` to `messages_archive` with ONE statement,
 * keeping every column (model, embedding, parts and metadata included) and stamping `archived_at`. Returns the
 * number of rows moved. The caller holds the sessions' row locks.
 */
export async function moveMessagesToArchive(sql: Sql, sessionIds: readonly string[]): Promise<number> {
  if (sessionIds.length === 0) return 0;
  const [row] = await sql.query<{ n: unknown }>(
    `WITH moved AS (
       DELETE FROM messages WHERE session_id = ANY($1::uuid[])
       RETURNING id, session_id, role, content, model, embedding, created_at, parts, metadata
     ), inserted AS (
       INSERT INTO messages_archive (id, session_id, role, content, model, embedding, created_at, parts, metadata, archived_at, shard_key)
       SELECT id, session_id, role, content, model, embedding, created_at, parts, metadata, now(), ${shardKeySql('session_id')} FROM moved
       RETURNING 1
     )
     SELECT count(*) AS n FROM inserted`,
    [sessionIds],
  );
  return toCount(row?.n);
}

/**
 * One hot → cold batch in one transaction: claims up to `batchSize` active sessions idle since
 * `coldCutoff` (and not yet due for deletion, `deleteCutoff`) with `FOR UPDATE SKIP LOCKED`,
 * moves their messages and sets status 2.
 *
 * The claim's `WHERE` is re-evaluated on the newest row version when the row is locked, so a
 * session an appender touched meanwhile (status or `updated_at` changed) is not claimed; a
 * session locked by an appender or another runner is skipped. An appender that comes after the
 * claim waits for this transaction and then finds the session archived.
 */
export function moveBatchToCold(
  db: MemoryDb,
  options: { coldCutoff: Date; deleteCutoff: Date | null; batchSize: number },
): Promise<ColdBatchResult> {
  return inTransaction(db, async (sql) => {
    // A range on updated_at (from -infinity when deletion is off), so the index scan starts past
    // the sessions due for deletion instead of filtering them out one by one in every batch.
    const claimed = await sql.query<{ id: string }>(
      `SELECT id FROM sessions
        WHERE status = $1 AND updated_at <= $2::timestamptz
          AND updated_at > $3::timestamptz
        ORDER BY updated_at
        LIMIT $4
        FOR UPDATE SKIP LOCKED`,
      [
        SessionStatus.ACTIVE,
        options.coldCutoff.toISOString(),
        options.deleteCutoff?.toISOString() ?? '-infinity',
        options.batchSize,
      ],
    );
    const ids = claimed.map((r) => r.id);
    if (ids.length === 0) return { sessions: 0, messages: 0 };
    const messages = await moveMessagesToArchive(sql, ids);
    // updated_at is left alone: it is the last activity the later steps count from.
    await sql.query(`UPDATE sessions SET status = $1 WHERE id = ANY($2::uuid[])`, [SessionStatus.COLD_ARCHIVED, ids]);
    return { sessions: ids.length, messages };
  });
}
