import { newSessionIdForUser, shardKeyOfSession, sql } from '@memory/db';
import { NotFoundError } from '@memory/errors';
import { SessionStatus } from '@memory/models';
import { decodeCursor, encodeCursor } from './cursor.js';
import { normalizeUuid } from './ids.js';
import { returningSql, sessionRoute, shardOn } from './shard-route.js';
import { listSessionPageSql, listSessionsSql, type ListSessionsQuery } from './list-sessions-sql.js';
import { mergePatchSql } from './merge-patch-sql.js';
import { sessionColumns, toMessagePreview, toSession, toSummaryPreview, type SessionRow } from './rows.js';
import { checkMessageFilter } from './message-filter.js';
import type { StoreContext } from './store-context.js';
import type { ListSessionsOptions, NewSession, SessionPage, SessionRecord } from './types.js';
import { checkJsonObject, checkLimit, checkOptionalText, checkStatuses, checkUserId } from './validate.js';
import { isPlainObject } from './json-value.js';
import { InvalidInputError } from '@memory/errors';

/** Page size of a session list when none is given. */
const DEFAULT_SESSION_PAGE = 20;
/** The largest session list page. */
const MAX_SESSION_PAGE = 200;

export function sessionNotFound(sessionId: string): NotFoundError {
  return new NotFoundError(
    `[memory/conversations] session ${sessionId} not found: create it first (createSession) or check the id`,
    {
      details: { sessionId },
    },
  );
}

export async function createSession(ctx: StoreContext, input: NewSession): Promise<SessionRecord> {
  if (!isPlainObject(input))
    throw new InvalidInputError(
      '[memory/conversations] createSession takes an object { id?, userId?, title?, metadata? }',
    );
  const userId = input.userId === undefined || input.userId === null ? null : checkUserId(input.userId);
  // A new session of a user carries the user's shard key in its id (docs/citus.md).
  const id = input.id === undefined || input.id === null ? newSessionIdForUser(userId) : normalizeUuid(input.id, 'id');
  const title = checkOptionalText(input.title, 'title', { max: 512, allowEmpty: true });
  const metadata =
    input.metadata === undefined || input.metadata === null ? null : checkJsonObject(input.metadata, 'metadata');
  const rows = await ctx.sql.query<SessionRow>(
    sql`WITH t AS (SELECT clock_timestamp() AS at)
INSERT INTO sessions AS s (id, user_id, title, status, metadata, created_at, updated_at, shard_key)
SELECT ${id}::uuid, ${userId}, ${title}, ${SessionStatus.ACTIVE}, ${metadata === null ? null : JSON.stringify(metadata)}::jsonb, t.at, t.at, ${shardKeyOfSession(id)}::int FROM t
RETURNING ${sql.raw(sessionColumns('s'))}`,
  );
  return toSession(rows[0]!);
}

export async function getSession(ctx: StoreContext, sessionId: string): Promise<SessionRecord> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const route = sessionRoute(id, await ctx.distributed());
  const rows = await ctx.sql.query<SessionRow>(
    sql`SELECT ${sql.raw(sessionColumns('s'))} FROM sessions s WHERE s.id = ${id}::uuid${shardOn(route, 's')}`,
  );
  if (rows.length === 0) throw sessionNotFound(id);
  return toSession(rows[0]!);
}

export async function listSessions(ctx: StoreContext, options: ListSessionsOptions = {}): Promise<SessionPage> {
  const limit = checkLimit(options.limit, 'limit', DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE);
  const query: ListSessionsQuery = {
    userId: options.userId === undefined || options.userId === null ? null : checkUserId(options.userId),
    statuses: checkStatuses(options.status),
    metadataContains:
      options.metadataContains === undefined || options.metadataContains === null
        ? null
        : checkJsonObject(options.metadataContains, 'metadataContains'),
    metadataEquals: checkMessageFilter({ metadataEquals: options.metadataEquals }).metadataEquals,
    after: options.cursor === undefined || options.cursor === null ? null : decodeCursor('session', options.cursor),
    fetch: limit + 1,
    previewLength: ctx.previewLength,
    distributed: await ctx.distributed(),
  };
  let rows: Array<SessionRow & Record<string, unknown>>;
  if (query.distributed && query.userId === null) {
    // Citus, no user: cut the page across the shards, then read the previews shard by shard.
    const cut = listSessionPageSql(query);
    const order = await ctx.sql.query<{ id: string; shard_key: number }>(cut);
    const byKey = new Map<number, string[]>();
    for (const row of order) byKey.set(Number(row.shard_key), [...(byKey.get(Number(row.shard_key)) ?? []), row.id]);
    const found = new Map<string, SessionRow & Record<string, unknown>>();
    for (const [shardKey, ids] of byKey) {
      const part = listSessionsSql({ ...query, after: null, within: { ids, shardKey } });
      for (const row of await ctx.sql.query<SessionRow & Record<string, unknown>>(part)) found.set(row.id, row);
    }
    rows = order.map((row) => found.get(row.id)).filter((row) => row !== undefined);
  } else {
    const statement = listSessionsSql(query);
    rows = await ctx.sql.query<SessionRow & Record<string, unknown>>(statement);
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    sessions: page.map((row) => ({
      ...toSession(row),
      firstMessage: toMessagePreview(row, 'first', ctx.previewLength),
      lastMessage: toMessagePreview(row, 'last', ctx.previewLength),
      latestSummary: toSummaryPreview(row, ctx.previewLength),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor('session', { at: last.updated_at, id: last.id }) : null,
  };
}

export async function renameSession(
  ctx: StoreContext,
  sessionId: string,
  title: string | null,
): Promise<SessionRecord> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const checked = checkOptionalText(title, 'title', { max: 512, allowEmpty: true });
  const route = sessionRoute(id, await ctx.distributed());
  const rows = await ctx.sql.query<SessionRow>(
    returningSql(
      route.distributed,
      sql`UPDATE sessions AS s SET title = ${checked} WHERE s.id = ${id}::uuid${shardOn(route, 's')}`,
      's',
      sessionColumns,
    ),
  );
  if (rows.length === 0) throw sessionNotFound(id);
  return toSession(rows[0]!);
}

export async function patchSessionMetadata(
  ctx: StoreContext,
  sessionId: string,
  patch: Record<string, unknown>,
): Promise<SessionRecord> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const checked = checkJsonObject(patch, 'patch');
  const route = sessionRoute(id, await ctx.distributed());
  const rows = await ctx.sql.query<SessionRow>(
    returningSql(
      route.distributed,
      sql`UPDATE sessions AS s SET metadata = ${mergePatchSql(sql.raw('s.metadata'), checked)} WHERE s.id = ${id}::uuid${shardOn(route, 's')}`,
      's',
      sessionColumns,
    ),
  );
  if (rows.length === 0) throw sessionNotFound(id);
  return toSession(rows[0]!);
}
