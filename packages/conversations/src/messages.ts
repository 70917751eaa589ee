import { sql } from '@memory/db';
import { ConfigurationError, ConflictError, DatabaseError, InvalidInputError } from '@memory/errors';
import { SessionStatus } from '@memory/models';
import { appendedInOrder, type AppendAttempt, type StoredRow } from './append-result.js';
import { appendOnCitus } from './citus-append.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { normalizeUuid } from './ids.js';
import { isPlainObject } from './json-value.js';
import { checkMessageFilter, hasMessageFilter } from './message-filter.js';
import {
  appendMessagesSql,
  fastAppendStatement,
  findMessagesSql,
  historySql,
  setEmbeddingsSql,
} from './message-sql.js';
import { toDate, toMessage, type MessageRow } from './rows.js';
import { sessionArchivedError } from './session-archived-error.js';
import { sessionNotFound } from './sessions.js';
import { sessionRoute, shardOn } from './shard-route.js';
import type { StoreContext } from './store-context.js';
import type {
  AppendedMessage,
  AppendOptions,
  AppendResult,
  EmbeddingEntry,
  HistoryOptions,
  HistoryPage,
  NewMessage,
  SetEmbeddingsResult,
} from './types.js';
import { checkLimit, checkNewMessages, embeddingLiteral, type CheckedMessage } from './validate.js';

/** Page size of a history page when none is given. */
const DEFAULT_HISTORY_PAGE = 50;
/** The largest history page. */
const MAX_HISTORY_PAGE = 1000;
/** The most entries one {@link setEmbeddings} call takes. */
const MAX_EMBEDDING_BATCH = 5000;

export async function appendMessages(
  ctx: StoreContext,
  sessionId: string,
  messages: readonly NewMessage[],
  options: AppendOptions = {},
): Promise<AppendResult> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const checked = checkNewMessages(messages, ctx.dimensions);
  let outcome = await appendOnce(ctx, id, checked);
  let restored = false;
  if (outcome.kind === 'archived') {
    if (!options.restore) throw sessionArchivedError(id, outcome.status);
    if (!ctx.restore) {
      throw new ConfigurationError(
        '[memory/conversations] appendMessages(..., { restore: true }) needs a restore hook: create the store with createConversationStore(db, { restore }) (e.g. from @memory/archive)',
      );
    }
    // Outside the append transaction: the hook runs its own transactions (and PGlite has one connection).
    await ctx.restore(id);
    restored = true;
    outcome = await appendOnce(ctx, id, checked);
    if (outcome.kind === 'archived') throw sessionArchivedError(id, outcome.status, true);
  }
  const appended = outcome.messages;
  return {
    messages: appended,
    insertedIds: appended.filter((m) => m.inserted).map((m) => m.id),
    existingIds: appended.filter((m) => !m.inserted).map((m) => m.id),
    restored,
  };
}

async function appendOnce(ctx: StoreContext, sessionId: string, messages: CheckedMessage[]): Promise<AppendAttempt> {
  // On its own, first the fast statement: it fails as a whole (nothing stored) when an id is
  // already stored, a retry, and stores nothing when the session is missing or not active; then
  // the careful one below sorts the ids out or reports the session's status. In the caller's
  // transaction a failed statement would abort that transaction, so only the careful one runs.
  // On Citus the append is its own: statements routed to the session's shard (citus-append.ts).
  const distributed = await ctx.distributed();
  if (distributed) return appendOnCitus(ctx, sessionId, messages);
  if (!ctx.sql.inTransaction()) {
    const fast = await fastAppend(ctx, sessionId, messages);
    if (fast) return { kind: 'done', messages: fast };
  }
  // One statement (see appendMessagesSql): autocommit on the pool, or part of the caller's scope.
  const insert = appendMessagesSql(sessionId, messages, sessionRoute(sessionId, distributed));
  const rows = await ctx.sql.query<StoredRow & { status: number | null }>(insert);
  const head = rows.find((row) => row.status !== null);
  if (!head) throw sessionNotFound(sessionId);
  const status = Number(head.status);
  if (status !== SessionStatus.ACTIVE) return { kind: 'archived', status };
  const byId = new Map<string, StoredRow>();
  for (const row of rows) if (row.id !== null) byId.set(row.id, row);
  const unseen = messages.filter((m) => !byId.has(m.id)).map((m) => m.id);
  if (unseen.length > 0) {
    // Stored by a concurrent transaction after this statement's snapshot was taken.
    const find = findMessagesSql(unseen);
    for (const row of await ctx.sql.query<StoredRow>(find)) byId.set(row.id, row);
  }
  return {
    kind: 'done',
    messages: appendedInOrder(sessionId, messages, byId),
  };
}

/**
 * The fast append (see `fastAppendStatement`): the appended messages, or `null` when it stored
 * nothing (an id already stored, or the session missing or not active) and the careful statement
 * must run.
 */
