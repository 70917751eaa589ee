import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '@memory/errors';
import { shardKeyOfSession, sql, type Sql, type SqlStatement } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { from as copyFrom } from 'pg-copy-streams';
import { normalizeUuid } from './ids.js';
import { isPlainObject } from './json-value.js';
import { sessionArchivedError } from './session-archived-error.js';
import { sessionNotFound } from './sessions.js';
import { toStoreError, type SqlClient } from './sql-client.js';
import type { StoreContext } from './store-context.js';
import type { NewMessage } from './types.js';
import { checkNewMessages, checkOptionalText, type CheckedMessage } from './validate.js';

/** One message of an {@link importMessages} call: a {@link NewMessage} and the session it goes to. */
export interface ImportMessage extends NewMessage {
  /** The session (it must exist and be active). */
  sessionId: string;
}

/** Options of {@link importMessages}. */
export interface ImportMessagesOptions {
  /** Called after every chunk (5000 messages) with the running total, e.g. for a progress bar. */
  onProgress?: (imported: number) => void;
  /** Recorded as the actor of the import's `import_messages` audit rows (default: the store's `actor`). */
  actor?: string | null;
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

/** Messages read, checked and reported as one chunk (the most `checkNewMessages` takes). */
const CHUNK = 5000;

/** Chunks read ahead, at most, when a chunk names a session not locked yet (their sessions are locked together). */
const LOOKAHEAD = 10;

/** Characters of message text (content, parts, metadata) read ahead, at most, as for {@link LOOKAHEAD}. */
const LOOKAHEAD_CHARS = 32 * 1024 * 1024;

/** Bytes of COPY text handed to the stream at once (about; one `CopyData` message each). */
const PIECE = 64 * 1024;

/** The audit action of an import, one row per session it wrote to. */
const IMPORT_ACTION = 'import_messages';

/** The columns an import writes, in COPY order. */
const COLUMNS = 'id, session_id, role, content, model, embedding, created_at, user_id, parts, metadata, shard_key';

/** A session an import writes to: found on first sight, locked (and filled in) before its rows are written. */
interface ImportSession {
  id: string;
  shardKey: number;
  locked: boolean;
  userId: string | null;
  /** `userId` as a COPY text field. */
  userIdField: string;
  /** The earliest stamp for its messages without `createdAt`, in microseconds since the epoch: whole milliseconds … */
  baseMs: number;
  /** … plus microseconds (0–999). */
  baseUs: number;
  /** The import's clock (shared by its sessions). */
  clock: ImportClock;
  /** Messages of the input that go to this session. */
  messages: number;
}

/** A chunk of the input, checked, with each message's session. */
interface Chunk {
  messages: CheckedMessage[];
  sessions: ImportSession[];
}

/**
 * `ConversationStore.importMessages`: bulk-loads history (moving conversations in from another
 * system) in one transaction, into the live `messages` table with every index in place.
 *
 * - Each session must exist and be active; it is locked (`FOR NO KEY UPDATE`, as an append
 *   does) for the rest of the import, so appends to it wait and the archiver skips it.
 * - Messages keep their `createdAt`; those without one are stamped after the session's newest
 *   message, one microsecond apart in input order (across the whole import, so they rise with
 *   it). Ids are the caller's or random; an id already stored fails the whole import
 *   (`ConflictError`), which is then rolled back and can be re-run.
 * - `user_id` is copied from each session, `sessions.updated_at` moves to the newest message
 *   (one `UPDATE` at the end).
 * - Each session gets one `import_messages` audit row (`resource_type` `session`; `details`:
 *   `userId`, `messages`, `path`), written in the import's transaction by one statement at the
 *   end, so an import that rolls back leaves none. One row per session rather than one for the
 *   call: the audit log is read per session and per user (`details.userId`: a user's export and
 *   purge find their rows), which a row naming the sessions of several users would escape.
 * - On PostgreSQL the rows go by `COPY messages (...) FROM STDIN` in text format (vectors as their
 *   text, parsed once by the server), streamed in 64 KiB pieces while the input is still being
 *   read and checked. One `COPY` runs as long as the input names no session not yet locked; a
 *   chunk (5000 messages) with a new session ends it, up to ten chunks are read ahead, their new
 *   sessions are locked in one statement, and the next `COPY` goes on (input sorted by session
 *   needs about one `COPY` per 50k messages). On PGlite (no
 *   `COPY FROM STDIN` through its driver) and inside a caller's `db.scope` (the COPY needs a
 *   connection of its own), the same rows go by multi-row `INSERT`s of 5000.
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
  if (options.actor !== undefined)
    options = { ...options, actor: checkOptionalText(options.actor, 'actor', { max: 512 }) };
  const direct = ctx.db.kind === 'postgres' && !ctx.db.em().isInTransaction();
  if (!direct) return ctx.sql.sqlTransaction((tx) => insertAll(ctx, tx, messages, options));
  const pool = (await (
    ctx.db.orm.driver.getConnection() as unknown as { getNativeClient(): Promise<NativePool> }
  ).getNativeClient()) as NativePool;
  const client = await pool.connect().catch((error: unknown) => {
    throw toStoreError(error);
  });
  const tx: SqlClient = {
    query: async <T>(statement: string | SqlStatement, values: readonly unknown[] = []) => {
      const [text, bound] = typeof statement === 'string' ? [statement, values] : [statement.text, statement.values];
      try {
        return (await client.query(text, [...bound])).rows as T[];
      } catch (error) {
        throw toStoreError(error);
      }
    },
  };
  let broken: Error | undefined;
  try {
    await tx.query('BEGIN');
    const result = await copyAll(ctx, tx, client, messages, options);
    await tx.query('COMMIT');
    return result;
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

/** Reads the input a chunk at a time, checks it and finds each message's session (not yet locked). */
class ImportReader {
  readonly sessions = new Map<string, ImportSession>();
  readonly #clock: ImportClock = { ms: 0, us: 0, msIso: '' };
  /** Sessions by the id as the caller spelled it, so a repeated id is not checked again. */
  readonly #given = new Map<unknown, ImportSession>();
  readonly #sync: Iterator<ImportMessage> | null;
  readonly #async: AsyncIterator<ImportMessage> | null;
  #done = false;
  read = 0;

