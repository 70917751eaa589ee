/**
 * The SQL of the conversations benchmark: the plain hand-written baselines, and the store's own
 * statements spelled out for the informational analyses of its plan (never baselines).
 */
import { randomUUID } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// Plain hand-written SQL: the baselines

/** Newest page, and the older page by keyset, as a user writes it on the `(session_id, created_at, id)` index. */
export const PLAIN_HISTORY_SQL = `SELECT id, role, content, model, created_at::text AS created_at FROM messages
WHERE session_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`;
export const PLAIN_HISTORY_BEFORE_SQL = `SELECT id, role, content, model, created_at::text AS created_at FROM messages
WHERE session_id = $1 AND (created_at, id) < ($3::timestamptz, $4::uuid) ORDER BY created_at DESC, id DESC LIMIT $2`;
/**
 * The append a user writes by hand: one `INSERT` of `batch` rows (one row: an autocommit
 * `INSERT`), users and assistants in turn, the assistant's rows with `assistantModel`. Returns
 * the statement and its values.
 */
export function plainInsert(
  sessionId: string,
  batch: number,
  content: string,
  assistantModel: string | null,
): [string, unknown[]] {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (let j = 0; j < batch; j++) {
    const b = j * 5;
    tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, clock_timestamp())`);
    values.push(randomUUID(), sessionId, j % 2 ? 'assistant' : 'user', content, j % 2 ? assistantModel : null);
  }
  return [
    `INSERT INTO messages (id, session_id, role, content, model, created_at) VALUES ${tuples.join(', ')}`,
    values,
  ];
}

/** pgvector's filtered search as its README advises: iterative scan, ef_search set (to the store's default, for equal work). */
export const PLAIN_SEARCH_SETTINGS = (ef: number) =>
  `SET LOCAL hnsw.ef_search = ${ef}; SET LOCAL hnsw.iterative_scan = strict_order`;
export const PLAIN_SEARCH_SQL = `SELECT m.id, m.session_id, m.role, m.content, m.created_at, m.embedding <=> $1 AS distance
FROM messages m JOIN sessions s ON s.id = m.session_id
WHERE s.user_id = $2 AND m.embedding IS NOT NULL
ORDER BY m.embedding <=> $1 LIMIT $3`;

// ---------------------------------------------------------------------------------------------
// The SQL the store sends, spelled out for the informational analyses of its plan (not baselines)

const MESSAGE_COLUMNS = `m.id, m.session_id, m.role, m.content, m.model, (m.embedding IS NOT NULL) AS has_embedding,
  to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at`;

export const LOCK_SQL = 'SELECT status FROM sessions WHERE id = $1::uuid FOR NO KEY UPDATE';
export const INSERT_SQL = `INSERT INTO messages (id, session_id, role, content, model, embedding, created_at)
SELECT t.id, $1::uuid, t.role, t.content, t.model, NULL,
  GREATEST(clock_timestamp(), (SELECT max(created_at) + interval '1 microsecond' FROM messages WHERE session_id = $1::uuid)) + (t.ord - 1) * interval '1 microsecond'
FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(id, role, content, model, ord)
ORDER BY t.ord
ON CONFLICT (id) DO NOTHING
RETURNING id, created_at`;
export const TOUCH_SQL = `UPDATE sessions SET updated_at = GREATEST(updated_at, (SELECT max(created_at) FROM messages WHERE session_id = $1::uuid)) WHERE id = $1::uuid`;

/**
 * `efSearch` and `exactSearchThreshold`: the store's documented defaults (README), passed to the
 * store explicitly (`openTarget`) so the hand-written baseline and the store run with the same settings.
 */
export const EF_SEARCH = 200;
export const EXACT_THRESHOLD = 3000;
const USER_SCOPE = 'm.session_id IN (SELECT id FROM sessions WHERE user_id = $2)';
/** The search's first statement: HNSW settings and the scope counted up to the threshold + 1. */
export const SEARCH_SETUP_SQL = `SELECT set_config('hnsw.ef_search', $1, true) AS ef_search,
  set_config('hnsw.iterative_scan', 'relaxed_order', true) AS iterative_scan,
  (SELECT count(*) FROM (SELECT 1 FROM messages m WHERE ${USER_SCOPE} LIMIT $3) scope)::int AS scoped`;
/** The same settings without the count (the search before the exact path existed). */
export const SEARCH_SETTINGS_SQL = `SELECT set_config('hnsw.ef_search', $1, true) AS ef_search,
  set_config('hnsw.iterative_scan', 'relaxed_order', true) AS iterative_scan`;
export const SEARCH_SQL = `WITH hits AS MATERIALIZED (
  SELECT ${MESSAGE_COLUMNS}, m.embedding <=> $1::vector AS distance
  FROM messages m
  WHERE m.embedding IS NOT NULL
    AND ${USER_SCOPE}
  ORDER BY m.embedding <=> $1::vector
  LIMIT $3
)
SELECT * FROM hits ORDER BY distance, id`;
export const EXACT_SEARCH_SQL = `SELECT * FROM (
  SELECT ${MESSAGE_COLUMNS}, m.embedding <=> $1::vector AS distance
  FROM messages m
  WHERE m.embedding IS NOT NULL
    AND ${USER_SCOPE}
  OFFSET 0
) candidates
ORDER BY distance, id
LIMIT $3`;
