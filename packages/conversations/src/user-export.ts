import { sql, type Sql, type SqlParam } from '@memory/db';
import { timestampKeySql, type CursorPosition } from './cursor.js';
import { toJsonlLine } from './jsonl.js';
import {
  messageColumns,
  sessionColumns,
  summaryColumns,
  toDate,
  toJson,
  toMessage,
  toSession,
  toSummary,
  type MessageRow,
  type SessionRow,
  type SummaryRow,
} from './rows.js';
import { snapshotLines, type EmitLine } from './snapshot-lines.js';
import { sessionRoute, shardOn } from './shard-route.js';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { ExportUserOptions } from './types.js';
import { checkLimit, checkUserId } from './validate.js';

/** Version of the export format, in its first line. */
const USER_EXPORT_VERSION = 1;

/**
 * Which audit rows belong to a user, for export and purge: rows about one of the user's sessions
 * (`resource_type = 'session'`, `resource_id` = the session id), rows the user did
 * (`actor` = the user id), rows about the user (`resource_type = 'user'`, `resource_id` = the
 * user id) and rows whose `details.userId` is the user id (as this package's `delete_session`
 * rows record it). `user` is the user id, bound once.
 */
export function userAuditCondition(user: SqlParam): Sql {
  return sql`(a.actor = ${user}
    OR (a.resource_type = 'user' AND a.resource_id = ${user})
    OR a.details ->> 'userId' = ${user}
    OR (a.resource_type = 'session' AND a.resource_id IN (SELECT id::text FROM sessions WHERE user_id = ${user})))`;
}

/** Counts in the export's last line. */
interface ExportCounts {
  sessions: number;
  messages: number;
  summaries: number;
  archivedMessages: number;
  auditLogs: number;
}

interface ArchivedRow {
  id: string;
  session_id: string;
  role: string;
  content: string;
  model: string | null;
  parts: unknown;
  metadata: unknown;
  embedding?: string | null;
  created_at: string;
  archived_at: string | null;
}

interface AuditRow {
  id: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  details: unknown;
  actor: string | null;
  created_at: string | null;
}

/**
 * Reads a keyset-paged query page by page: `fetch(after)` returns at most `pageSize` rows after
 * the position; the next page starts after the last row's position.
 */
async function* pages<T>(
  fetch: (after: CursorPosition | null) => Promise<T[]>,
  position: (row: T) => CursorPosition,
  pageSize: number,
): AsyncGenerator<T> {
  let after: CursorPosition | null = null;
  for (;;) {
    const rows = await fetch(after);
    yield* rows;
    if (rows.length < pageSize) return;
    after = position(rows.at(-1)!);
  }
}

function parseVector(text: string | null | undefined): number[] | null {
  if (text === null || text === undefined) return null;
  const body = text.trim().slice(1, -1);
  return body === '' ? [] : body.split(',').map(Number);
}

/**
 * Every row of a user as JSONL lines, read page by page. Lines, in order:
 * `{"type":"export",...}`, then for each session (by id) `{"type":"session",...}` followed by its
 * `message`, `summary` and `archived_message` lines (oldest first), then the `audit_log` lines
 * (see {@link userAuditCondition}), and last `{"type":"end","counts":{...}}`: a file without
 * its end line is incomplete.
 *
 * The export is one snapshot (see {@link snapshotLines}): every page is read in one
 * `REPEATABLE READ, READ ONLY` transaction, so a message the archiver moves to
 * `messages_archive` (or a restore moves back) while the export runs appears exactly once, and
 * the counts in the end line match the rows of one moment. On PostgreSQL the transaction (and
 * one pooled connection) is held until the iteration ends: read it to the end, or stop with
 * `break`/`return()`. On PGlite the lines are spooled to a temp file first.
 */
export async function* exportUser(
  ctx: StoreContext,
  userId: string,
  options: ExportUserOptions = {},
): AsyncGenerator<string> {
  // Checked before the transaction opens: bad input fails the first next() and holds nothing.
  const user = checkUserId(userId);
  const pageSize = checkLimit(options.pageSize, 'pageSize', 500, 10_000);
  const embeddings = options.includeEmbeddings === true;
  const distributed = await ctx.distributed();
  yield* snapshotLines(ctx, (client, emit) => produceExport(client, emit, user, pageSize, embeddings, distributed));
}

