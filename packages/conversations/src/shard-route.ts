import { shardKeyOfSession, shardKeyOfUser } from '@memory/db';
import { SqlParams } from './sql-params.js';

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

/**
 * Hands out the `shard_key` conditions of one statement: `on('m')` is ` AND m.shard_key = $k` on
 * a distributed database and `''` elsewhere; `value()` is the key's placeholder (for inserts,
 * which write it on every engine). The key is added to the statement's parameters once, the
 * first time it is used.
 */
export class ShardFilter {
  private placeholder: string | undefined;

  constructor(
    private readonly params: SqlParams,
    private readonly route: ShardRoute | null,
  ) {}

  /**
   * A filter for a statement written with fixed placeholders `$1..$n` for `values`: the key, if
   * used, becomes `$n+1`. Send {@link ShardFilter.values} with the statement.
   */
  static after(values: readonly unknown[], route: ShardRoute | null): ShardFilter {
    const params = new SqlParams();
    for (const v of values) params.add(v);
    return new ShardFilter(params, route);
  }

  /** The statement's values, the key included once it was used. */
  get values(): unknown[] {
    return this.params.values;
  }

  /** True when statements filter on `shard_key`. */
  get distributed(): boolean {
    return this.route?.distributed === true;
  }

  /** The key's placeholder (`$n::int`). */
  value(): string {
    if (!this.route) throw new Error('[memory/conversations] ShardFilter.value() without a route');
    this.placeholder ??= this.params.add(this.route.key);
    return `${this.placeholder}::int`;
  }

  /** True when statements filter on one `shard_key` (distributed, and not {@link ShardRoute.allShards}). */
  get keyed(): boolean {
    return this.distributed && this.route?.allShards !== true;
  }

  /** ` AND <alias>.shard_key = $k` when keyed, else `''`. */
  on(alias?: string): string {
    return this.keyed ? ` AND ${alias ? `${alias}.` : ''}shard_key = ${this.value()}` : '';
  }

  /** ` AND <a>.shard_key = <b>.shard_key` when distributed (a co-located join), else `''`. */
  join(a: string, b: string): string {
    return this.distributed ? ` AND ${a}.shard_key = ${b}.shard_key` : '';
  }
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
  modification: string,
  alias: string,
  columns: (alias: string) => string,
): string {
  return distributed
    ? `WITH ${alias}_changed AS (${modification} RETURNING ${alias}.*) SELECT ${columns(alias)} FROM ${alias}_changed ${alias}`
    : `${modification} RETURNING ${columns(alias)}`;
}

/** Asks the database whether the session tables are distributed by Citus ({@link DISTRIBUTED_SQL}). */
export async function querySessionsDistributed(sql: {
  query<T>(text: string, values?: readonly unknown[]): Promise<T[]>;
}): Promise<boolean> {
  const [row] = await sql.query<{ citus: boolean }>(DISTRIBUTED_SQL);
  if (row?.citus !== true) return false;
  return ((await sql.query<{ n: number }>(SESSIONS_DISTRIBUTED_SQL))[0]?.n ?? 0) > 0;
}