  constructor(
    messages: Iterable<ImportMessage> | AsyncIterable<ImportMessage>,
    private readonly dimensions: number,
  ) {
    // A synchronous source is read without an await per message.
    this.#sync = Symbol.iterator in messages ? (messages as Iterable<ImportMessage>)[Symbol.iterator]() : null;
    this.#async = this.#sync ? null : (messages as AsyncIterable<ImportMessage>)[Symbol.asyncIterator]();
  }

  /** The next chunk of up to {@link CHUNK} messages, or `null` at the end. */
  async next(): Promise<Chunk | null> {
    if (this.#done) return null;
    const batch: ImportMessage[] = [];
    if (this.#sync) {
      while (batch.length < CHUNK) {
        const step = this.#sync.next();
        if (step.done) {
          this.#done = true;
          break;
        }
        batch.push(step.value);
      }
    } else {
      while (batch.length < CHUNK) {
        const step = await this.#async!.next();
        if (step.done) {
          this.#done = true;
          break;
        }
        batch.push(step.value);
      }
    }
    if (batch.length === 0) return null;
    const sessions = batch.map((m, i) => {
      if (!isPlainObject(m))
        throw new InvalidInputError(`[memory/conversations] messages[${this.read + i}] must be an object`);
      return this.#session(m.sessionId, this.read + i);
    });
    let messages: CheckedMessage[];
    try {
      messages = checkNewMessages(batch, this.dimensions);
    } catch (error) {
      // Name the position in the whole import, not in the chunk.
      if (error instanceof InvalidInputError && this.read > 0)
        error.message = `${error.message} (in the chunk starting at message ${this.read})`;
      throw error;
    }
    this.read += batch.length;
    for (const session of sessions) session.messages++;
    return { messages, sessions };
  }

  /** Stops a source left unfinished (an error, or a consumer that gave up). */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    if (this.#sync) this.#sync.return?.();
    else await this.#async!.return?.();
  }

  #session(given: unknown, at: number): ImportSession {
    const known = this.#given.get(given);
    if (known) return known;
    const id = normalizeUuid(given, `messages[${at}].sessionId`);
    let session = this.sessions.get(id);
    if (!session) {
      session = {
        id,
        shardKey: shardKeyOfSession(id),
        locked: false,
        userId: null,
        userIdField: '\\N',
        baseMs: 0,
        baseUs: 0,
        clock: this.#clock,
        messages: 0,
      };
      this.sessions.set(id, session);
    }
    this.#given.set(given, session);
    return session;
  }
}

/** The sessions of the chunks not locked yet, each once. */
function unlocked(chunks: readonly Chunk[]): ImportSession[] {
  const fresh = new Set<ImportSession>();
  for (const chunk of chunks) for (const s of chunk.sessions) if (!s.locked) fresh.add(s);
  return [...fresh];
}

/** PostgreSQL: the rows by `COPY ... FROM STDIN` on `client`, inside its open transaction. */
async function copyAll(
  ctx: StoreContext,
  tx: SqlClient,
  client: NativeClient,
  messages: Iterable<ImportMessage> | AsyncIterable<ImportMessage>,
  options: ImportMessagesOptions,
): Promise<ImportMessagesResult> {
  const distributed = await ctx.distributed();
  const reader = new ImportReader(messages, ctx.dimensions);
  let imported = 0;
  try {
    const first = await reader.next();
    let held: Chunk[] = first ? [first] : [];
    while (held.length > 0) {
      await lockSessions(tx, unlocked(held), distributed);
      // One COPY for the held chunks and the ones after them, until a chunk names a session not
      // locked yet; that chunk and the few read ahead of it are held for the next COPY.
      const run = { held, next: [] as Chunk[] };
      try {
        await pipeline(
          Readable.from(
            copyText(reader, run, (n) => {
              imported += n;
              options.onProgress?.(imported);
            }),
          ),
          client.query(copyFrom(`COPY messages (${COLUMNS}) FROM STDIN`)),
        );
      } catch (error) {
        throw toStoreError(error);
      }
      held = run.next;
    }
  } finally {
    await reader.close();
  }
  await touchSessions(tx, reader.sessions, distributed);
  await auditImport(ctx, tx, reader.sessions, 'copy', options);
  return { imported, sessions: reader.sessions.size, path: 'copy' };
}

/**
 * The COPY text of the chunks in `run.held` and the ones after them, as UTF-8 pieces. It stops
 * before a chunk with a session not locked yet and leaves in `run.next` that chunk and the ones
 * read after it (up to {@link LOOKAHEAD} chunks or {@link LOOKAHEAD_CHARS} characters of text, so
 * their new sessions are locked in one statement and a stream sorted by session needs few COPYs).
 * The server works through what was sent while those are read.
 */
async function* copyText(
  reader: ImportReader,
  run: { held: Chunk[]; next: Chunk[] },
  sent: (messages: number) => void,
): AsyncGenerator<Buffer> {
  const out = new CopyBuffer();
  const queue = run.held;
  for (let chunk = queue.shift() ?? null; chunk; chunk = queue.shift() ?? (await reader.next())) {
    if (unlocked([chunk]).length > 0) {
      // Hand the rest over first, so the server has it while more is read.
      const rest = out.take();
      if (rest) yield rest;
      run.next.push(chunk);
      for (let chars = textSize(chunk); run.next.length < LOOKAHEAD && chars < LOOKAHEAD_CHARS;) {
        const next = await reader.next();
        if (!next) break;
        run.next.push(next);
        chars += textSize(next);
      }
      return;
    }
    const { messages, sessions } = chunk;
    for (let i = 0; i < messages.length; i++) {
      const piece = out.add(copyLine(messages[i]!, sessions[i]!));
      if (piece) yield piece;
    }
    // Hand the rest over before reading on, so the server has it while the next chunk is read.
    const rest = out.take();
    if (rest) yield rest;
    sent(messages.length);
  }
}

/** About how much text a chunk holds (its contents, parts and metadata), in characters. */
function textSize({ messages }: Chunk): number {
  let n = 0;
  for (const m of messages) n += m.content.length + (m.parts?.length ?? 0) + (m.metadata?.length ?? 0);
  return n;
}

/** PGlite, or inside a caller's `db.scope`: the rows by multi-row `INSERT`s in `tx`. */
async function insertAll(
  ctx: StoreContext,
  tx: SqlClient,
  messages: Iterable<ImportMessage> | AsyncIterable<ImportMessage>,
  options: ImportMessagesOptions,
): Promise<ImportMessagesResult> {
  const distributed = await ctx.distributed();
  const reader = new ImportReader(messages, ctx.dimensions);
  let imported = 0;
  try {
    for (let chunk = await reader.next(); chunk; chunk = await reader.next()) {
      await lockSessions(tx, unlocked([chunk]), distributed);
      await tx.query(insertSql(chunk));
      imported += chunk.messages.length;
      options.onProgress?.(imported);
    }
  } finally {
    await reader.close();
  }
  await touchSessions(tx, reader.sessions, distributed);
  await auditImport(ctx, tx, reader.sessions, 'insert', options);
  return { imported, sessions: reader.sessions.size, path: 'insert' };
}

/** Moves each session's `updated_at` to its newest message, in one statement. */
async function touchSessions(tx: SqlClient, sessions: Map<string, ImportSession>, distributed: boolean) {
  if (sessions.size === 0) return;
  const co = sql.raw(distributed ? ' AND m.shard_key = s.shard_key' : '');
  await tx.query(
    sql`UPDATE sessions s SET updated_at = GREATEST(s.updated_at, (SELECT max(m.created_at) FROM messages m WHERE m.session_id = s.id${co}))
     WHERE s.id = ANY(${[...sessions.keys()]}::uuid[])`,
  );
}

/**
 * The import's audit rows, one per session, in one statement of its transaction. Plain SQL, not
 * `db.logAudit`: the COPY path's transaction is a connection of its own, outside the unit of work.
 */
async function auditImport(
  ctx: StoreContext,
  tx: SqlClient,
  sessions: Map<string, ImportSession>,
  path: ImportMessagesResult['path'],
  options: ImportMessagesOptions,
): Promise<void> {
  if (sessions.size === 0) return;
  const list = [...sessions.values()];
  await tx.query(
    `INSERT INTO audit_logs (id, created_at, action, resource_type, resource_id, details, actor)
     SELECT a.id, now(), $1, 'session', a.session, a.details::jsonb, $2
       FROM unnest($3::uuid[], $4::text[], $5::text[]) AS a(id, session, details)`,
    [
      IMPORT_ACTION,
      options.actor === undefined ? ctx.actor : options.actor,
      list.map(() => randomUUID()),
      list.map((s) => s.id),
      list.map((s) => JSON.stringify({ userId: s.userId, messages: s.messages, path })),
    ],
  );
}

/** Locks the sessions (`FOR NO KEY UPDATE`, like an append), checks they are active, reads their user and next stamp. */
async function lockSessions(tx: SqlClient, sessions: ImportSession[], distributed: boolean): Promise<void> {
  if (sessions.length === 0) return;
  type Locked = { id: string; status: number; user_id: string | null; base: string };
  const rows: Locked[] = [];
  // On Citus (docs/citus.md) the sessions are locked shard by shard: one statement per shard key.
  const groups = new Map<number | null, string[]>();
  for (const { id, shardKey } of sessions) {
    const key = distributed ? shardKey : null;
    const group = groups.get(key);
    if (group) group.push(id);
    else groups.set(key, [id]);
  }
  for (const [key, group] of groups) {
    const shardKey = sql.param(key);
    const on = (alias: string) => (key === null ? sql.empty : sql` AND ${sql.raw(alias)}.shard_key = ${shardKey}`);
    rows.push(
      ...(await tx.query<Locked>(
        sql`SELECT s.id, s.status, s.user_id,
       (extract(epoch FROM GREATEST(clock_timestamp(), s.updated_at + interval '1 microsecond',
         (SELECT max(m.created_at) + interval '1 microsecond' FROM messages m WHERE m.session_id = s.id${on('m')}))) * 1000000)::bigint::text AS base
     FROM sessions s WHERE s.id = ANY(${group}::uuid[])${on('s')} ORDER BY s.id FOR NO KEY UPDATE OF s`,
      )),
    );
  }
  const found = new Map(rows.map((row) => [row.id, row]));
  for (const session of sessions) {
    const row = found.get(session.id);
    if (!row) throw sessionNotFound(session.id);
    if (Number(row.status) !== SessionStatus.ACTIVE) throw sessionArchivedError(session.id, Number(row.status));
    const base = BigInt(row.base);
    session.userId = row.user_id;
    session.userIdField = copyField(row.user_id);
    session.baseMs = Number(base / 1000n);
    session.baseUs = Number(base % 1000n);
    session.locked = true;
  }
}

/** `000` … `999`: the microsecond digits of a stamp. */
const MICROS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * The stamps of one import's messages without `createdAt`: one microsecond apart in input order
 * across all its sessions, and never before a session's base (its newest message or
 * `updated_at`, plus a microsecond, or the time it was locked). One clock rather than one per
 * session keeps the stamps rising with the input, so the `(user_id, created_at)` index takes
 * them at its right edge instead of splitting pages where sessions' ranges would overlap.
 */
