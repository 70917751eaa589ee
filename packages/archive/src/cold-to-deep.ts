import { sql, type MemoryDb } from '@memory/db';
import { ConflictError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { encodeMessageLine, encodeSummaryLine, type MessageExportRow, type SummaryExportRow } from './export-lines.js';
import { moveMessagesToArchive } from './hot-to-cold.js';
import { archiveObjectKeys } from './object-layout.js';
import { buildSessionExport, removeSessionObjects, writeAndVerifySessionExport } from './session-export.js';
import { onShard, sessionsDistributed } from './shard.js';
import { inTransaction, isoUtc, sqlOutside, toCount, type SqlClient } from './sql.js';

/** Candidates a claim on Citus plans at once (it tries them in order until one is claimed). */
const CLAIM_CANDIDATES = 64;

/**
 * The oldest sessions in `status` idle since `cutoff` (and after `after`), without a lock: the
 * plan of a claim on Citus, a parallel multi-shard read.
 */
export async function planCandidates(
  db: MemoryDb,
  status: number,
  cutoff: Date,
  after: Date | null,
): Promise<string[]> {
  const rows = await sqlOutside(db).query<{ id: string }>(
    sql`SELECT id::text AS id FROM sessions
      WHERE status = ${status} AND updated_at <= ${cutoff.toISOString()}::timestamptz AND updated_at > ${after?.toISOString() ?? '-infinity'}::timestamptz
      ORDER BY updated_at
      LIMIT ${CLAIM_CANDIDATES}`,
  );
  return rows.map((r) => r.id);
}

/**
 * Claims the first of `candidates` still in `status` and due (`updated_at <= cutoff`, `> after`)
 * with a single-shard `FOR UPDATE SKIP LOCKED` per candidate (conditions re-evaluated on the newest
 * row version). Returns its id and the columns asked for, or `undefined`.
 */
export async function claimFirst<T extends { id: string }>(
  client: SqlClient,
  candidates: readonly string[],
  columns: string,
  status: number,
  cutoff: Date,
  after: Date | null,
): Promise<T | undefined> {
  for (const id of candidates) {
    const [row] = await client.query<T>(
      sql`SELECT ${sql.raw(columns)} FROM sessions
        WHERE id = ${id}::uuid${onShard(true, id)} AND status = ${status} AND updated_at <= ${cutoff.toISOString()}::timestamptz
          AND updated_at > ${after?.toISOString() ?? '-infinity'}::timestamptz
        FOR UPDATE SKIP LOCKED`,
    );
    if (row) return row;
  }
  return undefined;
}

/** The audit action written when a session is exported to long-term storage. */
export const ARCHIVE_AUDIT_ACTION = 'archive_session';

/** What exporting one session did. */
export interface DeepSessionResult {
  sessionId: string;
  messages: number;
  summaries: number;
}

/** The archived messages of a session as export rows, oldest first. */
function selectArchivedMessages(
  client: SqlClient,
  sessionId: string,
  distributed: boolean,
): Promise<MessageExportRow[]> {
  return client.query<MessageExportRow>(
    sql`SELECT id::text AS id, session_id::text AS session_id, role, content, model, embedding::text AS embedding,
            ${sql.raw(isoUtc('created_at'))} AS created_at, ${sql.raw(isoUtc('archived_at'))} AS archived_at,
            parts::text AS parts, metadata::text AS metadata
       FROM messages_archive WHERE session_id = ${sessionId}${onShard(distributed, sessionId)}
      ORDER BY created_at, id`,
  );
}

/** The summaries of a session as export rows, oldest first. */
function selectSummaries(client: SqlClient, sessionId: string, distributed: boolean): Promise<SummaryExportRow[]> {
  return client.query<SummaryExportRow>(
    sql`SELECT id::text AS id, session_id::text AS session_id, strategy, strategy_version, summary_text,
            summary_json::text AS summary_json, ${sql.raw(isoUtc('created_at'))} AS created_at
       FROM session_summaries WHERE session_id = ${sessionId}${onShard(distributed, sessionId)}
      ORDER BY created_at, id`,
  );
}

/** Deletes a session's rows from `table` and returns how many went. */
export async function deleteCounted(
  client: SqlClient,
  table: 'messages_archive' | 'session_summaries' | 'messages',
  sessionId: string,
  distributed = false,
): Promise<number> {
  const [row] = await client.query<{ n: unknown }>(
    sql`WITH gone AS (DELETE FROM ${sql.raw(table)} WHERE session_id = ${sessionId}${onShard(distributed, sessionId)} RETURNING 1) SELECT count(*) AS n FROM gone`,
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
    const distributed = await sessionsDistributed(db);
    const [row] = await sqlOutside(db).query(
      sql`SELECT 1 AS present FROM sessions WHERE id = ${sessionId}${onShard(distributed, sessionId)}`,
    );
    if (!row) await removeSessionObjects(storage, sessionId);
  } catch {
    // The database or the storage is unreachable too; the export's error says so already.
  }
}

async function exportNext(
  db: MemoryDb,
  storage: LongTermStorage,
  options: { deepCutoff: Date; deleteCutoff: Date | null; actor: string },
  onWrite: (sessionId: string) => void,
): Promise<DeepSessionResult | null> {
  const distributed = await sessionsDistributed(db);
  const statuses = [SessionStatus.COLD_ARCHIVED, SessionStatus.ACTIVE];
  // On Citus: plan without locks first (multi-shard), claim on one shard in the transaction.
  const planned = distributed
    ? await Promise.all(statuses.map((st) => planCandidates(db, st, options.deepCutoff, options.deleteCutoff)))
    : [];
  if (distributed && planned.every((c) => c.length === 0)) return null;
  return inTransaction(db, async (client, em) => {
    // One status a query, so the (status, updated_at) index yields the oldest first without a
    // sort over every due session; hot sessions here are only those a cold step skipped.
    let claimed: { id: string; user_id: string | null } | undefined;
    for (const [i, status] of statuses.entries()) {
      if (distributed) {
        claimed = await claimFirst(
          client,
          planned[i] ?? [],
          'id::text AS id, user_id',
          status,
          options.deepCutoff,
          options.deleteCutoff,
        );
        if (claimed) break;
        continue;
      }
      [claimed] = await client.query<{ id: string; user_id: string | null }>(
        sql`SELECT id::text AS id, user_id FROM sessions
          WHERE status = ${status} AND updated_at <= ${options.deepCutoff.toISOString()}::timestamptz
            AND updated_at > ${options.deleteCutoff?.toISOString() ?? '-infinity'}::timestamptz
          ORDER BY updated_at
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
      );
      if (claimed) break;
    }
    if (!claimed) return null;
    const sessionId = claimed.id;
    await moveMessagesToArchive(client, [sessionId], distributed);
    const [messageRows, summaryRows] = [
      await selectArchivedMessages(client, sessionId, distributed),
      await selectSummaries(client, sessionId, distributed),
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
    const messages = await deleteCounted(client, 'messages_archive', sessionId, distributed);
    const summaries = await deleteCounted(client, 'session_summaries', sessionId, distributed);
    if (messages !== verified.manifest.files.messages.count || summaries !== verified.manifest.files.summaries.count) {
      // Cannot happen while the row lock is held; refuse rather than delete rows not in the export.
      throw new ConflictError(
        `[memory/archive] session ${sessionId} changed during its export (${messages} messages / ${summaries} summaries deleted, export holds ${verified.manifest.files.messages.count} / ${verified.manifest.files.summaries.count}): rerun the archive`,
        { details: { sessionId } },
      );
    }
    await client.query(
      sql`UPDATE sessions SET status = ${SessionStatus.DEEP_ARCHIVED} WHERE id = ${sessionId}${onShard(distributed, sessionId)}`,
    );
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
