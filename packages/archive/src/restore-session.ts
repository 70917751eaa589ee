import { shardKeyOfSession, shardKeySql, sql, type MemoryDb, type Sql } from '@memory/db';
import { NotFoundError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { MOVED_MESSAGE_COLUMNS } from './columns.js';
import { archiveObjectKeys } from './object-layout.js';
import { readSessionExport, removeSessionObjects, type VerifiedSessionExport } from './session-export.js';
import { moveSessionOnShard } from './move-on-shard.js';
import { onShard, sessionsDistributed } from './shard.js';
import { inTransaction, toCount, type SqlClient } from './sql.js';

/** The audit action written when a session is brought back. */
const RESTORE_AUDIT_ACTION = 'restore_session';

/** Lines re-inserted per statement (each statement carries them as one `jsonb` array). */
const INSERT_CHUNK = 2000;

/** Options of `restoreSession`. */
export interface RestoreOptions {
  /**
   * The session's new last activity (`updated_at`), default the current time: a restored
   * session is in use again, and keeping its old `updated_at` would archive it on the next run.
   */
  now?: Date;
}

/** What `restoreSession` did. */
export interface RestoreResult {
  sessionId: string;
  /** The tier it came from; `'hot'` when it was already active (nothing done). */
  from: 'hot' | 'cold' | 'deep';
  /** Messages back in `messages`. */
  messages: number;
  /** Summaries re-inserted from the export (cold sessions keep theirs in place). */
  summaries: number;
  /** Export objects removed after the commit. */
  objectsRemoved: number;
  /**
   * Set when the rows are back but removing the export objects failed: they are harmless (the
   * next deep archive overwrites them, deletion removes them) and can be removed by hand.
   */
  cleanupError?: unknown;
}

/**
 * How exported lines of one table go back in: the `INSERT` head and one row's values as
 * expressions of the line `j` (a `jsonb`), the session id `session`, its shard key `key` and the
 * session's user id `user` (exports carry no user id: the archive table has none).
 */
interface LineInsert {
  head: Sql;
  /** `j`, `session`, `key` and `user` may each appear several times: parameters among them are `sql.param`s. */
  row: (j: Sql, session: Sql, key: Sql, user: Sql) => Sql;
}

const MESSAGE_LINES: LineInsert = {
  head: sql`INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata, user_id, shard_key)`,
  row: (
    j,
    session,
    key,
    user,
  ) => sql`(${j}->>'id')::uuid, ${session}::uuid, ${j}->>'role', ${j}->>'content', ${j}->>'model',
           CASE WHEN jsonb_typeof(${j}->'embedding') = 'array' THEN (${j}->'embedding')::text::vector END,
           (${j}->>'created_at')::timestamptz,
           CASE WHEN jsonb_typeof(${j}->'parts') = 'array' THEN ${j}->'parts' END,
           CASE WHEN jsonb_typeof(${j}->'metadata') = 'object' THEN ${j}->'metadata' END,
           ${user}::text, ${key}::int`,
};

const SUMMARY_LINES: LineInsert = {
  head: sql`INSERT INTO session_summaries (id, session_id, strategy, strategy_version, summary_text, summary_json, created_at, shard_key)`,
  row: (
    j,
    session,
    key,
  ) => sql`(${j}->>'id')::uuid, ${session}::uuid, ${j}->>'strategy', ${j}->>'strategy_version', ${j}->>'summary_text',
           ${j}->'summary_json', (${j}->>'created_at')::timestamptz, ${key}::int`,
};

/**
 * Inserts exported lines into their table and returns how many went in. The stored lines go to
 * PostgreSQL as they are, so numbers in summary_json and embeddings keep every digit (no
 * JavaScript number in between). On a single server a chunk is one `jsonb` array read by
 * `jsonb_array_elements`; on a distributed database (where Citus would pull such an
 * `INSERT ... SELECT` through the coordinator) a chunk is one multi-row `VALUES` with a parameter
 * per line, which Citus routes whole to the session's shard.
 */
async function insertLines(
  client: SqlClient,
  lines: readonly string[],
  insert: LineInsert,
  sessionId: string,
  userId: string | null,
  distributed: boolean,
): Promise<number> {
  const session = sql`${sql.param(sessionId)}`;
  const key = sql`${sql.param(shardKeyOfSession(sessionId))}`;
  const user = sql`${sql.param(userId)}`;
  let n = 0;
  for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
    const chunk = lines.slice(i, i + INSERT_CHUNK);
    if (distributed) {
      const rows = chunk.map((line) => sql`(${insert.row(sql`${sql.param(line)}::jsonb`, session, key, user)})`);
      n += (await client.query(sql`${insert.head}\n  VALUES ${sql.join(rows, ',\n  ')}\n  RETURNING 1`)).length;
      continue;
    }
    const [row] = await client.query<{ n: unknown }>(
      sql`WITH inserted AS (
    ${insert.head}
    SELECT ${insert.row(sql.raw('j'), session, key, user)}
      FROM jsonb_array_elements(${`[${chunk.join(',')}]`}::jsonb) AS j
    RETURNING 1
  ) SELECT count(*) AS n FROM inserted`,
    );
    n += toCount(row?.n);
  }
  return n;
}

