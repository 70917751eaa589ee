/**
 * The shard key of a session's rows (docs/citus.md): the integer value of the last four hex
 * digits of the session id, `0` to `65535`. The distribution column on Citus; written on every
 * engine. `@memory/db`'s `shardKeyOfSession` is the same function with input checking.
 */
function sessionShardKey(sessionId: string): number {
  return Number.parseInt(sessionId.slice(-4), 16);
}

/** The `shard_key` a new row of session `sessionId` gets (`null` when the id is missing). */
export function shardKeyOnCreate(sessionId: string | null | undefined): number | null {
  return typeof sessionId === 'string' && sessionId.length >= 4 ? sessionShardKey(sessionId) : null;
}
