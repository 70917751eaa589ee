import { ConflictError } from '@memory/errors';
import { MOVED_MESSAGE_COLUMNS } from './columns.js';
import { shardKeyOfSession } from './shard.js';
import { sql } from '@memory/db';
import { toCount, type SqlClient } from './sql.js';

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
  client: SqlClient,
  sessionId: string,
  to: 'cold' | 'hot',
  userId: string | null = null,
): Promise<number> {
  const [from, into, stamp] =
    to === 'cold'
      ? (['messages', 'messages_archive', { column: sql.raw(', archived_at'), value: sql.raw(', now()') }] as const)
      : (['messages_archive', 'messages', { column: sql.raw(', user_id'), value: sql`, ${userId}::text` }] as const);
  const session = sql`session_id = ${sql.param(sessionId)}::uuid AND shard_key = ${sql.param(shardKeyOfSession(sessionId))}::int`;
  const [source, target, columns] = [sql.raw(from), sql.raw(into), sql.raw(MOVED_MESSAGE_COLUMNS)];
  const copied = await client.query(
    sql`INSERT INTO ${target} (${columns}${stamp.column}, shard_key)
     SELECT ${columns}${stamp.value}, shard_key FROM ${source}
      WHERE ${session}
     RETURNING 1`,
  );
  const [deleted] = await client.query<{ n: unknown }>(
    sql`WITH gone AS (
       DELETE FROM ${source}
        WHERE ${session}
          AND id IN (SELECT id FROM ${target} WHERE ${session})
       RETURNING 1
     ) SELECT count(*) AS n FROM gone`,
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
