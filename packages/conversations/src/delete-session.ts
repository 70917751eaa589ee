import { archivePrefix } from './archive-prefix.js';
import { deletePrefix } from './delete-prefix.js';
import { normalizeUuid } from './ids.js';
import { sql, type Sql } from '@memory/db';
import { sessionRoute, shardOn } from './shard-route.js';
import type { StoreContext } from './store-context.js';
import type { DeleteSessionOptions, DeleteSessionResult } from './types.js';
import { checkOptionalText } from './validate.js';

interface Count {
  n: number;
}

/**
 * Deletes a session with its messages, summaries and archived messages in one transaction and
 * writes the original's audit row (`delete_session` / `session`, details with the owner and the
 * counts). Then, with `longTermStorage`, deletes its deep-archive objects: after the rows, so a
 * failure there never loses rows, and a second call (which finds no row) still deletes them.
 */
export async function deleteSession(
  ctx: StoreContext,
  sessionId: string,
  options: DeleteSessionOptions = {},
): Promise<DeleteSessionResult> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const actor = options.actor === undefined ? ctx.actor : checkOptionalText(options.actor, 'actor');
  const on = shardOn(sessionRoute(id, await ctx.distributed()));
  const result = await ctx.sql.transaction(async (tx, em) => {
    const locked = await tx.query<{ user_id: string | null; status: number }>(
      sql`SELECT user_id, status FROM sessions WHERE id = ${id}::uuid${on} FOR UPDATE`,
    );
    if (locked.length === 0) return { deleted: false, messages: 0, summaries: 0, archivedMessages: 0 };
    const count = async (statement: Sql) => (await tx.query<Count>(statement))[0]?.n ?? 0;
    const archivedMessages = await count(
      sql`WITH d AS (DELETE FROM messages_archive WHERE session_id = ${id}::uuid${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
    );
    const summaries = await count(
      sql`WITH d AS (DELETE FROM session_summaries WHERE session_id = ${id}::uuid${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
    );
    const messages = await count(
      sql`WITH d AS (DELETE FROM messages WHERE session_id = ${id}::uuid${on} RETURNING 1) SELECT count(*)::int AS n FROM d`,
    );
    await tx.query(sql`DELETE FROM sessions WHERE id = ${id}::uuid${on}`);
    ctx.db.logAudit(em, {
      action: 'delete_session',
      resourceType: 'session',
      resourceId: id,
      actor,
      details: { userId: locked[0]!.user_id, status: Number(locked[0]!.status), messages, summaries, archivedMessages },
    });
    return { deleted: true, messages, summaries, archivedMessages };
  });
  const archiveObjects = options.longTermStorage ? await deletePrefix(options.longTermStorage, archivePrefix(id)) : 0;
  return { ...result, archiveObjects };
}
