import { ConflictError } from '@memory/errors';
import { MOVED_MESSAGE_COLUMNS } from './columns.js';
import { shardKeyOfSession } from './shard.js';
import { toCount, type Sql } from './sql.js';

/**
 * Moves one session's messages between `messages` and `messages_archive` on a distributed
 * database (`to: 'cold'` archives them, stamping `archived_at`; `to: 'hot'` brings them back) and
 * returns how many moved. Runs in the caller's transaction, which holds the session's row lock.
 * `messages_archive` has no `user_id`: moving back, the rows get `userId` (the session's user, read
 * by the caller under its lock), so they are not left for `backfillMessageUserIds`.
 *
 * Two statements, each filtered on the session's `shard_key` and routed whole to the worker
 * holding the session (co-located tables: Citus pushes the `INSERT ... SELECT` down as one task):
 * copy the rows, then delete from the source only the rows whose copy is in the target. The
 * single-server move (one statement of data-modifying CTEs) would run on Citus as distributed
 * subplans committed in two phases.
 *
 * Each statement has a snapshot of its own, so a row a writer that does not take the session lock
 * slips in between is neither copied nor deleted: it stays where it was, as with the one-statement
 * move. A hot row is never deleted without its copy; and when the delete finds fewer rows than
 * were copied (a source row removed meanwhile) the move throws, so the caller's transaction rolls
 * back rather than keep a copy of a row that is gone.
 *
 * @throws ConflictError when the delete removed fewer rows than the copy inserted.
 */
export async function moveSessionOnShard(
  sql: Sql,
  sessionId: string,
  to: 'cold' | 'hot',
  userId: string | null = null,
): Promise<number> {
  const [from, into, stamp] =
    to === 'cold'
      ? (['messages', 'messages_archive', { column: ', archived_at', value: ', now()' }] as const)
      : (['messages_archive', 'messages', { column: ', user_id', value: ', $3::text' }] as const);
  const values = [sessionId, shardKeyOfSession(sessionId)];
  const copied = await sql.query(
    `INSERT INTO ${into} (${MOVED_MESSAGE_COLUMNS}${stamp.column}, shard_key)
     SELECT ${MOVED_MESSAGE_COLUMNS}${stamp.value}, shard_key FROM ${from}
      WHERE session_id = $1::uuid AND shard_key = $2::int
     RETURNING 1`,
    to === 'hot' ? [...values, userId] : values,
  );
  const [deleted] = await sql.query<{ n: unknown }>(
    `WITH gone AS (
       DELETE FROM ${from}
        WHERE session_id = $1::uuid AND shard_key = $2::int
          AND id IN (SELECT id FROM ${into} WHERE session_id = $1::uuid AND shard_key = $2::int)
       RETURNING 1
     ) SELECT count(*) AS n FROM gone`,
    values,
  );
  const removed = toCount(deleted?.n);
  if (removed !== copied.length) {
    throw new ConflictError(
      `[memory/archive] moving session ${sessionId} to ${to}: copied ${copied.length} messages from ${from} but removed ${removed}: rows changed during the move (a writer that does not lock the session?); nothing was moved, rerun`,
      { details: { sessionId, to, copied: copied.length, removed } },
    );
  }
  return copied.length;
}
