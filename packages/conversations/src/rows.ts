import type { MemoryColumn, MemoryTableName, MemoryTables, TextRow } from '@memory/db';
import type { MessagePart, SessionStatus } from '@memory/models';
import { encodeCursor, timestampKeySql } from './cursor.js';
import type { MessagePreview, MessageRecord, SessionRecord, SummaryPreview, SummaryRecord } from './types.js';
import type { SummaryJson } from './summary-schema.js';

/**
 * The columns each row type selects as they are stored, checked against the entity definitions
 * (`MemoryTables` of `@memory/db`, derived from `@memory/models`): renaming or dropping one of
 * them in an entity fails typecheck here. Timestamps are selected apart, as cursor text.
 */
const SESSION_SELECT = [
  'id',
  'user_id',
  'title',
  'status',
  'metadata',
] as const satisfies readonly MemoryColumn<'sessions'>[];
const MESSAGE_SELECT = [
  'id',
  'session_id',
  'role',
  'content',
  'model',
  'parts',
  'metadata',
] as const satisfies readonly MemoryColumn<'messages'>[];
const SUMMARY_SELECT = [
  'id',
  'session_id',
  'strategy',
  'strategy_version',
  'summary_text',
  'summary_json',
] as const satisfies readonly MemoryColumn<'session_summaries'>[];

/** Select lists already built, by table and alias: the hot paths ask for the same few again and again. */
const selectLists = new Map<string, string>();

/**
 * `alias.column` of each column, then each timestamp rendered by `timestampKeySql` (once per table
 * and alias, then from {@link selectLists}).
 *
 * SQL text (through the `sql` template of `@memory/db`) rather than a typed query builder:
 * `pnpm bench sql-build` measured a summary page built and compiled by Kysely over `MemoryTables`
 * at 24 µs a call against 1 µs by hand, and its p50 round trip at 1.28× the hand statement's
 * (0.31 vs 0.24 ms, load 11): not free. The template costs 0.4–0.6 µs for that statement (its
 * text is built once per call site) and a few µs for a composed one (load 12–14). The column
 * names are checked against the entity definitions all the same, by the `satisfies` lists above.
 */
function selectList<T extends MemoryTableName>(
  table: T,
  alias: string,
  columns: readonly MemoryColumn<T>[],
  timestamps: readonly MemoryColumn<T>[],
  extra: readonly string[] = [],
): string {
  const key = `${table} ${alias}`;
  let list = selectLists.get(key);
  if (list === undefined) {
    list = [
      ...columns.map((c) => `${alias}.${c}`),
      ...extra,
      ...timestamps.map((c) => `${timestampKeySql(`${alias}.${c}`)} AS ${c}`),
    ].join(', ');
    selectLists.set(key, list);
  }
  return list;
}

/** Select list of a session row (`alias` is the table alias); timestamps as cursor text. */
export function sessionColumns(alias: string): string {
  return selectList('sessions', alias, SESSION_SELECT, ['created_at', 'updated_at']);
}

/** Select list of a message row, without the content's embedding (only whether it is set). */
export function messageColumns(alias: string): string {
  return selectList(
    'messages',
    alias,
    MESSAGE_SELECT,
    ['created_at'],
    [`(${alias}.embedding IS NOT NULL) AS has_embedding`],
  );
}

/** Select list of a summary row. */
export function summaryColumns(alias: string): string {
  return selectList('session_summaries', alias, SUMMARY_SELECT, ['created_at']);
}

/** The stored columns `C` of `T`, with `timestamptz` columns `S` as the cursor text `timestampKeySql` renders. */
type SelectedRow<T extends MemoryTableName, C extends MemoryColumn<T>, S extends MemoryColumn<T>> = Pick<
  MemoryTables[T],
  C
> &
  TextRow<T, S>;

/** A session row as {@link sessionColumns} selects it. */
export type SessionRow = SelectedRow<'sessions', (typeof SESSION_SELECT)[number], 'created_at' | 'updated_at'>;

/** A message row as {@link messageColumns} selects it. */
export type MessageRow = SelectedRow<'messages', (typeof MESSAGE_SELECT)[number], 'created_at'> & {
  has_embedding: boolean;
};

/** A summary row as {@link summaryColumns} selects it. */
export type SummaryRow = SelectedRow<'session_summaries', (typeof SUMMARY_SELECT)[number], 'created_at'>;

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
