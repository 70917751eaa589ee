import type { SessionStatus } from '@memory/models';
import { timestampKeySql, type CursorPosition } from './cursor.js';
import { sessionColumns } from './rows.js';
import { ShardFilter, userRoute } from './shard-route.js';
import { SqlParams, type SqlStatement } from './sql-params.js';

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
export function listSessionsSql(query: ListSessionsQuery): SqlStatement {
  const params = new SqlParams();
  const where: string[] = [];
  const shard = new ShardFilter(
    params,
    query.userId === null ? { key: 0, distributed: false } : userRoute(query.userId, query.distributed === true),
  );
  if (query.userId !== null) where.push(`user_id = ${params.add(query.userId)}${shard.on()}`);
  let key = shard.distributed ? shard.value() : null;
  if (query.within) {
    key = `${params.add(query.within.shardKey)}::int`;
    where.push(`id = ANY(${params.add(query.within.ids)}::uuid[]) AND shard_key = ${key}`);
  }
  // The previews on the page's one shard (Citus routes a statement whose every table is filtered on one key).
  const co = (alias: string): string => (key === null ? '' : ` AND ${alias}.shard_key = ${key}`);
  if (query.statuses !== null) where.push(`status = ANY(${params.add(query.statuses)}::smallint[])`);
  if (query.metadataContains !== null)
    where.push(`metadata @> ${params.add(JSON.stringify(query.metadataContains))}::jsonb`);
  for (const [key, value] of Object.entries(query.metadataEquals ?? {})) {
    where.push(`metadata -> ${params.add(key)}::text = ${params.add(JSON.stringify(value))}::jsonb`);
  }
  if (query.after !== null) {
    where.push(`(updated_at, id) < (${params.add(query.after.at)}::timestamptz, ${params.add(query.after.id)}::uuid)`);
  }
  const limit = params.add(query.fetch);
  const preview = params.add(query.previewLength + 1);
  const text = `SELECT ${sessionColumns('s')},
  fm.id AS first_id, fm.role AS first_role, fm.content AS first_content, ${timestampKeySql('fm.created_at')} AS first_created_at,
  lm.id AS last_id, lm.role AS last_role, lm.content AS last_content, ${timestampKeySql('lm.created_at')} AS last_created_at,
  sm.id AS summary_id, sm.strategy AS summary_strategy, sm.text AS summary_text, ${timestampKeySql('sm.created_at')} AS summary_created_at
FROM (
  SELECT * FROM sessions
  ${where.length > 0 ? `WHERE ${where.join('\n    AND ')}` : ''}
  ORDER BY updated_at DESC, id DESC
  LIMIT ${limit}
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
  return { text, values: params.values };
}

/**
 * The page of a session list without a user on a distributed database: ids, shard keys and
 * order only (a multi-shard query; Citus merges the shards' ordered, limited results). The
 * previews are then read by {@link listSessionsSql} with `within`, one statement per shard key.
 */
export function listSessionPageSql(query: ListSessionsQuery): SqlStatement {
  const { text, values } = listSessionsSql({ ...query, distributed: false });
  const inner = text.slice(text.indexOf('FROM (\n') + 'FROM (\n'.length, text.indexOf('\n) s\n'));
  return {
    text: `SELECT s.id, s.shard_key, ${timestampKeySql('s.updated_at')} AS updated_at FROM (\n${inner}\n) s ORDER BY s.updated_at DESC, s.id DESC`,
    values: values.slice(0, -1),
  };
}
