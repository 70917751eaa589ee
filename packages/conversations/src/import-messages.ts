import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '@memory/errors';
import { shardKeyOfSession } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { from as copyFrom } from 'pg-copy-streams';
import { normalizeUuid } from './ids.js';
import { isPlainObject } from './json-value.js';
import { sessionArchivedError } from './session-archived-error.js';
import { sessionNotFound } from './sessions.js';
import { toStoreError, type SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { NewMessage } from './types.js';
import { checkNewMessages, type CheckedMessage } from './validate.js';

/** One message of an {@link importMessages} call: a {@link NewMessage} and the session it goes to. */
export interface ImportMessage extends NewMessage {
  /** The session (it must exist and be active). */
  sessionId: string;
}

/** Options of {@link importMessages}. */
export interface ImportMessagesOptions {
  /** Called after every chunk (5000 messages) with the running total, e.g. for a progress bar. */
  onProgress?: (imported: number) => void;
}

/** What {@link importMessages} did. */
export interface ImportMessagesResult {
  /** Messages stored. */
  imported: number;
  /** Distinct sessions they went to. */
  sessions: number;
  /**
   * How they travelled: `'copy'` (PostgreSQL, outside a caller's transaction: `COPY ... FROM
   * STDIN`), or `'insert'` (PGlite, or inside a `db.scope`: multi-row `INSERT ... SELECT FROM
   * unnest(...)`, 5000 rows a statement, in the caller's transaction or one of the store's own).
   */
  path: 'copy' | 'insert';
}

/** Messages validated, sent and reported as one chunk. */
const CHUNK = 5000;

/** The columns an import writes, in COPY order. */
const COLUMNS = 'id, session_id, role, content, model, embedding, created_at, user_id, parts, metadata, shard_key';

/** A session an import writes to, locked for the import's transaction. */
interface LockedSession {
  userId: string | null;
  /** Microseconds since the epoch of the next stamp for a message without `createdAt`. */
  nextMicros: bigint;
}

/**
 * `ConversationStore.importMessages`: bulk-loads history (moving conversations in from another
 * system) in one transaction, into the live `messages` table with every index in place.
 *
 * - Each session must exist and be active; it is locked (`FOR NO KEY UPDATE`, as an append
 *   does) for the rest of the import, so appends to it wait and the archiver skips it.
 * - Messages keep their `createdAt`; those without one are stamped after the session's newest
 *   message, one microsecond apart in input order. Ids are the caller's or random; an id already
 *   stored fails the whole import (`ConflictError`), which is then rolled back and can be re-run.
 * - `user_id` is copied from each session, `sessions.updated_at` moves to the newest message.
 * - On PostgreSQL the rows go by `COPY ... FROM STDIN` in text format (vectors as their text,
 *   parsed once by the server), one `COPY` per 5000 messages so new sessions can be locked
 *   between them; the next chunk is formatted while the server writes the previous one. On
 *   PGlite (no `COPY FROM STDIN` through its driver) and inside a caller's `db.scope` (the COPY
 *   needs a connection of its own), the same rows go by multi-row `INSERT`s.
 *
 * `messages` may be an array, any iterable, or an async iterable (a stream of a million rows is
 * never held in memory at once).
 */
export async function importMessages(
  ctx: StoreContext,
  messages: Iterable<ImportMessage> | AsyncIterable<ImportMessage>,
  options: ImportMessagesOptions = {},
): Promise<ImportMessagesResult> {
  if (
    messages === null ||
    typeof messages !== 'object' ||
    !(Symbol.iterator in messages || Symbol.asyncIterator in messages)
  )
    throw new InvalidInputError('[memory/conversations] importMessages takes an array or (async) iterable of messages');
  const direct = ctx.db.kind === 'postgres' && !ctx.db.em().isInTransaction();
  if (!direct) {
    return ctx.sql.sqlTransaction(async (tx) => {
      const result = await load(ctx, tx, messages, options, (chunk) => tx.query(insertSql(), insertValues(chunk)));
      return { ...result, path: 'insert' as const };
    });
  }
  const pool = (await (
    ctx.db.orm.driver.getConnection() as unknown as { getNativeClient(): Promise<NativePool> }
  ).getNativeClient()) as NativePool;
  const client = await pool.connect().catch((error: unknown) => {
    throw toStoreError(error);
  });
  const tx: SqlClient = {
    query: async <T>(text: string, values: readonly unknown[] = []) => {
      try {
        return (await client.query(text, [...values])).rows as T[];
      } catch (error) {
        throw toStoreError(error);
      }
    },
  };
  let broken: Error | undefined;
  try {
    await tx.query('BEGIN');
    let pending: Promise<void> = Promise.resolve();
    const result = await load(
      ctx,
      tx,
      messages,
      options,
      async (chunk) => {
        // Format this chunk while the previous COPY is still being written by the server.
        const text = copyText(chunk);
        await pending;
        pending = pipeline(
          Readable.from([text]),
          client.query(copyFrom(`COPY messages (${COLUMNS}) FROM STDIN`)),
        ).catch((error: unknown) => {
          throw toStoreError(error);
        });
        // Keep the rejection observed until it is awaited (by the next chunk or the end).
        pending.catch(() => undefined);
      },
      () => pending,
    );
    await tx.query('COMMIT');
    return { ...result, path: 'copy' };
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The parts of a `pg` pool and client the COPY path uses. */
interface NativePool {
  connect(): Promise<NativeClient>;
}
interface NativeClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  query<T extends NodeJS.WritableStream>(stream: T): T;
  release(error?: Error): void;
}

/** A message ready to be written: checked, with its session, stamp and user. */
interface Row {
  message: CheckedMessage;
  sessionId: string;
  createdAt: string;
  userId: string | null;
}

async function load(
  ctx: StoreContext,
  tx: SqlClient,
  messages: Iterable<ImportMessage> | AsyncIterable<ImportMessage>,
  options: ImportMessagesOptions,
  write: (chunk: Row[]) => Promise<unknown>,
  flush: () => Promise<unknown> = async () => undefined,
): Promise<Omit<ImportMessagesResult, 'path'>> {
  const sessions = new Map<string, LockedSession>();
  let imported = 0;
  let batch: ImportMessage[] = [];
  const send = async () => {
    const sessionIds = batch.map((m, i) => {
      if (!isPlainObject(m))
        throw new InvalidInputError(`[memory/conversations] messages[${imported + i}] must be an object`);
      return normalizeUuid(m.sessionId, `messages[${imported + i}].sessionId`);
    });
    let checked: CheckedMessage[];
    try {
      checked = checkNewMessages(batch, ctx.dimensions);
    } catch (error) {
      // Name the position in the whole import, not in the chunk.
      if (error instanceof InvalidInputError && imported > 0)
        error.message = `${error.message} (in the chunk starting at message ${imported})`;
      throw error;
    }
    const fresh = [...new Set(sessionIds.filter((id) => !sessions.has(id)))];
    if (fresh.length > 0) await lockSessions(tx, fresh, sessions, await ctx.distributed());
    const rows = checked.map((message, i): Row => {
      const session = sessions.get(sessionIds[i]!)!;
      let createdAt: string;
      if (message.createdAt) createdAt = message.createdAt.toISOString();
      else {
        createdAt = microsToIso(session.nextMicros);
        session.nextMicros += 1n;
      }
      return { message, sessionId: sessionIds[i]!, createdAt, userId: session.userId };
    });
    await write(rows);
    imported += rows.length;
    batch = [];
    options.onProgress?.(imported);
  };
  for await (const message of messages) {
    batch.push(message);
    if (batch.length === CHUNK) await send();
  }
  if (batch.length > 0) await send();
  await flush();
  if (sessions.size > 0) {
    const co = (await ctx.distributed()) ? ' AND m.shard_key = s.shard_key' : '';
    await tx.query(
      `UPDATE sessions s SET updated_at = GREATEST(s.updated_at, (SELECT max(m.created_at) FROM messages m WHERE m.session_id = s.id${co}))
       WHERE s.id = ANY($1::uuid[])`,
      [[...sessions.keys()]],
    );
  }
  return { imported, sessions: sessions.size };
}

/** Locks the sessions (`FOR NO KEY UPDATE`, like an append), checks they are active, reads their user and next stamp. */
async function lockSessions(
  tx: SqlClient,
  ids: string[],
  into: Map<string, LockedSession>,
  distributed = false,
): Promise<void> {
  const rows: Array<{ id: string; status: number; user_id: string | null; base: string }> = [];
  // On Citus (docs/citus.md) the sessions are locked shard by shard: one statement per shard key.
  const groups = new Map<number | null, string[]>();
  for (const id of ids) {
    const key = distributed ? shardKeyOfSession(id) : null;
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  for (const [key, group] of groups) {
    rows.push(
      ...(await tx.query<{ id: string; status: number; user_id: string | null; base: string }>(
        `SELECT s.id, s.status, s.user_id,
       (extract(epoch FROM GREATEST(clock_timestamp(), s.updated_at + interval '1 microsecond',
         (SELECT max(m.created_at) + interval '1 microsecond' FROM messages m WHERE m.session_id = s.id${key === null ? '' : ' AND m.shard_key = $2'}))) * 1000000)::bigint::text AS base
     FROM sessions s WHERE s.id = ANY($1::uuid[])${key === null ? '' : ' AND s.shard_key = $2'} ORDER BY s.id FOR NO KEY UPDATE OF s`,
        key === null ? [group] : [group, key],
      )),
    );
  }
  const found = new Map(rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = found.get(id);
    if (!row) throw sessionNotFound(id);
    if (Number(row.status) !== SessionStatus.ACTIVE) throw sessionArchivedError(id, Number(row.status));
    into.set(id, { userId: row.user_id, nextMicros: BigInt(row.base) });
  }
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` of a count of microseconds since the epoch. */
function microsToIso(micros: bigint): string {
  const ms = micros / 1000n;
  const iso = new Date(Number(ms)).toISOString();
  const extra = String(Number(micros - ms * 1000n)).padStart(3, '0');
  return `${iso.slice(0, -1)}${extra}Z`;
}

/** Escapes a value for COPY's text format (backslash, newline, carriage return, tab), `\N` for null. */
function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\n\r\t]/.test(value)
    ? value.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'))
    : value;
}

/** The COPY text-format lines of a chunk. */
function copyText(rows: readonly Row[]): string {
  let out = '';
  for (const { message: m, sessionId, createdAt, userId } of rows) {
    out += `${m.id}\t${sessionId}\t${m.role}\t${copyValue(m.content)}\t${copyValue(m.model)}\t${m.embedding ?? '\\N'}\t${createdAt}\t${copyValue(userId)}\t${copyValue(m.parts)}\t${copyValue(m.metadata)}\t${shardKeyOfSession(sessionId)}\n`;
  }
  return out;
}

/** The multi-row `INSERT` of the PGlite and in-scope path: one statement text for any chunk. */
function insertSql(): string {
  return `INSERT INTO messages (${COLUMNS})
SELECT t.id, t.session_id, t.role, t.content, t.model, t.embedding::vector, t.created_at, t.user_id, t.parts::jsonb, t.metadata::jsonb, t.shard_key
FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::int[])
  AS t(id, session_id, role, content, model, embedding, created_at, user_id, parts, metadata, shard_key)`;
}

function insertValues(rows: readonly Row[]): unknown[] {
  return [
    rows.map((r) => r.message.id),
    rows.map((r) => r.sessionId),
    rows.map((r) => r.message.role),
    rows.map((r) => r.message.content),
    rows.map((r) => r.message.model),
    rows.map((r) => r.message.embedding),
    rows.map((r) => r.createdAt),
    rows.map((r) => r.userId),
    rows.map((r) => r.message.parts),
    rows.map((r) => r.message.metadata),
    rows.map((r) => shardKeyOfSession(r.sessionId)),
  ];
}
