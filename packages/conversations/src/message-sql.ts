import { shardKeyOfSession, sql, type NamedStatement, type Sql } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { timestampKeySql, type CursorPosition } from './cursor.js';
import { messageFilterConditions, type CheckedMessageFilter } from './message-filter.js';
import { messageColumns } from './rows.js';
import { sessionRoute, shardKeyValue, shardOn, type ShardRoute } from './shard-route.js';
import type { CheckedMessage } from './validate.js';

/**
 * One microsecond after the session's newest message, as a scalar subquery. Read from the newest
 * end of the `(session_id, created_at, id)` index (`ORDER BY ... LIMIT 1`): one index probe
 * however long the session is. Not `max(created_at)`: PostgreSQL turns that into the same probe
 * only when it thinks the session large, and on a table without statistics (before the first
 * `ANALYZE`, or with autovacuum off) the generic plan that a named statement keeps for the life
 * of its connection was an aggregate over every message of the session, so each append read the
 * whole session, ever longer as the session grew. For the fixed texts of the named statements;
 * {@link appendMessagesSql} writes the same subquery as a template fragment.
 */
function afterNewestSql(session: string, shardOn = ''): string {
  return `(SELECT m.created_at + interval '1 microsecond' FROM messages m WHERE m.session_id = ${session}${shardOn}
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1)`;
}

/**
 * One statement for the whole append, whatever the batch size (the rows travel as arrays through
 * `unnest ... WITH ORDINALITY`, so the text never changes), so an append costs one round trip
 * like a plain `INSERT` instead of `BEGIN`, lock, insert, `COMMIT`:
 *
 * - locks the session row (`FOR NO KEY UPDATE`) and reads its status and user id. The lock
 *   conflicts with itself (two appends to one session take turns, so their timestamps stay in
 *   order) and with the archiver's `FOR UPDATE SKIP LOCKED` (it skips a session being appended
 *   to, and an append waits for an archiver that holds the session, then sees its new status).
 *   It does not block inserts elsewhere that merely reference the session by foreign key;
 * - inserts nothing unless the session is active (the caller reads the status from the result);
 * - looks the ids up first (one primary-key probe each): ids already stored are skipped, so a
 *   retried append skips what the first attempt stored, and when one of them belongs to another
 *   session nothing is inserted (the caller refuses the append);
 * - inserts the rest with the session's `user_id` copied onto each row, `ON CONFLICT (id) DO
 *   NOTHING` for an id a concurrent append stores meanwhile. (Two appends racing with one new id
 *   into two different sessions: the loser reports the conflict, but its other messages are
 *   stored, as there is no transaction left to roll back. Ids are the caller's to keep unique.)
 * - stamps messages without `createdAt` from the database clock, one microsecond apart in batch
 *   order and after the session's newest message. The newest message is read two ways: `max`
 *   over the session's messages (the statement's snapshot: rows committed before it started) and
 *   the locked session row's `updated_at`, which every append moves to its newest message. A
 *   row lock waited for hands back the row as the winner committed it, so an append that queued
 *   behind another one still stamps after it, although its snapshot predates the winner's rows;
 * - moves `sessions.updated_at` to the newest inserted message (never backwards);
 * - returns one row with the session's `status` (no rows: no such session), the inserted rows
 *   (`inserted = true`) and the already stored ones (`inserted = false`). Ids stored by a
 *   concurrent transaction after the snapshot are in neither: read them with {@link findMessagesSql}.
 */
