import type { MemoryDb } from '@memory/db';
import { ConflictError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { encodeMessageLine, encodeSummaryLine, type MessageExportRow, type SummaryExportRow } from './export-lines.js';
import { moveMessagesToArchive } from './hot-to-cold.js';
import { archiveObjectKeys } from './object-layout.js';
import { buildSessionExport, removeSessionObjects, writeAndVerifySessionExport } from './session-export.js';
import { inTransaction, isoUtc, sqlOutside, toCount, type Sql } from './sql.js';

/** The audit action written when a session is exported to long-term storage. */
export const ARCHIVE_AUDIT_ACTION = 'archive_session';

/** What exporting one session did. */
export interface DeepSessionResult {
  sessionId: string;
  messages: number;
  summaries: number;
}

/** The archived messages of a session as export rows, oldest first. */
function selectArchivedMessages(sql: Sql, sessionId: string): Promise<MessageExportRow[]> {
  return sql.query<MessageExportRow>(
    `SELECT id::text AS id, session_id::text AS session_id, role, content, model, embedding::text AS embedding,
            ${isoUtc('created_at')} AS created_at, ${isoUtc('archived_at')} AS archived_at,
            parts::text AS parts, metadata::text AS metadata
       FROM messages_archive WHERE session_id = $1
      ORDER BY created_at, id`,
    [sessionId],
  );
}

/** The summaries of a session as export rows, oldest first. */
function selectSummaries(sql: Sql, sessionId: string): Promise<SummaryExportRow[]> {
  return sql.query<SummaryExportRow>(
    `SELECT id::text AS id, session_id::text AS session_id, strategy, strategy_version, summary_text,
            summary_json::text AS summary_json, ${isoUtc('created_at')} AS created_at
       FROM session_summaries WHERE session_id = $1
      ORDER BY created_at, id`,
    [sessionId],
  );
}

/** Deletes a session's rows from `table` and returns how many went. */
export async function deleteCounted(
  sql: Sql,
  table: 'messages_archive' | 'session_summaries' | 'messages',
  sessionId: string,
): Promise<number> {
  const [row] = await sql.query<{ n: unknown }>(
    `WITH gone AS (DELETE FROM ${table} WHERE session_id = $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
    [sessionId],
  );
  return toCount(row?.n);
}

/**
 * Exports the next session due for deep archival, in one transaction that holds its row lock
 * from claim to commit:
 *
 * 1. claim one session (cold, or hot if a cold step skipped it) idle since `deepCutoff` and not
 *    yet due for deletion, `FOR UPDATE SKIP LOCKED`;
 * 2. move any messages still in `messages` into `messages_archive` (rows an unlocked writer
 *    slipped in after the cold step);
 * 3. write `messages.jsonl.gz`, `summaries.jsonl.gz`, then `manifest.json`; read them back and
 *    verify counts and SHA-256;
 * 4. delete the rows (checking the counts against the manifest), set status 3, add an audit row.
 *
 * A crash before the commit leaves the rows and status as they were (objects, if any, are
 * overwritten by the rerun); a crash after it leaves a verified export. Returns `null` when no
 * session is due.
 *
 * Objects are written only while the row lock is held: `purgeUser` of `@memory/conversations`
 * relies on it (it locks a user's sessions before deleting their exports), so keep it that way.
 * When the transaction fails after objects may have been written and the session no longer
 * exists (the connection broke, the server dropped the lock, a purge removed the session), the
 * objects are removed: they would otherwise outlive the session.
 */
export async function deepArchiveNext(
  db: MemoryDb,
  storage: LongTermStorage,
  options: { deepCutoff: Date; deleteCutoff: Date | null; actor: string },
): Promise<DeepSessionResult | null> {
  /** Set once objects may have been written: a failed transaction then checks for orphans. */
  let writing: string | null = null;
  try {
    return await exportNext(db, storage, options, (sessionId) => (writing = sessionId));
  } catch (error) {
    if (writing !== null) await dropOrphanedExport(db, storage, writing);
    throw error;
  }
}

/**
 * After a failed export: when the session no longer exists (its database connection broke, the
 * server released the row lock and a purge or delete removed the session meanwhile), what this
 * export wrote belongs to nobody and is removed. When the session is still there its rows are
 * too (the transaction failed) and a rerun overwrites the objects, so they stay. Best effort:
 * the export's own error is what the caller needs to see.
 */
async function dropOrphanedExport(db: MemoryDb, storage: LongTermStorage, sessionId: string): Promise<void> {
  try {
    const [row] = await sqlOutside(db).query('SELECT 1 AS present FROM sessions WHERE id = $1', [sessionId]);
    if (!row) await removeSessionObjects(storage, sessionId);
  } catch {
    // The database or the storage is unreachable too; the export's error says so already.
  }
}

function exportNext(
  db: MemoryDb,
  storage: LongTermStorage,
  options: { deepCutoff: Date; deleteCutoff: Date | null; actor: string },
  onWrite: (sessionId: string) => void,
): Promise<DeepSessionResult | null> {
  return inTransaction(db, async (sql, em) => {
    // One status a query, so the (status, updated_at) index yields the oldest first without a
    // sort over every due session; hot sessions here are only those a cold step skipped.
    let claimed: { id: string; user_id: string | null } | undefined;
    for (const status of [SessionStatus.COLD_ARCHIVED, SessionStatus.ACTIVE]) {
      [claimed] = await sql.query<{ id: string; user_id: string | null }>(
        `SELECT id::text AS id, user_id FROM sessions
          WHERE status = $1 AND updated_at <= $2::timestamptz
            AND updated_at > $3::timestamptz
          ORDER BY updated_at
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
        [status, options.deepCutoff.toISOString(), options.deleteCutoff?.toISOString() ?? '-infinity'],
      );
      if (claimed) break;
    }
    if (!claimed) return null;
    const sessionId = claimed.id;
    await moveMessagesToArchive(sql, [sessionId]);
    const [messageRows, summaryRows] = [
      await selectArchivedMessages(sql, sessionId),
      await selectSummaries(sql, sessionId),
    ];
    const built = await buildSessionExport({
      sessionId,
      userId: claimed.user_id,
      messageLines: messageRows.map(encodeMessageLine),
      summaryLines: summaryRows.map(encodeSummaryLine),
      exportedAt: new Date(),
    });
    onWrite(sessionId);
    const verified = await writeAndVerifySessionExport(storage, built);
    const messages = await deleteCounted(sql, 'messages_archive', sessionId);
    const summaries = await deleteCounted(sql, 'session_summaries', sessionId);
    if (messages !== verified.manifest.files.messages.count || summaries !== verified.manifest.files.summaries.count) {
      // Cannot happen while the row lock is held; refuse rather than delete rows not in the export.
      throw new ConflictError(
        `[memory/archive] session ${sessionId} changed during its export (${messages} messages / ${summaries} summaries deleted, export holds ${verified.manifest.files.messages.count} / ${verified.manifest.files.summaries.count}): rerun the archive`,
        { details: { sessionId } },
      );
    }
    await sql.query(`UPDATE sessions SET status = $1 WHERE id = $2`, [SessionStatus.DEEP_ARCHIVED, sessionId]);
    db.logAudit(em, {
      action: ARCHIVE_AUDIT_ACTION,
      resourceType: 'session',
      resourceId: sessionId,
      actor: options.actor,
      details: {
        tier: 'deep',
        messages,
        summaries,
        manifest: archiveObjectKeys(sessionId).manifest,
        messagesSha256: verified.manifest.files.messages.sha256,
      },
    });
    return { sessionId, messages, summaries };
  });
}