async function produceExport(
  client: SqlClient,
  emit: EmitLine,
  user: string,
  pageSize: number,
  embeddings: boolean,
  distributed: boolean,
): Promise<void> {
  const counts: ExportCounts = { sessions: 0, messages: 0, summaries: 0, archivedMessages: 0, auditLogs: 0 };
  await emit(
    toJsonlLine({ type: 'export', version: USER_EXPORT_VERSION, userId: user, exportedAt: new Date().toISOString() }),
  );

  let afterSession: string | null = null;
  for (;;) {
    const sessions: SessionRow[] = await client.query<SessionRow>(
      sql`SELECT ${sql.raw(sessionColumns('s'))} FROM sessions s WHERE s.user_id = ${user}${afterSession ? sql` AND s.id > ${afterSession}::uuid` : sql.empty} ORDER BY s.id LIMIT ${pageSize}`,
    );
    for (const row of sessions) {
      counts.sessions++;
      await emit(toJsonlLine({ type: 'session', ...toSession(row) }));
      for await (const message of pages(
        (after) =>
          sessionRows<MessageRow & { embedding?: string | null }>(
            client,
            'messages',
            `${messageColumns('m')}${embeddings ? ', m.embedding::text AS embedding' : ''}`,
            row.id,
            after,
            pageSize,
            distributed,
          ),
        (m) => ({ at: m.created_at, id: m.id }),
        pageSize,
      )) {
        counts.messages++;
        const { cursor: _cursor, ...record } = toMessage(message);
        await emit(
          toJsonlLine({
            type: 'message',
            ...record,
            ...(embeddings ? { embedding: parseVector(message.embedding) } : {}),
          }),
        );
      }
      for await (const summary of pages(
        (after) =>
          sessionRows<SummaryRow>(
            client,
            'session_summaries',
            summaryColumns('m'),
            row.id,
            after,
            pageSize,
            distributed,
          ),
        (s) => ({ at: s.created_at, id: s.id }),
        pageSize,
      )) {
        counts.summaries++;
        await emit(toJsonlLine({ type: 'summary', ...toSummary(summary) }));
      }
      const archivedColumns = `m.id, m.session_id, m.role, m.content, m.model, m.parts, m.metadata, ${timestampKeySql('m.created_at')} AS created_at, ${timestampKeySql('m.archived_at')} AS archived_at${embeddings ? ', m.embedding::text AS embedding' : ''}`;
      for await (const archived of pages(
        (after) =>
          sessionRows<ArchivedRow>(client, 'messages_archive', archivedColumns, row.id, after, pageSize, distributed),
        (a) => ({ at: a.created_at, id: a.id }),
        pageSize,
      )) {
        counts.archivedMessages++;
        await emit(
          toJsonlLine({
            type: 'archived_message',
            id: archived.id,
            sessionId: archived.session_id,
            role: archived.role,
            content: archived.content,
            parts: archived.parts === null || archived.parts === undefined ? null : toJson(archived.parts),
            metadata: archived.metadata === null || archived.metadata === undefined ? null : toJson(archived.metadata),
            model: archived.model,
            createdAt: toDate(archived.created_at),
            archivedAt: toDate(archived.archived_at),
            ...(embeddings ? { embedding: parseVector(archived.embedding) } : {}),
          }),
        );
      }
    }
    if (sessions.length < pageSize) break;
    afterSession = sessions.at(-1)!.id;
  }

  let afterAudit: string | null = null;
  for (;;) {
    const audits: AuditRow[] = await client.query<AuditRow>(
      sql`SELECT a.id, a.action, a.resource_type, a.resource_id, a.details, a.actor, ${sql.raw(timestampKeySql('a.created_at'))} AS created_at
FROM audit_logs a WHERE ${userAuditCondition(sql.param(user))}${afterAudit ? sql` AND a.id > ${afterAudit}::uuid` : sql.empty} ORDER BY a.id LIMIT ${pageSize}`,
    );
    for (const audit of audits) {
      counts.auditLogs++;
      await emit(
        toJsonlLine({
          type: 'audit_log',
          id: audit.id,
          action: audit.action,
          resourceType: audit.resource_type,
          resourceId: audit.resource_id,
          details: audit.details === null || audit.details === undefined ? null : toJson(audit.details),
          actor: audit.actor,
          createdAt: toDate(audit.created_at),
        }),
      );
    }
    if (audits.length < pageSize) break;
    afterAudit = audits.at(-1)!.id;
  }
  await emit(toJsonlLine({ type: 'end', counts }));
}

/** One page of a per-session table, keyset on `(created_at, id)` through its `(session_id, created_at, id)` index. */
function sessionRows<T>(
  client: SqlClient,
  table: string,
  columns: string,
  sessionId: string,
  after: CursorPosition | null,
  pageSize: number,
  distributed = false,
): Promise<T[]> {
  const bound = after ? sql` AND (m.created_at, m.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql.empty;
  // On Citus: the session's shard only (docs/citus.md).
  const on = shardOn(sessionRoute(sessionId, distributed), 'm');
  return client.query<T>(
    sql`SELECT ${sql.raw(columns)} FROM ${sql.raw(table)} m WHERE m.session_id = ${sessionId}::uuid${on}${bound} ORDER BY m.created_at, m.id LIMIT ${pageSize}`,
  );
}
