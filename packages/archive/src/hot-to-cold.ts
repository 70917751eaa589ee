import { shardKeySql, type MemoryDb } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { MOVED_MESSAGE_COLUMNS } from './columns.js';
import { moveSessionOnShard } from './move-on-shard.js';
import { onShard, sessionsDistributed, shardKeyOfSession } from './shard.js';
import { inTransaction, sqlOutside, toCount, type Sql } from './sql.js';

/** What one hot → cold batch did. */
export interface ColdBatchResult {
  sessions: number;
  messages: number;
}

/**
 * Moves every message of `sessionIds` from `messages` to `messages_archive` with ONE statement,
 * keeping every column (model, embedding, parts and metadata included) and stamping `archived_at`. Returns the
 * number of rows moved. The caller holds the sessions' row locks.
 *
 * On a distributed database (`distributed`) each session moves with {@link moveSessionOnShard}:
 * a copy and a delete of the copied rows, each routed whole to the session's shard (the
 * one-statement move would run as distributed subplans there). Either way a hot row is never
 * deleted without its cold copy.
 */
export async function moveMessagesToArchive(
  sql: Sql,
  sessionIds: readonly string[],
  distributed = false,
): Promise<number> {
  if (sessionIds.length === 0) return 0;
  if (!distributed) return moveStatement(sql, `session_id = ANY($1::uuid[])`, shardKeySql('session_id'), [sessionIds]);
  let moved = 0;
  for (const id of sessionIds) moved += await moveSessionOnShard(sql, id, 'cold');
  return moved;
}

async function moveStatement(sql: Sql, where: string, shardKey: string, values: unknown[]): Promise<number> {
  const [row] = await sql.query<{ n: unknown }>(
    `WITH moved AS (
       DELETE FROM messages WHERE ${where}
       RETURNING ${MOVED_MESSAGE_COLUMNS}
     ), inserted AS (
       INSERT INTO messages_archive (${MOVED_MESSAGE_COLUMNS}, archived_at, shard_key)
       SELECT ${MOVED_MESSAGE_COLUMNS}, now(), ${shardKey} FROM moved
       RETURNING 1
     )
     SELECT count(*) AS n FROM inserted`,
    values,
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
export async function moveBatchToCold(
  db: MemoryDb,
  options: { coldCutoff: Date; deleteCutoff: Date | null; batchSize: number },
): Promise<ColdBatchResult> {
  if (await sessionsDistributed(db)) return moveBatchToColdDistributed(db, options);
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

/**
 * {@link moveBatchToCold} on Citus, which refuses row locks across shards: the batch is planned
 * by a parallel multi-shard read without locks (the oldest due sessions and their keys), then
 * claimed session by session in one transaction, each with a single-shard
 * `FOR UPDATE SKIP LOCKED` that repeats the plan's conditions (re-evaluated on the newest row
 * version, so a session an appender touched since the plan is not claimed, one it holds locked is
 * skipped), and moved with single-shard statements.
 */
async function moveBatchToColdDistributed(
  db: MemoryDb,
  options: { coldCutoff: Date; deleteCutoff: Date | null; batchSize: number },
): Promise<ColdBatchResult> {
  const cold = options.coldCutoff.toISOString();
  const del = options.deleteCutoff?.toISOString() ?? '-infinity';
  const planned = await sqlOutside(db).query<{ id: string }>(
    `SELECT id::text AS id FROM sessions
      WHERE status = $1 AND updated_at <= $2::timestamptz AND updated_at > $3::timestamptz
      ORDER BY updated_at
      LIMIT $4`,
    [SessionStatus.ACTIVE, cold, del, options.batchSize],
  );
  if (planned.length === 0) return { sessions: 0, messages: 0 };
  return inTransaction(db, async (sql) => {
    const ids: string[] = [];
    for (const { id } of planned) {
      const [claimed] = await sql.query(
        `SELECT 1 AS claimed FROM sessions
          WHERE id = $1::uuid${onShard(true, 2)} AND status = $3 AND updated_at <= $4::timestamptz
            AND updated_at > $5::timestamptz
          FOR UPDATE SKIP LOCKED`,
        [id, shardKeyOfSession(id), SessionStatus.ACTIVE, cold, del],
      );
      if (claimed) ids.push(id);
    }
    if (ids.length === 0) return { sessions: 0, messages: 0 };
    const messages = await moveMessagesToArchive(sql, ids, true);
    for (const id of ids) {
      await sql.query(`UPDATE sessions SET status = $3 WHERE id = $1::uuid${onShard(true, 2)}`, [
        id,
        shardKeyOfSession(id),
        SessionStatus.COLD_ARCHIVED,
      ]);
    }
    return { sessions: ids.length, messages };
  });
}
