import { messageColumns } from './rows.js';
import { SqlParams, type SqlStatement } from './sql-params.js';

/** A semantic search, already checked: `vector` is a pgvector literal of the right dimension. */
export interface SearchQuery {
  vector: string;
  sessionId: string | null;
  userId: string | null;
  roles: readonly string[] | null;
  since: Date | null;
  until: Date | null;
  topK: number;
}

/** pgvector's default `hnsw.ef_search`. */
export const DEFAULT_EF_SEARCH = 40;

/**
 * Transaction-local search settings, sent before {@link searchSql} in the same transaction.
 * `hnsw.ef_search` is raised to `topK` (an HNSW scan returns at most `ef_search` rows per
 * pass). With `iterativeScan` (pgvector 0.8 or newer), `hnsw.iterative_scan = relaxed_order`
 * makes the index scan continue past rows that the filters (user, session, role, time) reject
 * until `topK` rows pass, instead of returning fewer.
 */
export function searchSettingsSql(topK: number, iterativeScan: boolean): SqlStatement {
  const efSearch = String(Math.max(DEFAULT_EF_SEARCH, topK));
  return iterativeScan
    ? { text: `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`, values: [efSearch] }
    : { text: `SELECT set_config('hnsw.ef_search', $1, true)`, values: [efSearch] };
}

/**
 * The nearest messages by cosine distance (`<=>`, served by the HNSW `vector_cosine_ops` index
 * on `messages.embedding`). `relaxed_order` may yield rows slightly out of order, so the hits
 * are collected in a materialized CTE and sorted again (pgvector's recommended form). The user
 * filter is a semi-join on `sessions.user_id`, keeping the query keyed by user.
 */
export function searchSql(query: SearchQuery): SqlStatement {
  const params = new SqlParams();
  const vector = `${params.add(query.vector)}::vector`;
  const where = ['m.embedding IS NOT NULL'];
  if (query.sessionId !== null) where.push(`m.session_id = ${params.add(query.sessionId)}::uuid`);
  if (query.userId !== null) where.push(`m.session_id IN (SELECT id FROM sessions WHERE user_id = ${params.add(query.userId)})`);
  if (query.roles !== null) where.push(`m.role = ANY(${params.add(query.roles)}::text[])`);
  if (query.since !== null) where.push(`m.created_at >= ${params.add(query.since)}::timestamptz`);
  if (query.until !== null) where.push(`m.created_at < ${params.add(query.until)}::timestamptz`);
  const text = `WITH hits AS MATERIALIZED (
  SELECT ${messageColumns('m')}, m.embedding <=> ${vector} AS distance
  FROM messages m
  WHERE ${where.join('\n    AND ')}
  ORDER BY m.embedding <=> ${vector}
  LIMIT ${params.add(query.topK)}
)
SELECT * FROM hits ORDER BY distance, id`;
  return { text, values: params.values };
}

/** The installed pgvector version (`NULL` when the extension is missing). */
export const VECTOR_VERSION_SQL = `SELECT extversion FROM pg_extension WHERE extname = 'vector'`;

/** Whether a pgvector version (`0.8.0`, `0.8.7`...) has iterative index scans (0.8.0 and newer). */
export function supportsIterativeScan(version: string | null | undefined): boolean {
  if (!version) return false;
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 0 || minor >= 8;
}
