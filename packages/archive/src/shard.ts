import { shardKeyOfSession, type MemoryDb } from '@memory/db';
import { sqlOutside } from './sql.js';

/**
 * Whether `db`'s session tables are distributed by Citus (docs/citus.md), asked once per
 * database handle. On Citus the archiver cannot lock rows across shards: it plans with a
 * parallel multi-shard read without locks, then claims and moves session by session with
 * statements filtered on `shard_key` (one shard each).
 */
const distributedByDb = new WeakMap<MemoryDb, Promise<boolean>>();

export function sessionsDistributed(db: MemoryDb): Promise<boolean> {
  let answer = distributedByDb.get(db);
  if (!answer) {
    answer = (async () => {
      const sql = sqlOutside(db);
      const [row] = await sql.query<{ citus: boolean }>(
        `SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS citus`,
      );
      if (row?.citus !== true) return false;
      const [n] = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'sessions'::regclass`,
      );
      return (n?.n ?? 0) > 0;
    })();
    // A failed question is asked again next time rather than cached.
    answer.catch(() => distributedByDb.delete(db));
    distributedByDb.set(db, answer);
  }
  return answer;
}

/**
 * The `shard_key` condition of a per-session statement: ` AND <alias.>shard_key = $<index>::int`
 * on a distributed database, `''` elsewhere (rows the original library wrote on a single
 * server have no `shard_key`). Send {@link shardKeyOfSession} of the session as value `index`.
 */
export function onShard(distributed: boolean, index: number, alias?: string): string {
  return distributed ? ` AND ${alias ? `${alias}.` : ''}shard_key = $${index}::int` : '';
}

export { shardKeyOfSession };