export function appendMessagesSql(
  sessionId: string,
  messages: readonly CheckedMessage[],
  route: ShardRoute = sessionRoute(sessionId, false),
): Sql {
  const session = sql`${sql.param(sessionId)}::uuid`;
  const ids = sql.param(messages.map((m) => m.id));
  const on = (alias?: string) => shardOn(route, alias);
  // The batch as one array a column, in the order of the unnest below.
  const columns = sql.join(
    [
      sql`${ids}::uuid[]`,
      sql`${messages.map((m) => m.role)}::text[]`,
      sql`${messages.map((m) => m.content)}::text[]`,
      sql`${messages.map((m) => m.model)}::text[]`,
      sql`${messages.map((m) => m.embedding)}::text[]`,
      sql`${messages.map((m) => m.createdAt)}::timestamptz[]`,
      sql`${messages.map((m) => m.parts)}::text[]`,
      sql`${messages.map((m) => m.metadata)}::text[]`,
    ],
    ', ',
  );
  return sql`WITH s AS (
  SELECT status, user_id, updated_at FROM sessions WHERE id = ${session}${on()} FOR NO KEY UPDATE
), input AS (
  SELECT * FROM unnest(${columns})
    WITH ORDINALITY AS t(id, role, content, model, embedding, created_at, parts, metadata, ord)
), existing AS (
  SELECT m.id, m.session_id, m.created_at FROM messages m WHERE m.id = ANY(${ids}::uuid[])${on('m')}
), base AS (
  SELECT GREATEST(clock_timestamp(), s.updated_at + interval '1 microsecond',
    (SELECT m.created_at + interval '1 microsecond' FROM messages m WHERE m.session_id = ${session}${on('m')}
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1)) AS at, s.user_id
  FROM s WHERE s.status = ${SessionStatus.ACTIVE}
), ins AS (
  INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata, user_id, shard_key)
  SELECT i.id, ${session}, i.role, i.content, i.model, i.embedding::vector,
    COALESCE(i.created_at, base.at + (i.ord - 1) * interval '1 microsecond'), i.parts::jsonb, i.metadata::jsonb, base.user_id, ${shardKeyValue(route)}
  FROM input i CROSS JOIN base
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.session_id IS DISTINCT FROM ${session} OR e.id = i.id)
  ORDER BY i.ord
  ON CONFLICT (id${sql.raw(route.distributed ? ', shard_key' : '')}) DO NOTHING
  RETURNING id, created_at
), touched AS (
  UPDATE sessions SET updated_at = GREATEST(updated_at, (SELECT max(created_at) FROM ins))
  WHERE id = ${session}${on()} AND EXISTS (SELECT 1 FROM ins)
  RETURNING id
)
SELECT s.status, NULL::uuid AS id, NULL::uuid AS session_id, NULL::text AS created_at, NULL::boolean AS inserted FROM s
UNION ALL
SELECT NULL, ins.id, NULL, ${sql.raw(timestampKeySql('ins.created_at'))}, true FROM ins
UNION ALL
SELECT NULL, e.id, e.session_id, ${sql.raw(timestampKeySql('e.created_at'))}, false FROM existing e`;
}

/*
 * The fast append: the append of {@link appendMessagesSql} without its look-up of stored ids and
 * without `ON CONFLICT`, so that a new message costs what a plain `INSERT` costs (the look-up and
 * the speculative insertion of `ON CONFLICT` each probe the primary key once more per row). An id
 * already stored makes the whole statement fail with a unique violation (`23505`) and insert
 * nothing: the caller then runs {@link appendMessagesSql}, which skips stored ids and refuses ids
 * of other sessions. Only for appends outside a transaction, where a failed statement leaves
 * nothing behind. Session lock, timestamps and `updated_at` as in {@link appendMessagesSql}.
 *
 * Two named statements, prepared once per connection: the session's id is `$1`, then the
 * message's id, role, content, model, embedding, created_at, parts and metadata, and the
 * session's `shard_key` as `$10` (written on every engine). {@link APPEND_ONE_SQL} takes one
 * message as scalar parameters, so PostgreSQL settles on one generic plan and stops planning it;
 * {@link APPEND_MANY_SQL} takes a batch as eight arrays through `unnest ... WITH ORDINALITY`. Not
 * used on Citus: there every statement must filter on the key, which {@link appendMessagesSql} does.
 *
 * Both return only the inserted rows' `created_at` as cursor text (the batch's with their `id`),
 * and no rows when the session is missing or not active, with nothing inserted: the caller then
 * runs {@link appendMessagesSql}, which reports the session's status. That costs a second round
 * trip on this failure path only; the common one reads back one column instead of three (a
 * smaller row description and row to parse on every append).
 */

