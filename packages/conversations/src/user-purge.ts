import { createHmac } from 'node:crypto';
import { ALLOW_AUDIT_PURGE_SQL, AUDIT_PURGE_SETTING, sql, type Sql } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import { knowledgeKey, profileKey, profileMetaKey, validateUserId, type LongTermStorage } from '@memory/longterm-core';
import { archivePrefix } from './archive-prefix.js';
import { deletePrefix } from './delete-prefix.js';
import { isPlainObject } from './json-value.js';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { PurgeUserOptions, PurgeUserResult } from './types.js';
import { userAuditCondition } from './user-export.js';
import { checkOptionalText, checkUserId } from './validate.js';

/**
 * Lets this transaction's `DELETE FROM audit_logs` through the append-only trigger. On Citus the
 * trigger runs on the workers, which `set_config` does not reach: there the setting is made with
 * `SET LOCAL`, sent on to the workers the transaction uses (`citus.propagate_set_commands`).
 */
async function allowAuditPurge(tx: SqlClient, distributed: boolean): Promise<void> {
  await tx.query(ALLOW_AUDIT_PURGE_SQL);
  if (distributed) {
    await tx.query(`SET LOCAL citus.propagate_set_commands = 'local'`);
    await tx.query(`SET LOCAL ${AUDIT_PURGE_SETTING} = 'on'`);
  }
}

/** Sessions removed per transaction by {@link purgeUser}. */
const PURGE_BATCH = 100;

/** The audit action of a purge; such rows are the record of the erasure and are never purged. */
export const PURGE_USER_ACTION = 'purge_user';

/** Shortest `recordKey` accepted, in bytes: 256 bits, the strength of HMAC-SHA256. */
const MIN_RECORD_KEY_BYTES = 32;

/**
 * The `resource_id` of the `purge_user` audit row that {@link ConversationStore.purgeUser} writes
 * when given `recordKey`: `hmac-sha256:` and the hex HMAC-SHA256 of the user id (UTF-8) under the
 * key. Compute it again to find a user's purge record without the database ever naming the user.
 *
 * @throws InvalidInputError for a key shorter than 32 bytes or a user id that is not a string.
 * @example
 * ```ts
 * const id = purgeRecordId('alice@example.com', process.env.PURGE_RECORD_KEY!);
 * await db.query("select created_at from audit_logs where action = 'purge_user' and resource_id = $1", [id]);
 * ```
 */
export function purgeRecordId(userId: string, recordKey: string | Uint8Array): string {
  const user = checkUserId(userId);
  const key = typeof recordKey === 'string' ? Buffer.from(recordKey, 'utf8') : recordKey;
  if (!(key instanceof Uint8Array) || key.byteLength < MIN_RECORD_KEY_BYTES) {
    throw new InvalidInputError(
      `[memory/conversations] purge recordKey must be a string or bytes of at least ${MIN_RECORD_KEY_BYTES} bytes: use a random secret from your secret store`,
      { details: { field: 'recordKey' } },
    );
  }
  return `hmac-sha256:${createHmac('sha256', key).update(user, 'utf8').digest('hex')}`;
}

interface Count {
  n: number;
}

/**
 * Removes everything of a user, in batches of {@link PURGE_BATCH} sessions, each batch in one
 * transaction: lock the sessions (`FOR UPDATE`, in id order), delete their archive objects
 * (everything under `archive/<sessionId>/`), then their archived messages, summaries, messages,
 * session audit rows and the sessions. Then the other audit rows naming the user, the user's
 * long-term objects (profile, profile meta, knowledge), and last one `purge_user` audit row with
 * the counts that names no personal data: its `resource_id` is {@link purgeRecordId} with
 * `recordKey`, else null; its actor is dropped when it is the user. Running it again removes
 * nothing more and returns zeros.
 *
 * Why the objects go while the row locks are held: `@memory/archive` writes a session's export
 * only while it holds that session's row lock (from its `FOR UPDATE SKIP LOCKED` claim to its
 * commit). A purge that reaches a session an archiver is exporting waits for the export to
 * commit and then deletes what it wrote; an archiver that comes while the purge holds the lock
 * skips the session, and after the commit the session is gone. So no export is written under a
 * purged session's prefix after the purge cleared it. A failure anywhere in a batch rolls its
 * rows back, so a second run finds the sessions (and any objects left) again.
 *
 * Holding the locks while objects are deleted means appends to those sessions wait for the
 * batch; they are being erased anyway. What no row lock can stop is an archiver whose database
 * connection broke in the middle of an export: the server releases its lock, and its process
 * may still finish writing objects after the purge is done. Its transaction then fails, and the
 * archiver removes what it wrote when the session no longer exists; only if that archiver also
 * dies (or loses the database for good) before that check can its objects remain.
 */
