import { timestampKeySql, type CursorPosition } from './cursor.js';
import { messageFilterConditions, type CheckedMessageFilter } from './message-filter.js';
import { messageColumns } from './rows.js';
import { SqlParams, type SqlStatement } from './sql-params.js';
import type { CheckedMessage } from './validate.js';

/**
 * Locks the session row for the rest of the append transaction and reads its status.
 *
 * `FOR NO KEY UPDATE` conflicts with itself (two appends to one session take turns, so their
 * timestamps stay in order) and with the archiver's `FOR UPDATE SKIP LOCKED` (it skips a session
 * being appended to, and an append waits for an archiver that holds the session, then sees its
 * new status). It does not block inserts elsewhere that merely reference the session by foreign key.
 */
export function lockSessionSql(sessionId: string): SqlStatement {
  return { text: 'SELECT status FROM sessions WHERE id = $1::uuid FOR NO KEY UPDATE', values: [sessionId] };
}

/**
 * One statement for the whole batch, whatever its size (the rows travel as arrays through
 * `unnest ... WITH ORDINALITY`, so the text never changes):
 *
 * - inserts the messages with `ON CONFLICT (id) DO NOTHING`, so a retried append skips what
 *   the first attempt stored;
 * - stamps messages without `createdAt` from the database clock, one microsecond apart in batch
 *   order and after the session's newest message, so history order is the append order even
 *   within one batch;
 * - moves `sessions.updated_at` to the newest inserted message (never backwards);
 * - returns the inserted rows (`inserted = true`) and the already stored ones (`inserted = false`);
 *   the lookup of stored ones is a one-time filter that runs only when some row was not inserted,
 *   so the usual append (every id new) does not probe the primary key a second time.
 *
 * Run it after {@link lockSessionSql} in the same transaction.
 */
export function appendMessagesSql(sessionId: string, messages: readonly CheckedMessage[]): SqlStatement {
  const params = new SqlParams();
  const session = `${params.add(sessionId)}::uuid`;
  const ids = params.add(messages.map((m) => m.id));
  const text = `WITH input AS (
  SELECT * FROM unnest(${ids}::uuid[], ${params.add(messages.map((m) => m.role))}::text[], ${params.add(messages.map((m) => m.content))}::text[],
    ${params.add(messages.map((m) => m.model))}::text[], ${params.add(messages.map((m) => m.embedding))}::text[],
    ${params.add(messages.map((m) => m.createdAt))}::timestamptz[], ${params.add(messages.map((m) => m.parts))}::text[],
    ${params.add(messages.map((m) => m.metadata))}::text[])
    WITH ORDINALITY AS t(id, role, content, model, embedding, created_at, parts, metadata, ord)
), base AS (
  SELECT GREATEST(clock_timestamp(), (SELECT max(created_at) + interval '1 microsecond' FROM messages WHERE session_id = ${session})) AS at
), ins AS (
  INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata)
  SELECT i.id, ${session}, i.role, i.content, i.model, i.embedding::vector,
    COALESCE(i.created_at, base.at + (i.ord - 1) * interval '1 microsecond'), i.parts::jsonb, i.metadata::jsonb
  FROM input i CROSS JOIN base
  ORDER BY i.ord
  ON CONFLICT (id) DO NOTHING
  RETURNING id, created_at
), touched AS (
  UPDATE sessions SET updated_at = GREATEST(updated_at, (SELECT max(created_at) FROM ins))
  WHERE id = ${session} AND EXISTS (SELECT 1 FROM ins)
  RETURNING id
)
SELECT ins.id, NULL::uuid AS session_id, ${timestampKeySql('ins.created_at')} AS created_at, true AS inserted FROM ins
UNION ALL
SELECT m.id, m.session_id, ${timestampKeySql('m.created_at')} AS created_at, false AS inserted
FROM messages m
WHERE (SELECT count(*) FROM ins) < ${params.add(messages.length)}::int AND m.id = ANY(${ids}::uuid[]) AND m.id NOT IN (SELECT id FROM ins)`;
  return { text, values: params.values };
}

/** Reads where already stored message ids live (for ids a concurrent writer stored mid-append). */
export function findMessagesSql(ids: readonly string[]): SqlStatement {
  return {
    text: `SELECT m.id, m.session_id, ${timestampKeySql('m.created_at')} AS created_at, false AS inserted FROM messages m WHERE m.id = ANY($1::uuid[])`,
    values: [ids],
  };
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
}

/**
 * One statement for a page of history plus the session's status (zero rows: no such session;
 * one row with a `NULL` id: no message on this page). Keyset on `(created_at, id)` through the
 * `(session_id, created_at, id)` index, so equal timestamps keep a stable order. With `after`
 * the page is read upwards from it; otherwise downwards from `before` (or from the newest) and
 * the caller reverses it.
 */
export function historySql(query: HistoryQuery): SqlStatement {
  const params = new SqlParams();
  const session = params.add(query.sessionId);
  const bounds: string[] = [];
  if (query.after)
    bounds.push(
      `(m.created_at, m.id) > (${params.add(query.after.at)}::timestamptz, ${params.add(query.after.id)}::uuid)`,
    );
  if (query.before)
    bounds.push(
      `(m.created_at, m.id) < (${params.add(query.before.at)}::timestamptz, ${params.add(query.before.id)}::uuid)`,
    );
  if (query.filter) bounds.push(...messageFilterConditions(params, 'm', query.filter));
  const direction = query.after ? 'ASC' : 'DESC';
  const text = `SELECT s.status AS session_status, p.*
FROM sessions s
LEFT JOIN LATERAL (
  SELECT ${messageColumns('m')} FROM messages m
  WHERE m.session_id = s.id${bounds.map((b) => `\n    AND ${b}`).join('')}
  ORDER BY m.created_at ${direction}, m.id ${direction}
  LIMIT ${params.add(query.fetch)}
) p ON true
WHERE s.id = ${session}::uuid`;
  return { text, values: params.values };
}

/**
 * Sets (or clears, for `null`) the embeddings of many messages in one `UPDATE ... FROM unnest`.
 * Returns the ids it found.
 */
export function setEmbeddingsSql(entries: ReadonlyArray<{ id: string; embedding: string | null }>): SqlStatement {
  return {
    text: `UPDATE messages m SET embedding = u.embedding::vector
FROM unnest($1::uuid[], $2::text[]) AS u(id, embedding)
WHERE m.id = u.id
RETURNING m.id`,
    values: [entries.map((e) => e.id), entries.map((e) => e.embedding)],
  };
}
