import { shardKeyOfSession } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { appendedInOrder, type AppendAttempt, type StoredRow } from './append-result.js';
import { timestampKeySql } from './cursor.js';
import { sessionNotFound } from './sessions.js';
import type { SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { CheckedMessage } from './validate.js';

/**
 * Locks the session row and reads its status, user id and the timestamp of the next new message:
 * the later of the clock, the locked row's `updated_at` and the session's newest message, plus
 * one microsecond (as in `appendMessagesSql`; a lock waited for hands back the row as the winner
 * committed it, so the `updated_at` it moved covers rows this statement's snapshot predates).
 * The newest message is one probe of the `(session_id, created_at, id)` index from its newest
 * end (`ORDER BY ... LIMIT 1`, not `max`, whose plan depends on statistics: `afterNewestSql`).
 */
const LOCK_SQL = `SELECT s.status, s.user_id, ${timestampKeySql(`GREATEST(clock_timestamp(), s.updated_at + interval '1 microsecond',
    (SELECT m.created_at + interval '1 microsecond' FROM messages m WHERE m.session_id = s.id AND m.shard_key = $2::int
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1))`)} AS at
FROM sessions s WHERE s.id = $1::uuid AND s.shard_key = $2::int FOR NO KEY UPDATE OF s`;

/** Where ids already live, on the session's shard. */
const FIND_SQL = `SELECT m.id, m.session_id, ${timestampKeySql('m.created_at')} AS created_at, false AS inserted
FROM messages m WHERE m.id = ANY($1::uuid[]) AND m.shard_key = $2::int`;

/** Moves the session's `updated_at` to its newest inserted message (never backwards). */
const TOUCH_SQL = `UPDATE sessions SET updated_at = GREATEST(updated_at, $3::timestamptz) WHERE id = $1::uuid AND shard_key = $2::int`;

/**
 * The `INSERT` of the messages not stored yet: one multi-row `VALUES` (Citus sends it as one task
 * to the session's shard; an `INSERT ... SELECT FROM unnest` would be pulled to the coordinator).
 * Messages without `createdAt` get `$2` (the locked statement's timestamp) plus their position in
 * the batch in microseconds. Citus refuses functions that are not immutable in `RETURNING`, so the
 * timestamps come back as UTC epoch seconds (exact to the microsecond) and {@link epochKey} writes
 * them as cursor text.
 */
function insertSql(rows: ReadonlyArray<{ message: CheckedMessage; ord: number }>): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const add = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const session = add(null); // $1, $2, $3, $4 set below
  add(null);
  add(null);
  add(null);
  const tuples = rows.map(({ message: m, ord }) => {
    return `(${add(m.id)}::uuid, ${session}::uuid, ${add(m.role)}::text, ${add(m.content)}::text, ${add(m.model)}::text, ${add(m.embedding)}::text::vector,
    COALESCE(${add(m.createdAt)}::timestamptz, $2::timestamptz + ${ord} * interval '1 microsecond'), ${add(m.parts)}::text::jsonb, ${add(m.metadata)}::text::jsonb, $3::text, $4::int)`;
  });
  const text = `INSERT INTO messages (id, session_id, role, content, model, embedding, created_at, parts, metadata, user_id, shard_key)
VALUES ${tuples.join(',\n  ')}
ON CONFLICT (id, shard_key) DO NOTHING
RETURNING id, extract(epoch FROM created_at AT TIME ZONE 'UTC')::text AS epoch`;
  return { text, values };
}

/** `'1577836800.123456'` (UTC epoch seconds) as cursor text `'2020-01-01T00:00:00.123456Z'`. */
function epochKey(epoch: string): string {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(epoch);
  if (!match) throw new Error(`[memory/conversations] unexpected epoch from PostgreSQL: ${epoch}`);
  const magnitude = BigInt(match[2]!) * 1_000_000n + BigInt((match[3] ?? '').padEnd(6, '0') || '0');
  const micros = match[1] ? -magnitude : magnitude;
  let ms = micros / 1000n;
  if (micros < 0n && ms * 1000n !== micros) ms -= 1n; // floor
  const rest = Number(micros - ms * 1000n);
  return `${new Date(Number(ms)).toISOString().slice(0, 23)}${String(rest).padStart(3, '0')}Z`;
}

/**
 * The append on a distributed database: the guarantees of `appendMessagesSql` (ordered timestamps
 * per session, no insert into a session that is not active, retried ids skipped, ids of another
 * session refused) as four statements in one transaction, each filtered on the session's
 * `shard_key` so Citus routes each to the one worker holding the session: lock the session row,
 * look the ids up, insert the rest (`ON CONFLICT DO NOTHING`), move `updated_at`. `appendMessagesSql`
 * is one statement of data-modifying CTEs, which Citus runs as distributed subplans (about 19
 * remote commands for one message) committed in two phases over both workers; these statements
 * touch one worker, and Citus commits with a plain one-phase commit there.
 *
 * Runs in the caller's transaction when there is one (a failed append then leaves it to the
 * caller to roll back), in one of its own otherwise (rolled back when the append is refused).
 */
export async function appendOnCitus(
  ctx: StoreContext,
  sessionId: string,
  messages: readonly CheckedMessage[],
): Promise<AppendAttempt> {
  const run = (tx: SqlClient) => appendIn(tx, sessionId, messages);
  return ctx.sql.inTransaction() ? run(ctx.sql) : ctx.sql.sqlTransaction(run);
}

async function appendIn(tx: SqlClient, sessionId: string, messages: readonly CheckedMessage[]): Promise<AppendAttempt> {
  const key = shardKeyOfSession(sessionId);
  const [session] = await tx.query<{ status: number; user_id: string | null; at: string }>(LOCK_SQL, [sessionId, key]);
  if (!session) throw sessionNotFound(sessionId);
  const status = Number(session.status);
  if (status !== SessionStatus.ACTIVE) return { kind: 'archived', status };
  const ids = messages.map((m) => m.id);
  const byId = new Map<string, StoredRow>();
  for (const row of await tx.query<StoredRow>(FIND_SQL, [ids, key])) byId.set(row.id, row);
  const foreign = [...byId.values()].some((row) => row.session_id !== sessionId);
  const fresh = messages.flatMap((message, ord) => (byId.has(message.id) ? [] : [{ message, ord }]));
  if (!foreign && fresh.length > 0) {
    const insert = insertSql(fresh);
    insert.values.splice(0, 4, sessionId, session.at, session.user_id, key);
    const inserted = await tx.query<{ id: string; epoch: string }>(insert.text, insert.values);
    let newest = '';
    for (const row of inserted) {
      const at = epochKey(row.epoch);
      if (at > newest) newest = at;
      byId.set(row.id, { id: row.id, session_id: sessionId, created_at: at, inserted: true });
    }
    if (newest) await tx.query(TOUCH_SQL, [sessionId, key, newest]);
    const unseen = fresh.filter(({ message }) => !byId.has(message.id)).map(({ message }) => message.id);
    // Stored by a concurrent transaction between the look-up and the insert (which waited for it).
    if (unseen.length > 0) for (const row of await tx.query<StoredRow>(FIND_SQL, [unseen, key])) byId.set(row.id, row);
  }
  return {
    kind: 'done',
    messages: appendedInOrder(sessionId, messages, byId),
  };
}
