import { InvalidInputError } from '@memory/errors';
import { sql, type MemoryDb } from '@memory/db';
import type { LongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { claimFirst, deleteCounted, planCandidates } from './cold-to-deep.js';
import { parseManifest } from './export-manifest.js';
import { archiveObjectKeys } from './object-layout.js';
import { MAX_MANIFEST_BYTES, removeSessionObjects } from './session-export.js';
import { onShard, sessionsDistributed } from './shard.js';
import { inTransaction } from './sql.js';

/** The audit action written for every session deleted by retention (the original's action name). */
const DELETE_AUDIT_ACTION = 'delete_session';

/** What deleting one session did. */
export interface DeletedSessionResult {
  sessionId: string;
  /** The status it had (3 normally; 1 or 2 when it went straight from a shallower tier). */
  fromStatus: number;
  /** Messages removed: rows plus those counted in its export's manifest. */
  messages: number;
  /** Objects removed from long-term storage. */
  objects: number;
}

/** Messages an export holds by its manifest; 0 when there is none or it cannot be read. */
async function exportedMessageCount(
  storage: LongTermStorage,
  sessionId: string,
): Promise<{ count: number; damaged: boolean }> {
  let bytes: Uint8Array | null;
  try {
    bytes = await storage.getObject(archiveObjectKeys(sessionId).manifest, { maxBytes: MAX_MANIFEST_BYTES });
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return { count: 0, damaged: true };
    throw error;
  }
  if (bytes === null) return { count: 0, damaged: false };
  try {
    return { count: parseManifest(bytes, sessionId).files.messages.count, damaged: false };
  } catch {
    return { count: 0, damaged: true };
  }
}

/**
 * Deletes the next session past the retention age (`deleteCutoff`), in one transaction holding
 * its row lock: removes every object under its archive folder, then its remaining rows
 * (messages, archived messages, summaries), sets status 4 (the row stays as a tombstone) and
 * writes a `delete_session` audit row. Sessions in any tier are taken: exporting data that is
 * deleted a moment later would only cost time.
 *
 * A crash after the objects are gone but before the commit leaves a session still marked deep
 * with no export; the rerun finishes the deletion. Returns `null` when nothing is due.
 */
export async function deleteNextExpired(
  db: MemoryDb,
  storage: LongTermStorage,
  options: { deleteCutoff: Date; actor: string },
): Promise<DeletedSessionResult | null> {
  const distributed = await sessionsDistributed(db);
  const statuses = [SessionStatus.DEEP_ARCHIVED, SessionStatus.COLD_ARCHIVED, SessionStatus.ACTIVE];
  // On Citus: plan without locks first (multi-shard), claim on one shard in the transaction.
  const planned = distributed
    ? await Promise.all(statuses.map((st) => planCandidates(db, st, options.deleteCutoff, null)))
    : [];
  if (distributed && planned.every((c) => c.length === 0)) return null;
  return inTransaction(db, async (client, em) => {
    // One status a query, so the (status, updated_at) index yields the oldest first without a sort.
    let claimed: { id: string; status: number } | undefined;
    for (const [i, status] of statuses.entries()) {
      if (distributed) {
        claimed = await claimFirst(
          client,
          planned[i] ?? [],
          'id::text AS id, status',
          status,
          options.deleteCutoff,
          null,
        );
        if (claimed) break;
        continue;
      }
      [claimed] = await client.query<{ id: string; status: number }>(
        sql`SELECT id::text AS id, status FROM sessions
          WHERE status = ${status} AND updated_at <= ${options.deleteCutoff.toISOString()}::timestamptz
          ORDER BY updated_at
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
      );
      if (claimed) break;
    }
    if (!claimed) return null;
    const sessionId = claimed.id;
    const exported = await exportedMessageCount(storage, sessionId);
    const objects = await removeSessionObjects(storage, sessionId);
    const hot = await deleteCounted(client, 'messages', sessionId, distributed);
    const archived = await deleteCounted(client, 'messages_archive', sessionId, distributed);
    const summaries = await deleteCounted(client, 'session_summaries', sessionId, distributed);
    await client.query(
      sql`UPDATE sessions SET status = ${SessionStatus.DELETED} WHERE id = ${sessionId}${onShard(distributed, sessionId)}`,
    );
    const messages = hot + archived + exported.count;
    db.logAudit(em, {
      action: DELETE_AUDIT_ACTION,
      resourceType: 'session',
      resourceId: sessionId,
      actor: options.actor,
      details: {
        reason: 'retention',
        fromStatus: Number(claimed.status),
        messages,
        summaries,
        objects,
        ...(exported.damaged ? { damagedManifest: true } : {}),
      },
    });
    return { sessionId, fromStatus: Number(claimed.status), messages, objects };
  });
}