export async function purgeUser(
  ctx: StoreContext,
  userId: string,
  options: PurgeUserOptions,
): Promise<PurgeUserResult> {
  const user = checkUserId(userId);
  if (!isPlainObject(options) || !('longTermStorage' in options) || options.longTermStorage === undefined) {
    throw new InvalidInputError(
      '[memory/conversations] purgeUser needs { longTermStorage }: the storage holding long-term memory and archive exports, or null when there is none',
    );
  }
  const storage = options.longTermStorage;
  const chosenActor = options.actor === undefined ? ctx.actor : checkOptionalText(options.actor, 'actor');
  // The record names no personal data: not the user as its actor (a self-service erasure)…
  const actor = chosenActor === user ? null : chosenActor;
  // …nor as its resource: a keyed hash, or nothing. Checked before anything is removed.
  const recordId = options.recordKey === undefined ? null : purgeRecordId(user, options.recordKey);
  const counts: PurgeUserResult = {
    sessions: 0,
    messages: 0,
    summaries: 0,
    archivedMessages: 0,
    auditLogs: 0,
    archiveObjects: 0,
    longTermObjects: 0,
  };

  // Keyset on the id, so sessions created for the user while the purge runs cannot keep it going.
  let after: string | null = null;
  const distributed = await ctx.distributed();
  for (;;) {
    const removed = await ctx.sql.transaction(async (tx) => {
      await allowAuditPurge(tx, distributed); // audit_logs refuses DELETE outside a purge (memory-audit-append-only)
      const count = async (statement: Sql) => Number((await tx.query<Count>(statement))[0]?.n ?? 0);
      // Lock first (see above): an append or an archiver holding one of these sessions finishes
      // before they go, and none starts on them until they are gone.
      const page = sql`SELECT id, shard_key FROM sessions WHERE user_id = ${user}${after ? sql` AND id > ${after}::uuid` : sql.empty} ORDER BY id LIMIT ${PURGE_BATCH}`;
      // On Citus (docs/citus.md) rows are locked and deleted shard by shard (a user's sessions
      // share one shard key unless made with ids of their own); elsewhere in one group.
      const groups: Array<{ ids: string[]; on: Sql }> = [];
      if (distributed) {
        const found = await tx.query<{ id: string; shard_key: number }>(page);
        const byKey = new Map<number, string[]>();
        for (const row of found)
          byKey.set(Number(row.shard_key), [...(byKey.get(Number(row.shard_key)) ?? []), row.id]);
        for (const [key, ids] of byKey) {
          const locked = await tx.query<{ id: string }>(
            sql`SELECT id FROM sessions WHERE id = ANY(${ids}::uuid[]) AND shard_key = ${key} ORDER BY id FOR UPDATE`,
          );
          if (locked.length > 0) groups.push({ ids: locked.map((r) => r.id), on: sql` AND shard_key = ${key}` });
        }
      } else {
        const locked = await tx.query<{ id: string }>(sql`${page} FOR UPDATE`);
        if (locked.length > 0) groups.push({ ids: locked.map((r) => r.id), on: sql.empty });
      }
      if (groups.length === 0) return null;
      const mine = groups.flatMap((g) => g.ids).sort();
      let archiveObjects = 0;
      if (storage) {
        for (const id of mine) archiveObjects += await deletePrefix(storage, archivePrefix(id));
      }
      const removed = {
        last: mine.at(-1)!,
        archiveObjects,
        archivedMessages: 0,
        summaries: 0,
        messages: 0,
        auditLogs: await count(
          sql`WITH d AS (DELETE FROM audit_logs WHERE resource_type = 'session' AND resource_id = ANY(${mine}::text[]) AND action <> ${PURGE_USER_ACTION} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        ),
        sessions: 0,
      };
      for (const { ids, on } of groups) {
        removed.archivedMessages += await count(
          sql`WITH d AS (DELETE FROM messages_archive WHERE session_id = ANY(${ids}::uuid[])${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        );
        removed.summaries += await count(
          sql`WITH d AS (DELETE FROM session_summaries WHERE session_id = ANY(${ids}::uuid[])${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        );
        removed.messages += await count(
          sql`WITH d AS (DELETE FROM messages WHERE session_id = ANY(${ids}::uuid[])${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        );
        removed.sessions += await count(
          sql`WITH d AS (DELETE FROM sessions WHERE id = ANY(${ids}::uuid[])${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
        );
      }
      return removed;
    });
    if (!removed) break;
    after = removed.last;
    counts.archiveObjects += removed.archiveObjects;
    counts.archivedMessages += removed.archivedMessages;
    counts.summaries += removed.summaries;
    counts.messages += removed.messages;
    counts.auditLogs += removed.auditLogs;
    counts.sessions += removed.sessions;
  }

  if (storage) counts.longTermObjects = await deleteLongTermObjects(storage, user);

  return ctx.sql.transaction(async (tx, em) => {
    await allowAuditPurge(tx, distributed); // audit_logs refuses DELETE outside a purge (memory-audit-append-only)
    const rows = await tx.query<Count>(
      sql`WITH d AS (DELETE FROM audit_logs a WHERE ${userAuditCondition(sql.param(user))} AND a.action <> ${PURGE_USER_ACTION} RETURNING 1) SELECT count(*)::int AS n FROM d`,
    );
    counts.auditLogs += Number(rows[0]?.n ?? 0);
    // Records of earlier purges written before purge records named no one (resource_id = the
    // user id) go too; the new record says how many it replaces.
    const earlier = await tx.query<Count>(
      sql`WITH d AS (DELETE FROM audit_logs WHERE action = ${PURGE_USER_ACTION} AND resource_type = 'user' AND resource_id = ${user} RETURNING 1) SELECT count(*)::int AS n FROM d`,
    );
    const replaced = Number(earlier[0]?.n ?? 0);
    ctx.db.logAudit(em, {
      action: PURGE_USER_ACTION,
      resourceType: 'user',
      resourceId: recordId,
      actor,
      details: replaced > 0 ? { ...counts, replacedRecords: replaced } : { ...counts },
    });
    return { ...counts };
  });
}

/** Deletes the user's profile, profile meta and knowledge objects; returns how many existed. */
async function deleteLongTermObjects(storage: LongTermStorage, userId: string): Promise<number> {
  try {
    validateUserId(userId);
  } catch {
    // An id that cannot be a key (a "/" in it, say) never had long-term objects.
    return 0;
  }
  let deleted = 0;
  for (const key of [profileKey(userId), profileMetaKey(userId), knowledgeKey(userId)]) {
    if ((await storage.headObject(key)) !== null) {
      await storage.deleteObject(key);
      deleted++;
    }
  }
  return deleted;
}
