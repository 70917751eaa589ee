import { sql, type MemoryDb, type Sql } from '@memory/db';
import { normalizeUuid } from './ids.js';
import { querySessionsDistributed } from './shard-route.js';
import { createSqlRunner } from './sql-client.js';
import { checkLimit } from './validate.js';

/** Messages one {@link backfillMessageUserIds} batch looks at when no `batchSize` is given. */
const DEFAULT_BACKFILL_BATCH = 5000;
/** The largest `batchSize` of {@link backfillMessageUserIds}. */
const MAX_BACKFILL_BATCH = 100_000;

/** Options of {@link backfillMessageUserIds}. */
export interface BackfillUserIdsOptions {
  /** Messages per batch (one statement, its own transaction); 1 to 100000, default 5000. */
  batchSize?: number;
  /**
   * Resume after this message id (the `cursor` of a previous run's last batch). Without it the
   * walk starts from the first id; already filled rows are then read again but not written.
   */
  after?: string | null;
  /** Stop after this many batches (the run can be resumed from the returned `cursor`). */
  maxBatches?: number;
  /** Called after every batch, e.g. to log progress or to store `cursor` for a later resume. */
  onBatch?: (progress: BackfillProgress) => unknown;
  /** Stops between batches when aborted (the batch in flight completes). */
  signal?: AbortSignal;
}

/** Progress of {@link backfillMessageUserIds} after a batch, and its result. */
export interface BackfillProgress {
  /** Messages walked so far (filled or not). */
  scanned: number;
  /** Messages whose `user_id` this run wrote. */
  updated: number;
  /** The last message id walked: pass it as `after` to resume. `null` before the first batch. */
  cursor: string | null;
  /** Whether the walk reached the last message. */
  done: boolean;
}

/**
 * Fills `messages.user_id` from `sessions.user_id` for rows written before that column existed
 * (the `Migration20261207010000_memory_message_user_id` migration adds it empty; appends fill it
 * from then on). Safe to run on a live database, any number of times, and to stop at any point:
 *
 * - it walks the messages in primary-key order, `batchSize` at a time, each batch one `UPDATE`
 *   committed on its own, so an interrupted run loses at most the batch in flight;
 * - it writes only rows whose `user_id` is `NULL` and whose session has a user, and only the
 *   `user_id` column (the original library's columns stay byte-identical);
 * - messages of sessions without a user stay `NULL`, which queries read as "ask the session".
 *
 * Queries are correct before, during and after it: a `NULL` row is found through its session.
 * What the backfill buys is speed: user-scoped searches then stay on the user's index entries
 * (see `userScopeSql`). Run it outside a `db.scope`: inside one, its batches join that
 * transaction and commit only with it.
 *
 * @example
 * ```ts
 * let progress = await backfillMessageUserIds(db, { batchSize: 10_000, onBatch: (p) => log(p) });
 * // or in slices, e.g. from a job that runs every minute:
 * progress = await backfillMessageUserIds(db, { after: savedCursor, maxBatches: 10 });
 * ```
 */
export async function backfillMessageUserIds(
  db: MemoryDb,
  options: BackfillUserIdsOptions = {},
): Promise<BackfillProgress> {
  const batchSize = checkLimit(options.batchSize, 'batchSize', DEFAULT_BACKFILL_BATCH, MAX_BACKFILL_BATCH);
  const maxBatches = checkLimit(options.maxBatches, 'maxBatches', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  let cursor = options.after === undefined || options.after === null ? null : normalizeUuid(options.after, 'after');
  const runner = createSqlRunner(db);
  const progress: BackfillProgress = { scanned: 0, updated: 0, cursor, done: false };
  const distributed = await querySessionsDistributed(runner);
  for (let batch = 0; batch < maxBatches && !options.signal?.aborted; batch++) {
    const [row] = await runner.query<{ scanned: number; updated: number; last: string | null }>(
      backfillBatchSql(batchSize, cursor, distributed),
    );
    const scanned = Number(row?.scanned ?? 0);
    progress.scanned += scanned;
    progress.updated += Number(row?.updated ?? 0);
    if (row?.last) cursor = row.last;
    progress.cursor = cursor;
    progress.done = scanned < batchSize;
    await options.onBatch?.({ ...progress });
    if (progress.done) break;
  }
  return progress;
}

/**
 * One batch: the next `size` message ids (after `after` when resuming; primary-key order, so each
 * batch is an index range and a restart finds its place), and an `UPDATE` of those among them
 * still `NULL` whose session has a user. Returns how many ids were walked, how many rows were
 * written, and the last id.
 */
function backfillBatchSql(size: number, after: string | null, distributed: boolean): Sql {
  return sql`WITH batch AS (
  SELECT id FROM messages${after === null ? sql.empty : sql` WHERE id > ${after}::uuid`} ORDER BY id LIMIT ${size}
), filled AS (
  UPDATE messages m SET user_id = s.user_id
  FROM batch b, sessions s
  WHERE m.id = b.id AND m.user_id IS NULL AND s.id = m.session_id${sql.raw(distributed ? ' AND s.shard_key = m.shard_key' : '')} AND s.user_id IS NOT NULL
  RETURNING m.id
)
SELECT (SELECT count(*) FROM batch)::int AS scanned, (SELECT count(*) FROM filled)::int AS updated,
  (SELECT max(id::text) FROM batch) AS last`;
}
