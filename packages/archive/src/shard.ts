import { shardKeyOfSession, sql, type MemoryDb, type Sql } from '@memory/db';
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
      const client = sqlOutside(db);
      const [row] = await client.query<{ citus: boolean }>(
        sql`SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS citus`,
      );
      if (row?.citus !== true) return false;
      const [n] = await client.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'sessions'::regclass`,
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
 * The `shard_key` condition of a statement on one session: ` AND <alias.>shard_key = $k::int`
 * (the session's {@link shardKeyOfSession}) on a distributed database, nothing elsewhere (rows
 * the original library wrote on a single server have no `shard_key`).
 */
export function onShard(distributed: boolean, sessionId: string, alias?: string): Sql {
  if (!distributed) return sql.empty;
  return sql` AND ${sql.raw(alias ? `${alias}.` : '')}shard_key = ${shardKeyOfSession(sessionId)}::int`;
}

export { shardKeyOfSession };
