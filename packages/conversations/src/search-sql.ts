import { messageFilterConditions } from './message-filter.js';
import { messageColumns } from './rows.js';
import { sql, type Sql, type SqlParam } from '@memory/db';
import { isKeyed, shardKeyValue, shardOn, type ShardRoute } from './shard-route.js';

/** A semantic search, already checked: `vector` is a pgvector literal of the right dimension. */
export interface SearchQuery {
  vector: string;
  sessionId: string | null;
  userId: string | null;
  roles: readonly string[] | null;
  since: Date | null;
  until: Date | null;
  topK: number;
  /** Top-level metadata values the hits must have. */
  metadataEquals?: Record<string, unknown> | null;
  /** An object the hits' metadata must contain (jsonb `@>`). */
  metadataContains?: Record<string, unknown> | null;
  /**
   * The shard of the session (or, without a session, of the user) on a distributed database
   * (docs/citus.md): every statement of the search then filters on `shard_key`.
   */
  route?: ShardRoute | null;
  /**
   * How a user filter reaches the user's messages whose `user_id` is still `NULL` (written before
   * the column existed, not yet backfilled): `'subquery'` (the default) through their sessions,
   * `ARRAY(SELECT id FROM sessions WHERE user_id = ...)`; `'none'` when the search's first
   * statement found no such message in scope, so the filter is `m.user_id = $u` alone; or the
   * user's session ids, bound as a `uuid[]` (see {@link userScopeSql}).
   */
  unfilled?: 'subquery' | 'none' | readonly string[];
}

/**
 * The store's default `hnsw.ef_search`. Measured with the conversations benchmark (100k
 * messages of 384 dimensions, 50 clusters, pgvector 0.8.0, the index `@memory/db` builds:
 * `m = 16`, `ef_construction = 128`), recall@10 against exact search over three index builds:
 * 0.77–0.79 at 40 (pgvector's default), 0.91–0.94 at 100, 0.971–0.981 at 150, 0.978–0.988 at
 * 200, 0.984–0.994 at 300; a bare search's p50 was 6.2–7.6 ms at 200. (With pgvector's default
 * `ef_construction` 64, six builds gave 0.935–0.98 at 200, one of them stuck near 0.94.) 200 is
 * the smallest value with recall@10 ≥ 0.95 and a margin on every build, within the 15 ms target.
 */
export const DEFAULT_EF_SEARCH = 200;

/** The largest `hnsw.ef_search` pgvector accepts. */
export const MAX_EF_SEARCH = 1000;

/**
 * The store's default `exactSearchThreshold`: a search whose scope (session or user, and time
 * window) holds at most this many messages is answered by an exact scan instead of the HNSW
 * index. Measured with the conversations benchmark on 100k × 384: the exact scan took 4.5–7.5 ms
 * (p50) for a user with 1,000 messages, where PostgreSQL's own plan (an iterative HNSW scan)
 * took 24–44 ms, and 8–14 ms for 3,000 messages against 15–32 ms for the HNSW scan; an
 * unfiltered HNSW search at `ef_search` 200 takes 7.5–11.5 ms. So up to about 3,000 messages the
 * exact scan is no slower than the index even at its best, and in a larger table a user with as
 * many messages is a smaller fraction of it, which only makes the index slower. Counting up to
 * the threshold costs the searches above it 0.5–0.9 ms.
 */
export const DEFAULT_EXACT_SEARCH_THRESHOLD = 3000;

/** The largest `exactSearchThreshold`: an exact scan of more rows than this is never cheap. */
export const MAX_EXACT_SEARCH_THRESHOLD = 100_000;

/** What {@link searchSetupSql} needs besides the query. */
export interface SearchSetup {
  /** `hnsw.ef_search` for the transaction (already raised to `topK`). */
  efSearch: number;
  /** Whether to turn on pgvector's iterative index scans (pgvector 0.8 or newer). */
  iterativeScan: boolean;
  /** Count the messages in scope up to this many (`0`: do not count). */
  countUpTo: number;
}

/** What the first statement of a search returns (the settings' own columns aside). */
export interface SearchSetupRow {
  /** Messages in scope, counted up to `countUpTo` (session-scoped searches). */
  scoped?: number | string | null;
  /** The user's messages with `user_id` filled, counted up to `countUpTo` (user-scoped searches). */
  filled?: number | string | null;
  /** The user's messages with `user_id` still `NULL`, up to `countUpTo` (at least 1: a probe). */
  unfilled?: number | string | null;
  /** The user's session ids, when some are unfilled and the scope is too big for an exact scan. */
  sessions?: string[] | null;
}

