import { createHash, randomUUID } from 'node:crypto';

/**
 * How many shard-key values there are: a shard key is an integer in `[0, SHARD_KEY_SPACE)`.
 * Citus hashes it into its shards, so the space only has to be much larger than any shard count
 * one would choose (it is 65536; shard counts are tens to a few thousand).
 */
export const SHARD_KEY_SPACE = 0x10000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The SQL expression of a session's shard key from a `uuid` column or parameter: the integer value
 * of its last four hex digits. Used by the backfill and in tests; the same as {@link shardKeyOfSession}.
 *
 * @example
 * ```ts
 * shardKeySql('session_id') // "('x' || right(session_id::text, 4))::bit(16)::int"
 * ```
 */
export function shardKeySql(uuidExpression: string): string {
  return `('x' || right(${uuidExpression}::text, 4))::bit(16)::int`;
}

/**
 * The shard key of a session (and of its messages, summaries and archived messages): the integer
 * value of the last four hex digits of its id. A session made by {@link newSessionIdForUser}
 * carries its user's key there, so the user's sessions land on one shard; a session the original
 * library wrote (a random id, no user) gets a key of its own. Either way the key is computed from
 * the id alone: a call that only has the session id reaches one shard with no lookup.
 *
 * @throws TypeError when `sessionId` is not a canonical UUID.
 */
export function shardKeyOfSession(sessionId: string): number {
  if (!UUID.test(sessionId))
    throw new TypeError(`[memory/db] shardKeyOfSession: not a UUID: ${JSON.stringify(String(sessionId).slice(0, 64))}`);
  return Number.parseInt(sessionId.slice(-4), 16);
}

/**
 * The shard key of a user: the first 16 bits of the SHA-256 of the user id (UTF-8). Per-user
 * queries (session lists, user search, export, purge) filter on it, so they run on one shard.
 */
export function shardKeyOfUser(userId: string): number {
  return createHash('sha256').update(userId, 'utf8').digest().readUInt16BE(0);
}

/**
 * A new random (version 4) session id that carries the user's shard key in its last four hex
 * digits (106 random bits remain), so that `shardKeyOfSession(id) === shardKeyOfUser(userId)`.
 * Without a user id it is a plain random UUID (the session gets its own key).
 */
export function newSessionIdForUser(userId: string | null | undefined): string {
  const id = randomUUID();
  if (userId === null || userId === undefined) return id;
  return id.slice(0, -4) + shardKeyOfUser(userId).toString(16).padStart(4, '0');
}