interface ImportClock {
  /** The next stamp: whole milliseconds since the epoch … */
  ms: number;
  /** … plus microseconds (0–999) … */
  us: number;
  /** … and `ms` as ISO text without its `Z`, made once per millisecond. */
  msIso: string;
}

/** The message's `created_at` as ISO text: its own, or the import clock's next stamp (at least the session's base). */
function stamp(message: CheckedMessage, session: ImportSession): string {
  if (message.createdAt) return message.createdAt.toISOString();
  const clock = session.clock;
  if (session.baseMs > clock.ms || (session.baseMs === clock.ms && session.baseUs > clock.us)) {
    if (session.baseMs !== clock.ms) clock.msIso = new Date(session.baseMs).toISOString().slice(0, -1);
    clock.ms = session.baseMs;
    clock.us = session.baseUs;
  }
  const at = `${clock.msIso}${MICROS[clock.us]}Z`;
  if (++clock.us === 1000) {
    clock.us = 0;
    clock.ms += 1;
    clock.msIso = new Date(clock.ms).toISOString().slice(0, -1);
  }
  return at;
}

/** Backslash, newline, carriage return and tab: what COPY's text format escapes. */
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value as a COPY text-format field, `\N` for null. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPED[c]!) : value;
}

/**
 * COPY text as UTF-8 bytes, written line by line into a buffer and handed on in pieces of about
 * {@link PIECE} bytes. (Encoding each short line into a buffer is several times cheaper than
 * concatenating a piece as a string and encoding it at once.)
 */