async function fastAppend(
  ctx: StoreContext,
  sessionId: string,
  messages: CheckedMessage[],
): Promise<AppendedMessage[] | null> {
  const { statement, values } = fastAppendStatement(sessionId, messages);
  let rows: Array<{ id?: string; created_at: string }>;
  try {
    rows = await ctx.sql.query(statement, values);
  } catch (error) {
    if (ConflictError.isInstance(error) && error.details.code === '23505') return null;
    throw error;
  }
  if (rows.length === 0) return null;
  if (messages.length === 1) return [appended(messages[0]!.id, rows[0]!.created_at)];
  const byId = new Map<string, string>();
  for (const row of rows) byId.set(row.id!, row.created_at);
  return messages.map((m) => {
    const at = byId.get(m.id);
    // The batch's statement inserts every message or, on a stored id, none (the statement fails).
    if (at === undefined) {
      throw new DatabaseError(
        `[memory/conversations] message ${m.id} is missing from the append's result although others were inserted: report this with the PostgreSQL version`,
        { details: { messageId: m.id, sessionId } },
      );
    }
    return appended(m.id, at);
  });
}

/** A message the fast append inserted, stamped `at` (cursor text). */
function appended(id: string, at: string): AppendedMessage {
  return { id, inserted: true, createdAt: toDate(at), cursor: encodeCursor('message', { at, id }) };
}

export async function getHistory(
  ctx: StoreContext,
  sessionId: string,
  options: HistoryOptions = {},
): Promise<HistoryPage> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const limit = checkLimit(options.limit, 'limit', DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE);
  const before =
    options.before === undefined || options.before === null ? null : decodeCursor('message', options.before, 'before');
  const after =
    options.after === undefined || options.after === null ? null : decodeCursor('message', options.after, 'after');
  const filter = checkMessageFilter(options);
  const statement = historySql({
    sessionId: id,
    before,
    after,
    fetch: limit + 1,
    filter: hasMessageFilter(filter) ? filter : null,
    route: sessionRoute(id, await ctx.distributed()),
  });
  const rows = await ctx.sql.query<MessageRow & { session_status: number; id: string | null }>(statement);
  if (rows.length === 0) throw sessionNotFound(id);
  const sessionStatus = Number(rows[0]!.session_status) as SessionStatus;
  const found = rows.filter((row) => row.id !== null);
  const more = found.length > limit;
  const page = found.slice(0, limit).map((row) => toMessage(row));
  if (!after) page.reverse();
  return {
    messages: page,
    olderCursor: page[0]?.cursor ?? null,
    newerCursor: page.at(-1)?.cursor ?? null,
    hasOlder: after ? true : more,
    hasNewer: after ? more || before !== null : before !== null,
    sessionStatus,
  };
}

export async function countMessages(
  ctx: StoreContext,
  sessionId: string,
  options: { includeArchived?: boolean } = {},
): Promise<number> {
  const id = normalizeUuid(sessionId, 'sessionId');
  const route = sessionRoute(id, await ctx.distributed());
  const archived = options.includeArchived
    ? sql` + (SELECT count(*) FROM messages_archive a WHERE a.session_id = s.id${shardOn(route, 'a')})`
    : sql.empty;
  const rows = await ctx.sql.query<{ n: number }>(
    sql`SELECT ((SELECT count(*) FROM messages m WHERE m.session_id = s.id${shardOn(route, 'm')})${archived})::int AS n FROM sessions s WHERE s.id = ${id}::uuid${shardOn(route, 's')}`,
  );
  if (rows.length === 0) throw sessionNotFound(id);
  return Number(rows[0]!.n);
}

export async function setEmbeddings(
  ctx: StoreContext,
  entries: readonly EmbeddingEntry[],
): Promise<SetEmbeddingsResult> {
  if (!Array.isArray(entries))
    throw new InvalidInputError('[memory/conversations] setEmbeddings takes an array of { messageId, embedding }');
  if (entries.length === 0) return { updatedIds: [], missingIds: [] };
  if (entries.length > MAX_EMBEDDING_BATCH) {
    throw new InvalidInputError(
      `[memory/conversations] ${entries.length} embeddings in one call, over the limit of ${MAX_EMBEDDING_BATCH}: split them`,
    );
  }
  const seen = new Set<string>();
  const checked = entries.map((entry: unknown, i) => {
    if (!isPlainObject(entry))
      throw new InvalidInputError(`[memory/conversations] entries[${i}] must be an object { messageId, embedding }`);
    const id = normalizeUuid(entry.messageId, `entries[${i}].messageId`);
    if (seen.has(id)) throw new InvalidInputError(`[memory/conversations] entries[${i}].messageId ${id} appears twice`);
    seen.add(id);
    return { id, embedding: embeddingLiteral(entry.embedding, ctx.dimensions, `entries[${i}].embedding`) };
  });
  const statement = setEmbeddingsSql(checked);
  const updated = new Set((await ctx.sql.query<{ id: string }>(statement)).map((row) => row.id));
  return {
    updatedIds: checked.filter((e) => updated.has(e.id)).map((e) => e.id),
    missingIds: checked.filter((e) => !updated.has(e.id)).map((e) => e.id),
  };
}