/**
 * The first statement of a search transaction: the transaction-local HNSW settings and, when
 * `countUpTo > 0`, a bounded count of the messages in the search's scope.
 *
 * `hnsw.ef_search` is how many candidates an HNSW scan keeps per pass (and the most rows a
 * plain scan can return). With `iterativeScan`, `hnsw.iterative_scan = relaxed_order` makes the
 * scan continue past rows that the filters (user, session, role, time) reject until `topK` rows
 * pass or `hnsw.max_scan_tuples` (pgvector's default, 20,000) tuples were visited.
 *
 * The counts read only the scope and time filters, which indexes answer without visiting the
 * table, and stop at `countUpTo` (`LIMIT`), so they cost the same for a user with 10k or 10M
 * messages. They are upper bounds of the candidates: roles and missing embeddings are not
 * counted out. A session-scoped search gets one count (`scoped`). A user-scoped search gets
 * two, on disjoint rows: `filled` (`m.user_id = $u`, on `(user_id, created_at)`) and
 * `unfilled` (the user's messages whose `user_id` is still `NULL`, on the partial index
 * `ix_messages_user_id_unfilled`: one descent per session of the user into an index the
 * backfill empties). `unfilled` is counted even when `countUpTo` is 0 (up to 1): it decides
 * whether the search's statements need the fallback at all. When they do and the scope holds
 * `countUpTo` or more (an HNSW search), the row also brings the user's session ids
 * (`sessions`), for {@link userScopeSql}'s bound form.
 */
export function searchSetupSql(query: SearchQuery, setup: SearchSetup): Sql {
  const route = query.route ?? null;
  // On Citus the settings are made with SET LOCAL (searchSettingsSql): set_config does not reach the workers.
  const columns: Sql[] = route?.distributed
    ? [sql`true AS distributed`]
    : [sql`set_config('hnsw.ef_search', ${String(setup.efSearch)}, true) AS ef_search`];
  if (setup.iterativeScan && !route?.distributed)
    columns.push(sql`set_config('hnsw.iterative_scan', 'relaxed_order', true) AS iterative_scan`);
  const bounded = (where: Sql[], limit: unknown) =>
    sql`(SELECT count(*) FROM (SELECT 1 FROM messages m WHERE ${sql.join(where, ' AND ')} LIMIT ${limit}) scope)::int`;
  if (query.sessionId !== null || query.userId === null) {
    if (setup.countUpTo > 0) columns.push(sql`${bounded(scopeConditions(query, false), setup.countUpTo)} AS scoped`);
    return sql`SELECT ${sql.join(columns, ',\n  ')}`;
  }
  const limit = sql.param(Math.max(setup.countUpTo, 1));
  const user = sql.param(query.userId);
  const time = timeConditions(query);
  const keyed = isKeyed(route) ? [sql`m.shard_key = ${shardKeyValue(route)}`] : [];
  const owned = (id: string) => sql`SELECT ${sql.raw(id)} FROM sessions WHERE user_id = ${user}${shardOn(route)}`;
  columns.push(
    setup.countUpTo > 0
      ? sql`${bounded([sql`m.user_id = ${user}`, ...keyed, ...time], limit)} AS filled`
      : sql`0 AS filled`,
    sql`${bounded([sql`m.user_id IS NULL`, sql`m.session_id = ANY(ARRAY(${owned('id')}))`, ...keyed, ...time], limit)} AS unfilled`,
  );
  // The session ids only when the statements will need them bound: some rows unfilled, and an
  // HNSW search (the scope reaches the count's limit, or there is no count).
  const hnsw = setup.countUpTo > 0 ? sql` AND s.filled + s.unfilled >= ${limit}::int` : sql.empty;
  return sql`SELECT s.*, CASE WHEN s.unfilled > 0${hnsw} THEN ARRAY(${owned('id::text')}) END AS sessions
FROM (SELECT ${sql.join(columns, ',\n  ')} OFFSET 0) s`;
}

/**
 * The approximate nearest messages by cosine distance (`<=>`), served by the HNSW
 * `vector_cosine_ops` index on `messages.embedding`. `relaxed_order` may yield rows slightly out
 * of order, so the hits are collected in a materialized CTE and sorted again (pgvector's
 * recommended form). The user filter is `messages.user_id` with its session as the fallback, keeping the query
 * keyed by user (see {@link userScopeSql}).
 */