/**
 * One message. The `UPDATE` of `sessions.updated_at` comes first and takes the session's row
 * lock itself; the `INSERT` reads the stamp and `user_id` from its `RETURNING`. Two plan nodes
 * that write and no separate `FOR NO KEY UPDATE` (the batch's form, {@link APPEND_MANY_SQL},
 * has four CTEs and locks, then updates):
 *
 * - the `UPDATE` only matches an active session, so nothing is inserted into a missing or
 *   archived one. It finds the row by primary key only: the status test is written `status + 0`,
 *   which no index can serve. As `status = 1` it cost the same through `(status, updated_at)` as
 *   through the primary key while sessions was one page, and the generic plan a named statement
 *   keeps for the life of its connection (made at its sixth run, on a fresh database) walked
 *   every active session's entry in that index, and every dead one, on every append
 *   (`src/session-index-plans.int.test.ts`);
 * - its row lock conflicts with itself (two appends to one session take turns) and with the
 *   archiver's `FOR UPDATE SKIP LOCKED` (it skips a session being appended to; an append waits
 *   for an archiver that holds the session, then rechecks `status` on the row it committed);
 * - a message without `createdAt` is stamped `GREATEST(clock, updated_at + 1 µs, newest message
 *   + 1 µs)`, and `updated_at` becomes that stamp. An append that queued behind another one
 *   recomputes it from the row as the winner committed it (PostgreSQL re-evaluates an `UPDATE`
 *   on the new row version after a lock wait), whose `updated_at` is the winner's newest
 *   message, so it stamps after it although its snapshot predates the winner's rows. The newest
 *   message is read too, for rows written by others that leave `updated_at` behind (the
 *   original library);
 * - with `createdAt` the message keeps it and `updated_at` never moves backwards;
 * - a unique violation of the message id fails the statement as a whole, the `UPDATE` too.
 *
 * What it costs beside a plain `INSERT` of the message (README, "What an append costs"): the
 * newest-message probe (one backward index probe) and the `UPDATE`, which is never HOT because
 * `updated_at` is in two indexes (session lists, the archiver): a new session row version and
 * three index entries per append. It stays, as `updated_at` must mean "newest message" for those
 * readers and the original library.
 */
const APPEND_ONE_SQL: NamedStatement = {
  name: 'memory_conversations_append_one_v4',
  text: `WITH s AS (
  UPDATE sessions SET updated_at = CASE WHEN $7::timestamptz IS NULL
    THEN GREATEST(clock_timestamp(), updated_at + interval '1 microsecond', ${afterNewestSql('$1::uuid')})
    ELSE GREATEST(updated_at, $7::timestamptz) END
  WHERE id = $1::uuid AND status + 0 = ${SessionStatus.ACTIVE}
  RETURNING user_id, updated_at
)
INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata, user_id, shard_key)
SELECT $2::uuid, $1::uuid, $3::text, $4::text, $5::text, $6::text::vector,
  COALESCE($7::timestamptz, s.updated_at), $8::text::jsonb, $9::text::jsonb, s.user_id, $10::int
FROM s
RETURNING ${timestampKeySql('created_at')} AS created_at`,
};

/**
 * A batch's statement: locks the session row (`FOR NO KEY UPDATE`) and reads its status, user id
 * and `updated_at` first, stamps messages without `createdAt` one microsecond apart in batch
 * order after the later of the clock, the locked row's `updated_at` and the newest message, and
 * then moves `updated_at` to the newest inserted message (never backwards), as
 * {@link appendMessagesSql} does. The stamp of the `UPDATE` first, as for one message, would need
 * the batch's last stamp before the insert; a batch costs its lock once for many rows.
 */
const APPEND_MANY_SQL: NamedStatement = {
  name: 'memory_conversations_append_many_v4',
  text: `WITH s AS (
  SELECT status, user_id, updated_at FROM sessions WHERE id = $1::uuid FOR NO KEY UPDATE
), base AS (
  SELECT GREATEST(clock_timestamp(), s.updated_at + interval '1 microsecond',
    ${afterNewestSql('$1::uuid')}) AS at, s.user_id
  FROM s WHERE s.status = ${SessionStatus.ACTIVE}
), ins AS (
  INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata, user_id, shard_key)
  SELECT i.id, $1::uuid, i.role, i.content, i.model, i.embedding::vector,
    COALESCE(i.created_at, base.at + (i.ord - 1) * interval '1 microsecond'), i.parts::jsonb, i.metadata::jsonb, base.user_id, $10::int
  FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[])
    WITH ORDINALITY AS i(id, role, content, model, embedding, created_at, parts, metadata, ord) CROSS JOIN base
  ORDER BY i.ord
  RETURNING id, created_at
), touched AS (
  UPDATE sessions SET updated_at = GREATEST(updated_at, (SELECT max(created_at) FROM ins))
  WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM ins)
)
SELECT ins.id, ${timestampKeySql('ins.created_at')} AS created_at FROM ins`,
};

