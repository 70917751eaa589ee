import { sql, type MemoryDb } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { ARCHIVE_AUDIT_ACTION } from './cold-to-deep.js';
import type { ArchivePolicy } from './policy.js';
import { archiveCutoffs, type ArchiveCutoffs } from './policy.js';
import { sessionsDistributed } from './shard.js';
import { sqlOutside, toCount } from './sql.js';

/** Sessions and messages of one transition. */
export interface TransitionCounts {
  sessions: number;
  messages: number;
}

/**
 * What a run at `now` would do. A session appears in every transition it goes through (idle 200
 * days and hot: in `cold` and in `deep`). Sessions past the deletion age are counted only in
 * `deleted`: they are deleted from whatever tier they are in.
 */
export interface ArchivePlan {
  now: Date;
  cutoffs: ArchiveCutoffs;
  /** Hot → cold: messages that move to `messages_archive`. */
  cold: TransitionCounts;
  /** → deep: messages exported to long-term storage. */
  deep: TransitionCounts;
  /** → deleted: messages removed (rows, plus those in exports). */
  deleted: TransitionCounts;
}

const EMPTY: TransitionCounts = { sessions: 0, messages: 0 };

/** Counts of one phase at `now`, for the plan and for a phase's progress total. */
export async function countTransition(
  db: MemoryDb,
  phase: 'cold' | 'deep' | 'deleted',
  cutoffs: ArchiveCutoffs,
): Promise<TransitionCounts> {
  const client = sqlOutside(db);
  const del = cutoffs.deleted?.toISOString() ?? null;
  // On Citus these are parallel multi-shard reads; the subqueries join on shard_key too, so each
  // shard counts its own sessions' rows (co-located).
  const distributed = await sessionsDistributed(db);
  const colocated = (alias: string) => sql.raw(distributed ? ` AND ${alias}.shard_key = s.shard_key` : '');
  const hot = sql`(SELECT count(*) FROM messages m WHERE m.session_id = s.id${colocated('m')})`;
  const archived = sql`(SELECT count(*) FROM messages_archive a WHERE a.session_id = s.id${colocated('a')})`;
  let rows: { sessions: unknown; messages: unknown }[];
  if (phase === 'cold') {
    if (!cutoffs.cold) return { ...EMPTY };
    const after = sql.param(del);
    rows = await client.query(
      sql`SELECT count(*) AS sessions, coalesce(sum(${hot}), 0) AS messages FROM sessions s
        WHERE s.status = ${SessionStatus.ACTIVE} AND s.updated_at <= ${cutoffs.cold.toISOString()}::timestamptz AND (${after}::timestamptz IS NULL OR s.updated_at > ${after}::timestamptz)`,
    );
  } else if (phase === 'deep') {
    if (!cutoffs.deep) return { ...EMPTY };
    const after = sql.param(del);
    rows = await client.query(
      sql`SELECT count(*) AS sessions, coalesce(sum(${hot} + ${archived}), 0) AS messages FROM sessions s
        WHERE s.status IN (${SessionStatus.ACTIVE}, ${SessionStatus.COLD_ARCHIVED}) AND s.updated_at <= ${cutoffs.deep.toISOString()}::timestamptz AND (${after}::timestamptz IS NULL OR s.updated_at > ${after}::timestamptz)`,
    );
  } else if (distributed) {
    if (!del) return { ...EMPTY };
    // audit_logs is distributed by its own id, not co-located with sessions: the exported
    // counts come from a second query whose due-session list Citus plans as an intermediate
    // result (the latest export row of each deep session due for deletion).
    rows = await client.query(
      sql`SELECT count(*) AS sessions, coalesce(sum(${hot} + ${archived}), 0) AS messages FROM sessions s
        WHERE s.status IN (${SessionStatus.ACTIVE}, ${SessionStatus.COLD_ARCHIVED}, ${SessionStatus.DEEP_ARCHIVED}) AND s.updated_at <= ${del}::timestamptz`,
    );
    const action = sql.param(ARCHIVE_AUDIT_ACTION);
    const [exported] = await client.query<{ n: unknown }>(
      sql`WITH due AS (SELECT id::text AS id FROM sessions WHERE status = ${SessionStatus.DEEP_ARCHIVED} AND updated_at <= ${del}::timestamptz),
            latest AS (SELECT l.resource_id, max(l.created_at) AS at FROM audit_logs l JOIN due ON due.id = l.resource_id
                        WHERE l.resource_type = 'session' AND l.action = ${action} GROUP BY l.resource_id)
       SELECT coalesce(sum((l.details->>'messages')::bigint), 0) AS n
         FROM audit_logs l JOIN latest ON latest.resource_id = l.resource_id AND latest.at = l.created_at
        WHERE l.resource_type = 'session' AND l.action = ${action}`,
    );
    return { sessions: toCount(rows[0]?.sessions), messages: toCount(rows[0]?.messages) + toCount(exported?.n) };
  } else {
    if (!del) return { ...EMPTY };
    // An export's message count is in the audit row written with it (reading every manifest
    // would cost one storage request a session).
    const deep = sql.param(SessionStatus.DEEP_ARCHIVED);
    rows = await client.query(
      sql`SELECT count(*) AS sessions, coalesce(sum(${hot} + ${archived} + CASE WHEN s.status = ${deep} THEN coalesce((
                SELECT (l.details->>'messages')::bigint FROM audit_logs l
                 WHERE l.resource_type = 'session' AND l.resource_id = s.id::text AND l.action = ${ARCHIVE_AUDIT_ACTION}
                 ORDER BY l.created_at DESC LIMIT 1), 0) ELSE 0 END), 0) AS messages
         FROM sessions s
        WHERE s.status IN (${SessionStatus.ACTIVE}, ${SessionStatus.COLD_ARCHIVED}, ${deep}) AND s.updated_at <= ${del}::timestamptz`,
    );
  }
  return { sessions: toCount(rows[0]?.sessions), messages: toCount(rows[0]?.messages) };
}

/**
 * Counts what a run at `now` would do, per transition, without changing anything. With no
 * concurrent writers, `runArchive({ now })` reports the same counts.
 */
export async function planArchive(db: MemoryDb, policy: Readonly<ArchivePolicy>, now: Date): Promise<ArchivePlan> {
  const cutoffs = archiveCutoffs(policy, now);
  const cold = await countTransition(db, 'cold', cutoffs);
  const deep = await countTransition(db, 'deep', cutoffs);
  const deleted = await countTransition(db, 'deleted', cutoffs);
  return { now, cutoffs, cold, deep, deleted };
}
