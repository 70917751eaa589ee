import { shardKeySql, sql, type MemoryDb, type Sql } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { MOVED_MESSAGE_COLUMNS } from './columns.js';
import { moveSessionOnShard } from './move-on-shard.js';
import { onShard, sessionsDistributed } from './shard.js';
import { inTransaction, sqlOutside, toCount, type SqlClient } from './sql.js';

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
  client: SqlClient,
  sessionIds: readonly string[],
  distributed = false,
): Promise<number> {
  if (sessionIds.length === 0) return 0;
  if (!distributed) return moveStatement(client, sql`session_id = ANY(${sessionIds}::uuid[])`);
  let moved = 0;
  for (const id of sessionIds) moved += await moveSessionOnShard(client, id, 'cold');
  return moved;
}

async function moveStatement(client: SqlClient, where: Sql): Promise<number> {
  const columns = sql.raw(MOVED_MESSAGE_COLUMNS);
  const [row] = await client.query<{ n: unknown }>(
    sql`WITH moved AS (
       DELETE FROM messages WHERE ${where}
       RETURNING ${columns}
     ), inserted AS (
       INSERT INTO messages_archive (${columns}, archived_at, shard_key)
       SELECT ${columns}, now(), ${sql.raw(shardKeySql('session_id'))} FROM moved
       RETURNING 1
     )
     SELECT count(*) AS n FROM inserted`,
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
  return inTransaction(db, async (client) => {
    // A range on updated_at (from -infinity when deletion is off), so the index scan starts past
    // the sessions due for deletion instead of filtering them out one by one in every batch.
    const claimed = await client.query<{ id: string }>(
      sql`SELECT id FROM sessions
        WHERE status = ${SessionStatus.ACTIVE} AND updated_at <= ${options.coldCutoff.toISOString()}::timestamptz
          AND updated_at > ${options.deleteCutoff?.toISOString() ?? '-infinity'}::timestamptz
        ORDER BY updated_at
        LIMIT ${options.batchSize}
        FOR UPDATE SKIP LOCKED`,
    );
    const ids = claimed.map((r) => r.id);
    if (ids.length === 0) return { sessions: 0, messages: 0 };
    const messages = await moveMessagesToArchive(client, ids);
    // updated_at is left alone: it is the last activity the later steps count from.
    await client.query(sql`UPDATE sessions SET status = ${SessionStatus.COLD_ARCHIVED} WHERE id = ANY(${ids}::uuid[])`);
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
    sql`SELECT id::text AS id FROM sessions
      WHERE status = ${SessionStatus.ACTIVE} AND updated_at <= ${cold}::timestamptz AND updated_at > ${del}::timestamptz
      ORDER BY updated_at
      LIMIT ${options.batchSize}`,
  );
  if (planned.length === 0) return { sessions: 0, messages: 0 };
  return inTransaction(db, async (client) => {
    const ids: string[] = [];
    for (const { id } of planned) {
      const [claimed] = await client.query(
        sql`SELECT 1 AS claimed FROM sessions
          WHERE id = ${id}::uuid${onShard(true, id)} AND status = ${SessionStatus.ACTIVE} AND updated_at <= ${cold}::timestamptz
            AND updated_at > ${del}::timestamptz
          FOR UPDATE SKIP LOCKED`,
      );
      if (claimed) ids.push(id);
    }
    if (ids.length === 0) return { sessions: 0, messages: 0 };
    const messages = await moveMessagesToArchive(client, ids, true);
    for (const id of ids) {
      await client.query(
        sql`UPDATE sessions SET status = ${SessionStatus.COLD_ARCHIVED} WHERE id = ${id}::uuid${onShard(true, id)}`,
      );
    }
    return { sessions: ids.length, messages };
  });
}
