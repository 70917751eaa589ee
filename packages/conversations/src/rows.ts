import type { MessagePart, SessionStatus } from '@memory/models';
import { encodeCursor, timestampKeySql } from './cursor.js';
import type { MessagePreview, MessageRecord, SessionRecord, SummaryPreview, SummaryRecord } from './types.js';
import type { SummaryJson } from './summary-schema.js';

/** Select list of a session row (`alias` is the table alias); timestamps as cursor text. */
export function sessionColumns(alias: string): string {
  return [
    `${alias}.id`,
    `${alias}.user_id`,
    `${alias}.title`,
    `${alias}.status`,
    `${alias}.metadata`,
    `${timestampKeySql(`${alias}.created_at`)} AS created_at`,
    `${timestampKeySql(`${alias}.updated_at`)} AS updated_at`,
  ].join(', ');
}

/** Select list of a message row, without the content's embedding (only whether it is set). */
export function messageColumns(alias: string): string {
  return [
    `${alias}.id`,
    `${alias}.session_id`,
    `${alias}.role`,
    `${alias}.content`,
    `${alias}.model`,
    `${alias}.parts`,
    `${alias}.metadata`,
    `(${alias}.embedding IS NOT NULL) AS has_embedding`,
    `${timestampKeySql(`${alias}.created_at`)} AS created_at`,
  ].join(', ');
}

/** Select list of a summary row. */
export function summaryColumns(alias: string): string {
  return [
    `${alias}.id`,
    `${alias}.session_id`,
    `${alias}.strategy`,
    `${alias}.strategy_version`,
    `${alias}.summary_text`,
    `${alias}.summary_json`,
    `${timestampKeySql(`${alias}.created_at`)} AS created_at`,
  ].join(', ');
}

/** A session row as {@link sessionColumns} selects it. */
export interface SessionRow {
  id: string;
  user_id: string | null;
  title: string | null;
  status: number | string;
  metadata: unknown;
  created_at: string | null;
  updated_at: string;
}

/** A message row as {@link messageColumns} selects it. */
export interface MessageRow {
  id: string;
  session_id: string;
  role: string;
  content: string;
  model: string | null;
  parts: unknown;
  metadata: unknown;
  has_embedding: boolean;
  created_at: string;
}

/** A summary row as {@link summaryColumns} selects it. */
export interface SummaryRow {
  id: string;
  session_id: string;
  strategy: string;
  strategy_version: string | null;
  summary_text: string | null;
  summary_json: unknown;
  created_at: string;
}

/** A `timestamptz` rendered by `timestampKeySql` (or `null`) as a `Date` (milliseconds kept). */
export function toDate(text: string): Date;
export function toDate(text: string | null): Date | null;
export function toDate(text: string | null): Date | null {
  return text === null ? null : new Date(text);
}

/** jsonb comes back parsed from both drivers; a string is parsed here in case a driver did not. */
export function toJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    status: Number(row.status) as SessionStatus,
    metadata:
      row.metadata === null || row.metadata === undefined ? null : toJson<Record<string, unknown>>(row.metadata),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function toMessage(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    role: row.role,
    content: row.content,
    parts: row.parts === null || row.parts === undefined ? null : toJson<MessagePart[]>(row.parts),
    metadata:
      row.metadata === null || row.metadata === undefined ? null : toJson<Record<string, unknown>>(row.metadata),
    model: row.model,
    createdAt: toDate(row.created_at),
    hasEmbedding: Boolean(row.has_embedding),
    cursor: encodeCursor('message', { at: row.created_at, id: row.id }),
  };
}

export function toSummary(row: SummaryRow): SummaryRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    strategy: row.strategy,
    strategyVersion: row.strategy_version,
    text: row.summary_text,
    json: toJson<SummaryJson>(row.summary_json),
    createdAt: toDate(row.created_at),
  };
}

/**
 * Cuts `text` to `length` characters (code points, as PostgreSQL's `left()` counts). The SQL
 * selects `length + 1` characters so that a cut can be told from an exact fit.
 */
export function cutPreview(text: string, length: number): { text: string; truncated: boolean } {
  const chars = Array.from(text);
  return chars.length > length
    ? { text: chars.slice(0, length).join(''), truncated: true }
    : { text, truncated: false };
}

/** A message preview from the `<prefix>_id`, `_role`, `_content`, `_created_at` columns of a list row. */
export function toMessagePreview(row: Record<string, unknown>, prefix: string, length: number): MessagePreview | null {
  const id = row[`${prefix}_id`];
  if (id === null || id === undefined) return null;
  const cut = cutPreview(String(row[`${prefix}_content`] ?? ''), length);
  return {
    id: String(id),
    role: String(row[`${prefix}_role`]),
    content: cut.text,
    truncated: cut.truncated,
    createdAt: toDate(String(row[`${prefix}_created_at`])),
  };
}

/** The latest-summary preview of a list row (`summary_id`, `summary_strategy`, `summary_text`, `summary_created_at`). */
export function toSummaryPreview(row: Record<string, unknown>, length: number): SummaryPreview | null {
  const id = row.summary_id;
  if (id === null || id === undefined) return null;
  const raw = row.summary_text;
  const cut = raw === null || raw === undefined ? null : cutPreview(String(raw), length);
  return {
    id: String(id),
    strategy: String(row.summary_strategy),
    text: cut ? cut.text : null,
    truncated: cut ? cut.truncated : false,
    createdAt: toDate(String(row.summary_created_at)),
  };
}