/** The fast statement for `messages` ({@link APPEND_ONE_SQL} or {@link APPEND_MANY_SQL}) and its values. */
export function fastAppendStatement(
  sessionId: string,
  messages: readonly CheckedMessage[],
): { statement: NamedStatement; values: unknown[] } {
  const shardKey = shardKeyOfSession(sessionId);
  if (messages.length === 1) {
    const m = messages[0]!;
    return {
      statement: APPEND_ONE_SQL,
      values: [sessionId, m.id, m.role, m.content, m.model, m.embedding, m.createdAt, m.parts, m.metadata, shardKey],
    };
  }
  return {
    statement: APPEND_MANY_SQL,
    values: [
      sessionId,
      messages.map((m) => m.id),
      messages.map((m) => m.role),
      messages.map((m) => m.content),
      messages.map((m) => m.model),
      messages.map((m) => m.embedding),
      messages.map((m) => m.createdAt),
      messages.map((m) => m.parts),
      messages.map((m) => m.metadata),
      shardKey,
    ],
  };
}

/** Reads where already stored message ids live (for ids a concurrent writer stored mid-append). */
export function findMessagesSql(ids: readonly string[]): Sql {
  return sql`SELECT m.id, m.session_id, ${sql.raw(timestampKeySql('m.created_at'))} AS created_at, false AS inserted FROM messages m WHERE m.id = ANY(${ids}::uuid[])`;
}

/** A page request of a session's history, already checked. */
export interface HistoryQuery {
  sessionId: string;
  before: CursorPosition | null;
  after: CursorPosition | null;
  /** Rows to fetch: the page size plus one. */
  fetch: number;
  /** Role, time and metadata filters (checked), if any. */
  filter?: CheckedMessageFilter | null;
  /** The session's shard (docs/citus.md): filters on `shard_key` on a distributed database. */
  route?: ShardRoute;
}

/**
 * One statement for a page of history plus the session's status (zero rows: no such session;
 * one row with a `NULL` id: no message on this page). Keyset on `(created_at, id)` through the
 * `(session_id, created_at, id)` index, so equal timestamps keep a stable order. With `after`
 * the page is read upwards from it; otherwise downwards from `before` (or from the newest) and
 * the caller reverses it.
 */
export function historySql(query: HistoryQuery): Sql {
  const route = query.route ?? null;
  const bounds: Sql[] = [];
  if (query.after) bounds.push(sql`(m.created_at, m.id) > (${query.after.at}::timestamptz, ${query.after.id}::uuid)`);
  if (query.before)
    bounds.push(sql`(m.created_at, m.id) < (${query.before.at}::timestamptz, ${query.before.id}::uuid)`);
  if (query.filter) bounds.push(...messageFilterConditions('m', query.filter));
  const direction = sql.raw(query.after ? 'ASC' : 'DESC');
  const statement = sql`SELECT s.status AS session_status, p.*
FROM sessions s
LEFT JOIN LATERAL (
  SELECT ${sql.raw(messageColumns('m'))} FROM messages m
  WHERE m.session_id = s.id${shardOn(route, 'm')}${sql.join(
    bounds.map((b) => sql`\n    AND ${b}`),
    '',
  )}
  ORDER BY m.created_at ${direction}, m.id ${direction}
  LIMIT ${query.fetch}
) p ON true
WHERE s.id = ${query.sessionId}::uuid${shardOn(route, 's')}`;
  // Without filters there are four texts (cursor before, after, both or neither), and each once
  // more with the shard filter on Citus: prepared, as reading the newest page is the hot path and
  // its planning costs as much as its execution. (v2: the placeholders are numbered in text order.)
  return query.filter
    ? statement
    : statement.named(
        `memory_conversations_history_v2_${query.before ? 'b' : ''}${query.after ? 'a' : ''}${route?.distributed === true ? 'd' : ''}`,
      );
}

/**
 * Sets (or clears, for `null`) the embeddings of many messages in one `UPDATE ... FROM unnest`.
 * Returns the ids it found.
 */
export function setEmbeddingsSql(entries: ReadonlyArray<{ id: string; embedding: string | null }>): Sql {
  return sql`UPDATE messages m SET embedding = u.embedding::vector
FROM unnest(${entries.map((e) => e.id)}::uuid[], ${entries.map((e) => e.embedding)}::text[]) AS u(id, embedding)
WHERE m.id = u.id
RETURNING m.id`;
}
