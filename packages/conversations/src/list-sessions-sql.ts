import type { SessionStatus } from '@memory/models';
import { timestampKeySql, type CursorPosition } from './cursor.js';
import { sessionColumns } from './rows.js';
import { sql, type Sql } from '@memory/db';
import { shardKeyValue, shardOn, userRoute } from './shard-route.js';

/** The filters and page of a session list, already checked. */
export interface ListSessionsQuery {
  userId: string | null;
  statuses: SessionStatus[] | null;
  metadataContains: Record<string, unknown> | null;
  /** Top-level metadata values the sessions must have. */
  metadataEquals?: Record<string, unknown> | null;
  /** The last session of the previous page. */
  after: CursorPosition | null;
  /** Rows to fetch: the page size plus one, to tell whether another page follows. */
  fetch: number;
  /** Characters of each preview. */
  previewLength: number;
  /**
   * On a distributed database (docs/citus.md): `true`. A user's list then reads the user's shard
   * only, and the previews join on `shard_key` as well (co-located).
   */
  distributed?: boolean;
  /**
   * Only these sessions, all with this shard key (a distributed list without a user: the page is
   * cut first across the shards with {@link listSessionPageSql}, then the previews are read shard
   * by shard).
   */
  within?: { ids: readonly string[]; shardKey: number } | null;
}

/**
 * One statement for a whole page of sessions with their previews, whatever the page size:
 * the page is cut first (keyset on `updated_at DESC, id DESC`), then three `LATERAL` subqueries
 * with `LIMIT 1` pick each session's first message, last message and newest summary through the
 * `(session_id, created_at, id)` indexes. Contents are cut to `previewLength + 1` characters in
 * SQL, so no whole conversation is ever loaded.
 */
export function listSessionsSql(query: ListSessionsQuery): Sql {
  const { page, key } = sessionPage(query);
  const preview = sql.param(query.previewLength + 1);
  // The previews on the page's one shard (Citus routes a statement whose every table is filtered on one key).
  const co = (alias: string): Sql => (key === null ? sql.empty : sql` AND ${sql.raw(alias)}.shard_key = ${key}`);
  return sql`SELECT ${sql.raw(sessionColumns('s'))},
  fm.id AS first_id, fm.role AS first_role, fm.content AS first_content, ${sql.raw(timestampKeySql('fm.created_at'))} AS first_created_at,
  lm.id AS last_id, lm.role AS last_role, lm.content AS last_content, ${sql.raw(timestampKeySql('lm.created_at'))} AS last_created_at,
  sm.id AS summary_id, sm.strategy AS summary_strategy, sm.text AS summary_text, ${sql.raw(timestampKeySql('sm.created_at'))} AS summary_created_at
FROM (
${page}
) s
LEFT JOIN LATERAL (
  SELECT m.id, m.role, left(m.content, ${preview}) AS content, m.created_at FROM messages m
  WHERE m.session_id = s.id${co('m')} ORDER BY m.created_at ASC, m.id ASC LIMIT 1
) fm ON true
LEFT JOIN LATERAL (
  SELECT m.id, m.role, left(m.content, ${preview}) AS content, m.created_at FROM messages m
  WHERE m.session_id = s.id${co('m')} ORDER BY m.created_at DESC, m.id DESC LIMIT 1
) lm ON true
LEFT JOIN LATERAL (
  SELECT ss.id, ss.strategy, left(ss.summary_text, ${preview}) AS text, ss.created_at FROM session_summaries ss
  WHERE ss.session_id = s.id${co('ss')} ORDER BY ss.created_at DESC, ss.id DESC LIMIT 1
) sm ON true
ORDER BY s.updated_at DESC, s.id DESC`;
}

/**
 * The page of sessions (filters, keyset, limit) and the shard key its previews join on (`null`:
 * no shard filter).
 */
function sessionPage(query: ListSessionsQuery): { page: Sql; key: Sql | null } {
  const where: Sql[] = [];
  const route = query.userId === null ? null : userRoute(query.userId, query.distributed === true);
  if (query.userId !== null) where.push(sql`user_id = ${query.userId}${shardOn(route)}`);
  let key = route?.distributed ? shardKeyValue(route) : null;
  if (query.within) {
    key = sql`${sql.param(query.within.shardKey)}::int`;
    where.push(sql`id = ANY(${query.within.ids}::uuid[]) AND shard_key = ${key}`);
  }
  if (query.statuses !== null) where.push(sql`status = ANY(${query.statuses}::smallint[])`);
  if (query.metadataContains !== null) where.push(sql`metadata @> ${JSON.stringify(query.metadataContains)}::jsonb`);
  for (const [name, value] of Object.entries(query.metadataEquals ?? {})) {
    where.push(sql`metadata -> ${name}::text = ${JSON.stringify(value)}::jsonb`);
  }
  if (query.after !== null) {
    where.push(sql`(updated_at, id) < (${query.after.at}::timestamptz, ${query.after.id}::uuid)`);
  }
  const filter = where.length > 0 ? sql`WHERE ${sql.join(where, '\n    AND ')}` : sql.empty;
  const page = sql`  SELECT * FROM sessions
  ${filter}
  ORDER BY updated_at DESC, id DESC
  LIMIT ${query.fetch}`;
  return { page, key };
}

/**
 * The page of a session list without a user on a distributed database: ids, shard keys and
 * order only (a multi-shard query; Citus merges the shards' ordered, limited results). The
 * previews are then read by {@link listSessionsSql} with `within`, one statement per shard key.
 */
export function listSessionPageSql(query: ListSessionsQuery): Sql {
  const { page } = sessionPage({ ...query, distributed: false });
  return sql`SELECT s.id, s.shard_key, ${sql.raw(timestampKeySql('s.updated_at'))} AS updated_at FROM (\n${page}\n) s ORDER BY s.updated_at DESC, s.id DESC`;
}