export function searchSql(query: SearchQuery): Sql {
  const vector = sql`${sql.param(query.vector)}::vector`;
  return sql`WITH hits AS MATERIALIZED (
  SELECT ${sql.raw(messageColumns('m'))}, m.embedding <=> ${vector} AS distance
  FROM messages m
  WHERE ${sql.join(scopeConditions(query, true), '\n    AND ')}
  ORDER BY m.embedding <=> ${vector}
  LIMIT ${query.topK}
)
SELECT * FROM hits ORDER BY distance, id`;
}

/**
 * The exact nearest messages: the distance of every candidate in scope is computed and a top-N
 * sort keeps `topK`. `OFFSET 0` keeps PostgreSQL from merging the subquery into the outer
 * query, so the `ORDER BY` cannot be handed to the HNSW index; the candidates are found through
 * the session and user indexes instead. Used for scopes of few messages (cheaper than the index
 * and exact) and to complete an index scan that stopped short of `topK`.
 */
export function exactSearchSql(query: SearchQuery): Sql {
  return sql`SELECT * FROM (
  SELECT ${sql.raw(messageColumns('m'))}, m.embedding <=> ${query.vector}::vector AS distance
  FROM messages m
  WHERE ${sql.join(scopeConditions(query, true), '\n    AND ')}
  OFFSET 0
) candidates
ORDER BY distance, id
LIMIT ${query.topK}`;
}

/**
 * The `WHERE` conditions of a search; without `candidates`, only those an index answers (scope
 * and time); `embedded: false` leaves out `m.embedding IS NOT NULL`.
 */
function scopeConditions(query: SearchQuery, candidates: boolean, embedded = candidates): Sql[] {
  const where: Sql[] = [];
  const route = query.route ?? null;
  if (embedded) where.push(sql`m.embedding IS NOT NULL`);
  if (query.sessionId !== null) where.push(sql`m.session_id = ${query.sessionId}::uuid`);
  if (query.userId !== null) where.push(userScopeSql(sql.param(query.userId), query.unfilled, shardOn(route)));
  if (isKeyed(route)) where.push(sql`m.shard_key = ${shardKeyValue(route)}`);
  if (candidates && query.roles !== null) where.push(sql`m.role = ANY(${query.roles}::text[])`);
  where.push(...timeConditions(query));
  if (candidates) {
    where.push(
      ...messageFilterConditions(
        'm',
        {
          roles: null,
          since: null,
          until: null,
          metadataEquals: query.metadataEquals ?? null,
          metadataContains: query.metadataContains ?? null,
        },
        { roles: false, time: false },
      ),
    );
  }
  return where;
}

/** The `since` / `until` conditions of a search (on `m.created_at`). */
function timeConditions(query: SearchQuery): Sql[] {
  const where: Sql[] = [];
  // Params: the setup statement uses the conditions twice, bound once.
  if (query.since !== null) where.push(sql`m.created_at >= ${sql.param(query.since)}::timestamptz`);
  if (query.until !== null) where.push(sql`m.created_at < ${sql.param(query.until)}::timestamptz`);
  return where;
}

/**
 * The messages of one user: `messages.user_id` (indexed by `(user_id, created_at)`), or, for a
 * row written before that column existed and not yet backfilled (`NULL`), its session's user.
 *
 * No join: the sessions of the user come in as an array, so PostgreSQL has no semi-join to
 * estimate from the average session. Estimated that way, one 100k-message thread in the
 * database made a 1k-message user look like thousands of rows and the plan flip to a sequential
 * scan with a hash join over every message. Both arms of the `OR` are indexed
 * (`ix_messages_user_id_created_at`; `ix_messages_user_id_unfilled` or
 * `ix_messages_session_id_created_at_id`), so an exact search's plan is a `BitmapOr` over the user's rows.
 *
 * The forms, by `unfilled` (the search's first statement decides, see {@link searchSetupSql}):
 * - `'none'`: no message of the user in scope is unfilled, so `m.user_id = $u` alone; the plan
 *   is the one of a backfilled database, with no fallback arm to read or to misestimate.
 * - `'subquery'`: the array is `ARRAY(SELECT id FROM sessions WHERE user_id = $u)`, computed
 *   once per statement. PostgreSQL cannot see its length while planning and takes it for ten
 *   sessions: for a user with most of the messages, unfilled, that looked like 10 % of the rows
 *   and made the HNSW search a bitmap scan and a sort of all of them (8–20× slower).
 * - the session ids, bound (`$n::uuid[]`): planned with the values, so the estimate comes from
 *   the column's statistics, and the HNSW index stays the plan for a big user (one more
 *   parameter, only while the user has unfilled rows and the search goes to the index).
 */