class CopyBuffer {
  #buf = Buffer.allocUnsafe(PIECE * 2);
  #at = 0;

  /** Adds a line; returns a full piece to send, if this line filled one. */
  add(line: string): Buffer | null {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    const most = line.length * 3;
    if (this.#at + most > this.#buf.length) {
      const piece = this.take();
      if (most > this.#buf.length) return piece ? Buffer.concat([piece, Buffer.from(line)]) : Buffer.from(line);
      this.#at = this.#buf.write(line, 0);
      return piece;
    }
    this.#at += this.#buf.write(line, this.#at);
    return this.#at >= PIECE ? this.take() : null;
  }

  /** What was added since the last piece, or `null`. */
  take(): Buffer | null {
    if (this.#at === 0) return null;
    const piece = this.#buf.subarray(0, this.#at);
    this.#buf = Buffer.allocUnsafe(PIECE * 2);
    this.#at = 0;
    return piece;
  }
}

/** One message as a line of COPY text, in {@link COLUMNS} order. */
function copyLine(m: CheckedMessage, s: ImportSession): string {
  return `${m.id}\t${s.id}\t${m.role}\t${copyField(m.content)}\t${m.model === null ? '\\N' : copyField(m.model)}\t${m.embedding ?? '\\N'}\t${stamp(m, s)}\t${s.userIdField}\t${m.parts === null ? '\\N' : copyField(m.parts)}\t${m.metadata === null ? '\\N' : copyField(m.metadata)}\t${s.shardKey}\n`;
}

/** The multi-row `INSERT` of the PGlite and in-scope path: one statement text for any chunk (the columns go as arrays). */
function insertSql({ messages, sessions }: Chunk): Sql {
  return sql`INSERT INTO messages (${sql.raw(COLUMNS)})
SELECT t.id, t.session_id, t.role, t.content, t.model, t.embedding::vector, t.created_at, t.user_id, t.parts::jsonb, t.metadata::jsonb, t.shard_key
FROM unnest(${messages.map((m) => m.id)}::uuid[], ${sessions.map((s) => s.id)}::uuid[], ${messages.map((m) => m.role)}::text[], ${messages.map((m) => m.content)}::text[], ${messages.map((m) => m.model)}::text[], ${messages.map((m) => m.embedding)}::text[], ${messages.map((m, i) => stamp(m, sessions[i]!))}::timestamptz[], ${sessions.map((s) => s.userId)}::text[], ${messages.map((m) => m.parts)}::text[], ${messages.map((m) => m.metadata)}::text[], ${sessions.map((s) => s.shardKey)}::int[])
  AS t(id, session_id, role, content, model, embedding, created_at, user_id, parts, metadata, shard_key)`;
}