/**
 * Brings a cold or deep session back to hot, identical to what was archived (ids, roles,
 * contents, model, embedding, created_at; summaries), with each message's `user_id` from the
 * session (the archive has no such column), in one transaction holding the session's
 * row lock: deep exports are read back and verified first, rows are inserted, archived rows
 * move back (with one statement; on Citus with two routed to the session's shard, see
 * `moveSessionOnShard`), status becomes 1, an audit row is added. Only after the commit
 * are the export objects removed, so a crash never leaves the messages nowhere.
 *
 * @throws NotFoundError when the session does not exist, was deleted by retention, or is deep
 *   with no export in this storage and no archived rows (nothing changes).
 * @throws StorageError when a deep session's export does not verify (nothing changes).
 */
export async function restoreSession(
  db: MemoryDb,
  storage: LongTermStorage,
  sessionId: string,
  options: { actor: string; now?: Date },
): Promise<RestoreResult> {
  const now = options.now ?? new Date();
  // On Citus every statement below carries the session's shard key: one shard each.
  const distributed = await sessionsDistributed(db);
  const on = onShard(distributed, sessionId);
  const outcome = await inTransaction(db, async (client, em) => {
    const [session] = await client.query<{ status: number; user_id: string | null }>(
      sql`SELECT status, user_id FROM sessions WHERE id = ${sessionId}${on} FOR UPDATE`,
    );
    if (!session) {
      throw new NotFoundError(`[memory/archive] session ${sessionId} does not exist: check the id`, {
        details: { sessionId },
      });
    }
    const status = Number(session.status);
    // The archive keeps no user id: restored rows get the session's, as an append writes it.
    const userId = session.user_id;
    if (status === SessionStatus.ACTIVE) return { from: 'hot' as const, messages: 0, summaries: 0 };
    if (status === SessionStatus.DELETED) {
      throw new NotFoundError(
        `[memory/archive] session ${sessionId} was deleted by retention: its messages are gone and cannot be restored`,
        {
          details: { sessionId, status },
        },
      );
    }
    let exported: VerifiedSessionExport | null = null;
    if (status === SessionStatus.DEEP_ARCHIVED) {
      // Sessions deep-archived by the original library have no export: their rows are still in
      // messages_archive, and are moved back below like a cold session's.
      const manifestKey = archiveObjectKeys(sessionId).manifest;
      if ((await storage.headObject(manifestKey)) !== null) {
        exported = await readSessionExport(storage, sessionId);
      } else {
        const [left] = await client.query<{ n: unknown }>(
          sql`SELECT count(*) AS n FROM messages_archive WHERE session_id = ${sessionId}${on}`,
        );
        if (toCount(left?.n) === 0) {
          // Never flip a session to active with nothing in it because the storage is misconfigured.
          throw new NotFoundError(
            `[memory/archive] deep session ${sessionId} has no export at ${manifestKey} and no archived rows: check that the archiver uses the storage (and prefix) it was exported to`,
            { details: { sessionId, key: manifestKey } },
          );
        }
      }
    }
    let messages = 0;
    let summaries = 0;
    if (exported) {
      messages += await insertLines(client, exported.messageLines, MESSAGE_LINES, sessionId, userId, distributed);
      summaries += await insertLines(client, exported.summaryLines, SUMMARY_LINES, sessionId, userId, distributed);
    }
    if (distributed) {
      messages += await moveSessionOnShard(client, sessionId, 'hot', userId);
    } else {
      const columns = sql.raw(MOVED_MESSAGE_COLUMNS);
      const [moved] = await client.query<{ n: unknown }>(
        sql`WITH moved AS (
           DELETE FROM messages_archive WHERE session_id = ${sessionId}
           RETURNING ${columns}
         ), inserted AS (
           INSERT INTO messages (${columns}, user_id, shard_key)
           SELECT ${columns}, ${userId}::text, ${sql.raw(shardKeySql('session_id'))} FROM moved
           RETURNING 1
         ) SELECT count(*) AS n FROM inserted`,
      );
      messages += toCount(moved?.n);
    }
    await client.query(
      sql`UPDATE sessions SET status = ${SessionStatus.ACTIVE}, updated_at = ${now.toISOString()}::timestamptz WHERE id = ${sessionId}${on}`,
    );
    const from = status === SessionStatus.COLD_ARCHIVED ? ('cold' as const) : ('deep' as const);
    db.logAudit(em, {
      action: RESTORE_AUDIT_ACTION,
      resourceType: 'session',
      resourceId: sessionId,
      actor: options.actor,
      details: { from, messages, summaries },
    });
    return { from, messages, summaries };
  });

  const result: RestoreResult = { sessionId, ...outcome, objectsRemoved: 0 };
  if (outcome.from === 'hot') return result;
  try {
    // Also clears objects a crashed deep export left behind for a cold session.
    result.objectsRemoved = await removeSessionObjects(storage, sessionId);
  } catch (error) {
    result.cleanupError = error;
  }
  return result;
}