function userScopeSql(user: SqlParam, unfilled: SearchQuery['unfilled'] = 'subquery', sessionShard = sql.empty): Sql {
  if (unfilled === 'none') return sql`m.user_id = ${user}`;
  const sessions =
    unfilled === 'subquery'
      ? sql`ARRAY(SELECT id FROM sessions WHERE user_id = ${user}${sessionShard})`
      : sql`${unfilled}::uuid[]`;
  return sql`(m.user_id = ${user} OR (m.user_id IS NULL AND m.session_id = ANY(${sessions})))`;
}

/** The installed pgvector version (`NULL` when the extension is missing). */
/**
 * The search settings as `SET LOCAL` statements, for a distributed database: Citus sends `SET
 * LOCAL` (not `set_config`) on to the workers that run the search, when
 * `citus.propagate_set_commands` is `local` (set here too, for connections opened before
 * `distributeMemorySchema` set it for the database). One simple-protocol round trip; the numbers
 * are checked integers, so they are written into the text.
 */
export function searchSettingsSql(setup: Pick<SearchSetup, 'efSearch' | 'iterativeScan'>): string {
  if (!Number.isInteger(setup.efSearch) || setup.efSearch < 1 || setup.efSearch > MAX_EF_SEARCH)
    throw new RangeError(`[memory/conversations] efSearch must be an integer from 1 to ${MAX_EF_SEARCH}`);
  return [
    `SET LOCAL citus.propagate_set_commands = 'local'`,
    `SET LOCAL hnsw.ef_search = ${setup.efSearch}`,
    ...(setup.iterativeScan ? [`SET LOCAL hnsw.iterative_scan = 'relaxed_order'`] : []),
  ].join('; ');
}

export const VECTOR_VERSION_SQL = `SELECT extversion FROM pg_extension WHERE extname = 'vector'`;

/** Whether a pgvector version (`0.8.0`, `0.8.7`...) has iterative index scans (0.8.0 and newer). */
export function supportsIterativeScan(version: string | null | undefined): boolean {
  if (!version) return false;
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 0 || minor >= 8;
}

/**
 * Whether any message in the search's scope and filters lacks an embedding: asked only when a
 * search found nothing, to tell "nothing matches" from "nothing here has a vector".
 */
export function unembeddedProbeSql(query: SearchQuery): Sql {
  const where = scopeConditions(query, true, false);
  return sql`SELECT EXISTS (SELECT 1 FROM messages m WHERE ${sql.join(where, ' AND ')}) AS unembedded`;
}

/**
 * The `around` messages before and after each hit in its session, in one statement: two
 * `LATERAL ... LIMIT` walks of the `(session_id, created_at, id)` index per hit. Rows carry the
 * hit's position (`hit`, from 1) and `side` (`before` rows first), each window oldest first
 * (`created_at` is the fixed-width UTC text of `timestampKeySql`, so it sorts as text).
 */
export function contextSql(hitIds: readonly string[], around: number, route: ShardRoute | null = null): Sql {
  const ids = sql.param(hitIds);
  const limit = sql.param(around);
  const side = (name: 'before' | 'after', op: '<' | '>', direction: 'ASC' | 'DESC') =>
    sql`SELECT h.ord AS hit, ${sql.raw(`'${name}'`)} AS side, c.*
FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS h(id, ord)
JOIN messages hm ON hm.id = h.id${shardOn(route, 'hm')}
CROSS JOIN LATERAL (
  SELECT ${sql.raw(messageColumns('m'))} FROM messages m
  WHERE m.session_id = hm.session_id${shardOn(route, 'm')} AND (m.created_at, m.id) ${sql.raw(op)} (hm.created_at, hm.id)
  ORDER BY m.created_at ${sql.raw(direction)}, m.id ${sql.raw(direction)}
  LIMIT ${limit}
) c`;
  return sql`${side('before', '<', 'DESC')}\nUNION ALL\n${side('after', '>', 'ASC')}\nORDER BY hit, side DESC, created_at, id`;
}
