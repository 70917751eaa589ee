import { shardKeyOfSession, shardKeyOfUser, sql, type Sql, type SqlParam } from '@memory/db';

/**
 * How a statement reaches one shard on a Citus cluster (docs/citus.md): the `shard_key` of the
 * session (or user) it works on, and whether the tables are distributed. Only on a distributed
 * database do statements filter on `shard_key` (Citus routes on it and needs it to co-locate
 * joins); on a single server the text stays as it was, because rows the original library wrote
 * there have no `shard_key`.
 */
export interface ShardRoute {
  /** The shard key: `shardKeyOfSession(sessionId)` or `shardKeyOfUser(userId)`. */
  key: number;
  /** True when the session tables are distributed (Citus): statements then filter on `shard_key`. */
  distributed: boolean;
  /**
   * On a distributed database, a per-user statement that reads every shard (no `shard_key`
   * filter; co-located joins still join on it): `SearchOptions.allShards`.
   */
  allShards?: boolean;
}

/** The route of a per-session statement. */
export function sessionRoute(sessionId: string, distributed: boolean): ShardRoute {
  return { key: shardKeyOfSession(sessionId), distributed };
}

/** The route of a per-user statement. */
export function userRoute(userId: string, distributed: boolean): ShardRoute {
  return { key: shardKeyOfUser(userId), distributed };
}

/** True when statements on `route` filter on one `shard_key` (distributed, and not {@link ShardRoute.allShards}). */
export function isKeyed(route: ShardRoute | null | undefined): route is ShardRoute {
  return route?.distributed === true && route.allShards !== true;
}

const keyParams = new WeakMap<ShardRoute, SqlParam>();

/**
 * The route's shard key as a parameter (`$k::int`): one placeholder however often a statement
 * uses it (inserts write it on every engine; filters use it on a distributed database).
 */
export function shardKeyValue(route: ShardRoute): Sql {
  let key = keyParams.get(route);
  if (key === undefined) {
    key = sql.param(route.key);
    keyParams.set(route, key);
  }
  return sql`${key}::int`;
}

/** ` AND <alias>.shard_key = $k::int` when {@link isKeyed}, else nothing (single server: the text stays as it was). */
export function shardOn(route: ShardRoute | null | undefined, alias?: string): Sql {
  if (!isKeyed(route)) return sql.empty;
  return alias === undefined
    ? sql` AND shard_key = ${shardKeyValue(route)}`
    : sql` AND ${sql.raw(alias)}.shard_key = ${shardKeyValue(route)}`;
}

/** Whether the session tables of the connected database are distributed by Citus (asked once per store). */
const DISTRIBUTED_SQL = `SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL AS citus`;
/** Asked when {@link DISTRIBUTED_SQL} says Citus is installed. */
const SESSIONS_DISTRIBUTED_SQL = `SELECT count(*)::int AS n FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'sessions'::regclass`;

/**
 * `<modification> RETURNING <columns of alias>`; on a distributed database the modification
 * returns its whole rows from a CTE and the columns are computed from them, because Citus
 * refuses functions that are not immutable (`to_char` of the timestamps) in `RETURNING`.
 */
export function returningSql(
  distributed: boolean,
  modification: Sql,
  alias: string,
  columns: (alias: string) => string,
): Sql {
  return distributed
    ? sql`WITH ${sql.raw(alias)}_changed AS (${modification} RETURNING ${sql.raw(alias)}.*) SELECT ${sql.raw(columns(alias))} FROM ${sql.raw(alias)}_changed ${sql.raw(alias)}`
    : sql`${modification} RETURNING ${sql.raw(columns(alias))}`;
}

/** Asks the database whether the session tables are distributed by Citus ({@link DISTRIBUTED_SQL}). */
export async function querySessionsDistributed(sql: {
  query<T>(text: string, values?: readonly unknown[]): Promise<T[]>;
}): Promise<boolean> {
  const [row] = await sql.query<{ citus: boolean }>(DISTRIBUTED_SQL);
  if (row?.citus !== true) return false;
  return ((await sql.query<{ n: number }>(SESSIONS_DISTRIBUTED_SQL))[0]?.n ?? 0) > 0;
}
