import type { Writable } from 'node:stream';
import type { MemoryDb } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import { deleteSession } from './delete-session.js';
import { pipeJsonl, type PipeJsonlOptions } from './jsonl.js';
import {
  importMessages,
  type ImportMessage,
  type ImportMessagesOptions,
  type ImportMessagesResult,
} from './import-messages.js';
import { appendMessages, countMessages, getHistory, setEmbeddings } from './messages.js';
import { deleteMessage, updateMessage } from './message-edit.js';
import { searchMessages } from './search.js';
import {
  DEFAULT_EF_SEARCH,
  DEFAULT_EXACT_SEARCH_THRESHOLD,
  MAX_EF_SEARCH,
  MAX_EXACT_SEARCH_THRESHOLD,
  VECTOR_VERSION_SQL,
  supportsIterativeScan,
} from './search-sql.js';
import { createSession, getSession, listSessions, patchSessionMetadata, renameSession } from './sessions.js';
import { createSqlRunner, type QueryEvent } from './sql-client.js';
import type { EmbeddingProvider } from '@memory/embeddings';
import type { StoreContext } from './store-context.js';
import { latestSummary, listSummaries, saveSummary } from './summaries.js';
import type {
  AppendOptions,
  AppendResult,
  DeleteMessageResult,
  DeleteSessionOptions,
  DeleteSessionResult,
  EmbeddingEntry,
  ExportUserOptions,
  HistoryOptions,
  HistoryPage,
  ListSessionsOptions,
  MessageEditOptions,
  MessagePatch,
  NewMessage,
  NewSession,
  NewSummary,
  PurgeUserOptions,
  PurgeUserResult,
  SearchHit,
  SearchOptions,
  SessionPage,
  SessionRecord,
  SetEmbeddingsResult,
  SummaryRecord,
  UpdateMessageResult,
} from './types.js';
import { querySessionsDistributed } from './shard-route.js';
import { exportUser } from './user-export.js';
import { purgeUser } from './user-purge.js';
import { checkCount, checkLimit, checkOptionalText } from './validate.js';

/** Options of {@link createConversationStore}. */
export interface ConversationStoreOptions {
  /**
   * Brings an archived session back to active (its messages back into `messages`). Called by
   * `appendMessages(id, messages, { restore: true })` when the session is archived, outside the
   * append's transaction; the append is then tried once more. `@memory/archive` provides it.
   */
  restore?: (sessionId: string) => Promise<unknown>;
  /** Characters of the message and summary previews in `listSessions`, 1 to 10000; default 200. */
  previewLength?: number;
  /** The `actor` of the audit rows the store writes (`deleteSession`, `purgeUser`), e.g. a service name. */
  actor?: string | null;
  /**
   * Called after every SQL statement the store sends (SQL text with placeholders, never values),
   * for tracing and for checking how many round trips an operation takes.
   */
  onQuery?: (event: QueryEvent) => void;
  /**
   * Whether `searchMessages` turns on pgvector's iterative index scans
   * (`hnsw.iterative_scan = relaxed_order`). Default: when the database's pgvector is 0.8 or
   * newer (asked once). `false` keeps plain HNSW scans, which stop at `ef_search` rows: under a
   * selective filter the search then completes the answer with an exact scan; `true` skips the
   * version check.
   */
  iterativeScan?: boolean;
  /**
   * pgvector's `hnsw.ef_search` for `searchMessages` (an integer from 1 to 1000; default
   * {@link DEFAULT_EF_SEARCH}, 200): how many candidates the HNSW scan keeps. Higher finds more
   * of the true nearest neighbours (recall) and costs time; a search's own `efSearch` overrides
   * it, and `topK` raises it when larger. On 100k × 384 vectors 200 gave recall@10 of 0.96–0.98
   * on most index builds (pgvector's own default, 40, gave 0.74–0.80) for about twice the
   * latency of 40 (see {@link DEFAULT_EF_SEARCH} and the package README).
   *
   * @example
   * ```ts
   * const store = createConversationStore(db, { efSearch: 100 }); // faster, less exact
   * ```
   */
  efSearch?: number;
  /**
   * Searches whose scope (the session, or the user's sessions, within `since` / `until`) holds
   * at most this many messages compute the exact distance to each of them instead of using the
   * HNSW index: exact, and faster for small scopes. An integer from 0 to 100000; default
   * {@link DEFAULT_EXACT_SEARCH_THRESHOLD} (3000), measured with the conversations benchmark;
   * `0` always uses the index. Each search counts its scope up to this number first, from the
   * session index.
   */
  exactSearchThreshold?: number;
  /**
   * Turns text into vectors for the store itself: `updateMessage` re-embeds a message whose text
   * changed (without one, the stale embedding is dropped), and `searchMessages({ text })` uses it
   * when the search gives no `provider`. Any object with `embed(texts)`, e.g. from
   * `@memory/semantics`.
   */
  embeddingProvider?: EmbeddingProvider;
}

/**
 * Sessions, messages, summaries, embeddings and semantic search, and per-user export and purge,
 * on a {@link MemoryDb}. Every method checks its input and throws `InvalidInputError`,
 * `NotFoundError`, `ConflictError` or `DatabaseError` from `@memory/errors`.
 *
 * Each method is atomic on its own. Inside the caller's `db.scope(...)` the store joins that
 * transaction (its own transactions become savepoints), so it commits or rolls back with it.
 */
export interface ConversationStore {
  /** The database the store works on. */
  readonly db: MemoryDb;

  /**
   * Creates an active session. Its `createdAt` and `updatedAt` come from the database clock.
   * An `id` already in use throws `ConflictError`.
   *
   * @example
   * ```ts
   * const session = await store.createSession({ userId: 'u123', title: 'Trip planning', metadata: { channel: 'web' } });
   * ```
   */
  createSession(input: NewSession): Promise<SessionRecord>;
  /** The session, or `NotFoundError`. */
  getSession(sessionId: string): Promise<SessionRecord>;
  /**
   * A page of sessions, most recent activity first (`updated_at` desc, then id), each with the
   * start of its first and last message and of its newest summary. One SQL statement per page,
   * whatever the page size; previews are cut in SQL.
   *
   * @example
   * ```ts
   * let page = await store.listSessions({ userId: 'u123', limit: 20 });
   * while (page.nextCursor) page = await store.listSessions({ userId: 'u123', cursor: page.nextCursor });
   * ```
   */
  listSessions(options?: ListSessionsOptions): Promise<SessionPage>;
  /** Sets the title (`null` clears it). Does not count as activity: `updatedAt` stays. */
  renameSession(sessionId: string, title: string | null): Promise<SessionRecord>;
  /**
   * Applies a JSON merge patch (RFC 7396) to the session's metadata in one atomic `UPDATE`:
   * `null` removes a key, objects merge recursively, anything else replaces. Concurrent patches
   * of different keys all survive. Returns the session with the new metadata.
   *
   * @example
   * ```ts
   * await store.patchSessionMetadata(id, { pinned: true, draft: null, ui: { theme: 'dark' } });
   * ```
   */
  patchSessionMetadata(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord>;
  /**
   * Deletes the session, its messages, summaries and archived messages, and writes a
   * `delete_session` / `session` audit row (details: `userId`, `status` and the counts).
   * With `longTermStorage`, also deletes its deep-archive objects under `archive/{sessionId}/`.
   * A missing session gives `{ deleted: false }` (archive objects are still deleted), so a
   * retried delete is harmless.
   */
  deleteSession(sessionId: string, options?: DeleteSessionOptions): Promise<DeleteSessionResult>;

  /**
   * Appends messages in one statement, so one round trip (atomic, autocommit or in the caller's
   * `db.scope`): the session row is locked (so an archiver cannot move the session meanwhile),
   * all messages go in one multi-row insert that skips ids already stored, each row gets the
   * session's `user_id`, and `updated_at` moves to the newest message.
   * Give message ids to make retries safe; the result says which were new.
   *
   * An archived session (status ≠ active) throws `ConflictError` (see `isSessionArchivedError`)
   * unless `{ restore: true }` is passed and the store has a `restore` hook.
   *
   * @example
   * ```ts
   * const { insertedIds } = await store.appendMessages(id, [
   *   { id: userMsgId, role: 'user', content: '你好' },
   *   { id: replyId, role: 'assistant', content: 'Hi!', model: 'gpt-4o', embedding },
   * ]);
   * ```
   */
  appendMessages(sessionId: string, messages: readonly NewMessage[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Bulk-loads history into existing, active sessions in one transaction, by `COPY` on
   * PostgreSQL (multi-row `INSERT`s on PGlite or inside a `db.scope`), into the live table with
   * its indexes in place. For moving conversations in, not for the hot path: an id already
   * stored fails the whole import. Each session gets an `import_messages` audit row in the same
   * transaction. See {@link importMessages} for the details.
   *
   * @example
   * ```ts
   * const { imported, path } = await store.importMessages(rowsFromOldSystem.map((r) => ({
   *   sessionId: r.thread, role: r.role, content: r.text, createdAt: new Date(r.ts), embedding: r.vec,
   * })));
   * ```
   */
  importMessages(
    messages: Iterable<ImportMessage> | AsyncIterable<ImportMessage>,
    options?: ImportMessagesOptions,
  ): Promise<ImportMessagesResult>;
  /**
   * A page of the session's messages, oldest to newest within the page. Without cursors: the
   * newest `limit` messages. `before: page.olderCursor` goes back in time, `after:
   * page.newerCursor` fetches what was appended since. Keyset on `(created_at, id)`: stable
   * order for equal timestamps, no skipped or repeated rows.
   */
  getHistory(sessionId: string, options?: HistoryOptions): Promise<HistoryPage>;
  /**
   * Changes a stored message: `content`, `parts` (the text follows them unless `content` is
   * given too), `metadata` (replaced), `model`, `embedding`. In one transaction the message's
   * session is locked as an append locks it and must be active (an archived session throws
   * `ConflictError`, see `isSessionArchivedError`, unless `{ restore: true }` and a restore
   * hook), the row is updated, and an `update_message` / `message` audit row records the changed
   * field names and what happened to the embedding (never the text). A change of text drops the
   * stale embedding, or re-embeds the new text when the store has an `embeddingProvider`. Does
   * not count as activity (`updated_at` stays). An unknown id throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { message, embedding } = await store.updateMessage(id, { parts: finalParts, metadata: { edited: true } });
   * ```
   */
  updateMessage(messageId: string, patch: MessagePatch, options?: MessageEditOptions): Promise<UpdateMessageResult>;
  /**
   * Deletes one message and writes a `delete_message` / `message` audit row (session, owner,
   * role). The session is locked and must be active, as for `updateMessage`. An unknown id gives
   * `{ deleted: false }` and no audit row, so a retried delete is harmless.
   *
   * @example
   * ```ts
   * await store.deleteMessage(id, { actor: 'moderation' });
   * ```
   */
  deleteMessage(messageId: string, options?: MessageEditOptions): Promise<DeleteMessageResult>;
  /** How many messages the session has in `messages` (plus `messages_archive` with `includeArchived`). */
  countMessages(sessionId: string, options?: { includeArchived?: boolean }): Promise<number>;

  /**
   * Stores a summary of the session. `json` is checked against the context-compression shape
   * (see `summaryJsonSchema`): fields may be missing, but a present field of the wrong type
   * throws `InvalidInputError`; extra fields are kept.
   *
   * @example
   * ```ts
   * await store.saveSummary(id, {
   *   strategy: 'context_compression_v2', strategyVersion: '2.1', text: 'Planning a trip to Kyoto',
   *   json: { decision_points: ['fly on the 3rd'], todos: ['book hotel'], entities: { files: [], tools: [] },
   *           context_state: 'comparing hotels', code_snippets: [] },
   * });
   * ```
   */
  saveSummary(sessionId: string, summary: NewSummary): Promise<SummaryRecord>;
  /** The newest summary of the session, or `null`. */
  latestSummary(sessionId: string): Promise<SummaryRecord | null>;
  /** The session's summaries, newest first (default 20, at most 200). */
  listSummaries(sessionId: string, options?: { limit?: number }): Promise<SummaryRecord[]>;

  /**
   * Sets (or, with `null`, clears) the embeddings of existing messages in one statement. Each
   * vector is checked against the deployment's dimension. Unknown ids are reported, not thrown.
   */
  setEmbeddings(entries: readonly EmbeddingEntry[]): Promise<SetEmbeddingsResult>;
  /**
   * The `topK` messages nearest to a vector (or to `text`, embedded with `provider`) by cosine
   * distance, within one session or all sessions of a user, optionally filtered by role and
   * time. A scope of few messages (at most `exactSearchThreshold`, counted first) is searched
   * exactly; a larger one through the HNSW index on `messages.embedding` with `hnsw.ef_search`
   * = `efSearch` (at least `topK`), iterative with pgvector 0.8 or newer
   * (`hnsw.iterative_scan = relaxed_order`). When the index comes back with fewer than `topK`
   * hits an exact scan completes the answer, so a search returns `topK` hits whenever that many
   * messages match.
   *
   * Metadata filters (`metadataEquals`, `metadataContains`) narrow the candidates like roles and
   * time. `minScore` keeps the hits at or above a cosine similarity; `around: N` returns each hit
   * with up to N messages before and after it in its session (`hit.before`, `hit.after`, oldest
   * first), fetched in one more statement. When messages match the scope and filters but none has
   * an embedding, the search throws `NotFoundError` (`isNoEmbeddingsError`) rather than answer
   * with nothing. `text` is embedded with the search's `provider`, or the store's `embeddingProvider`.
   *
   * @example
   * ```ts
   * const hits = await store.searchMessages({ text: 'hotel in Kyoto', provider, userId: 'u123', topK: 5, around: 2, minScore: 0.3 });
   * ```
   */
  searchMessages(options: SearchOptions): Promise<SearchHit[]>;

  /**
   * Every session, message, summary, archived message and audit row of a user as JSONL lines
   * (an async iterable of strings, each ending in `\n`), read page by page in bounded memory.
   * The first line describes the export, the last one (`{"type":"end"}`) carries the counts.
   * Every page is read in one `REPEATABLE READ, READ ONLY` transaction, so the export is one
   * snapshot (a message moved to the archive meanwhile is in it exactly once). On PostgreSQL that
   * transaction holds a pooled connection until the iteration ends: read to the end or stop it
   * (`break`, `return()`). On PGlite the lines are spooled to a temp file first.
   * Write it somewhere with {@link ConversationStore.exportUserTo} or `pipeJsonl`.
   */
  exportUser(userId: string, options?: ExportUserOptions): AsyncIterable<string>;
  /**
   * Writes {@link ConversationStore.exportUser} to `destination` (a file, an HTTP response),
   * respecting backpressure; ends it unless `end: false`.
   *
   * @example
   * ```ts
   * await store.exportUserTo('u123', fs.createWriteStream('u123.jsonl'));
   * ```
   */
  exportUserTo(userId: string, destination: Writable, options?: ExportUserOptions & PipeJsonlOptions): Promise<void>;
  /**
   * Removes everything of a user: sessions (any status) with their messages, summaries and
   * archived messages, their deep-archive objects (`archive/{sessionId}/`), the audit rows that
   * name the user (see `userAuditCondition`; earlier `purge_user` rows are kept as the record,
   * except old ones whose `resource_id` is the user id), and the user's long-term objects
   * (profile, profile meta, knowledge). Writes one `purge_user` / `user` audit row with the counts
   * and returns them. That row names no personal data: its `resource_id` is
   * `purgeRecordId(userId, recordKey)` (a keyed hash) when `recordKey` is given, else null, and its
   * actor is left out when it is the user. Running it twice is safe: the second run returns zeros.
   *
   * @example
   * ```ts
   * const counts = await store.purgeUser('u123', { longTermStorage, recordKey: process.env.PURGE_RECORD_KEY });
   * ```
   */
  purgeUser(userId: string, options: PurgeUserOptions): Promise<PurgeUserResult>;
}

/** Characters of list previews when `previewLength` is not given. */
const DEFAULT_PREVIEW_LENGTH = 200;

/**
 * Creates a {@link ConversationStore} on a {@link MemoryDb} (call `db.initDb()` once before the
 * first use). The store holds no connection of its own and no state beyond the options.
 *
 * @example
 * ```ts
 * import { createMemoryDb } from '@memory/db';
 * import { createConversationStore } from '@memory/conversations';
 *
 * const db = createMemoryDb({ url: 'pglite://memory', embeddingDimensions: 1024 });
 * await db.initDb();
 * const store = createConversationStore(db);
 * const session = await store.createSession({ userId: 'u123', title: 'Chat' });
 * await store.appendMessages(session.id, [{ role: 'user', content: 'Hello' }]);
 * const { messages } = await store.getHistory(session.id);
 * ```
 */
export function createConversationStore(db: MemoryDb, options: ConversationStoreOptions = {}): ConversationStore {
  if (options.iterativeScan !== undefined && typeof options.iterativeScan !== 'boolean') {
    throw new InvalidInputError(
      '[memory/conversations] options.iterativeScan must be true, false or left out (detected)',
    );
  }
  if (options.restore !== undefined && typeof options.restore !== 'function') {
    throw new InvalidInputError('[memory/conversations] options.restore must be a function (sessionId) => Promise');
  }
  let iterative: Promise<boolean> | undefined =
    options.iterativeScan === undefined ? undefined : Promise.resolve(options.iterativeScan);
  let distributed: Promise<boolean> | undefined;
  const sql = createSqlRunner(db, options.onQuery);
  const ctx: StoreContext = {
    db,
    sql,
    dimensions: db.embeddingDimensions,
    previewLength: checkLimit(options.previewLength, 'previewLength', DEFAULT_PREVIEW_LENGTH, 10_000),
    actor: checkOptionalText(options.actor, 'actor', { max: 512 }),
    restore: options.restore ?? null,
    embeddingProvider: checkProvider(options.embeddingProvider),
    efSearch: checkLimit(options.efSearch, 'efSearch', DEFAULT_EF_SEARCH, MAX_EF_SEARCH),
    exactSearchThreshold: checkCount(
      options.exactSearchThreshold,
      'exactSearchThreshold',
      DEFAULT_EXACT_SEARCH_THRESHOLD,
      MAX_EXACT_SEARCH_THRESHOLD,
    ),
    iterativeScan() {
      iterative ??= sql.query<{ extversion: string }>(VECTOR_VERSION_SQL).then(
        (rows) => supportsIterativeScan(rows[0]?.extversion),
        (error: unknown) => {
          iterative = undefined;
          throw error;
        },
      );
      return iterative;
    },
    distributed() {
      // Not reported to onQuery: a catalog probe made once, not one of the store's statements.
      // Every call of the store asks, so the probe's runner is built only when it runs.
      distributed ??= querySessionsDistributed(createSqlRunner(db)).catch((error: unknown) => {
        distributed = undefined;
        throw error;
      });
      return distributed;
    },
  };
  return {
    db,
    createSession: (input) => createSession(ctx, input),
    getSession: (sessionId) => getSession(ctx, sessionId),
    listSessions: (listOptions) => listSessions(ctx, listOptions),
    renameSession: (sessionId, title) => renameSession(ctx, sessionId, title),
    patchSessionMetadata: (sessionId, patch) => patchSessionMetadata(ctx, sessionId, patch),
    deleteSession: (sessionId, deleteOptions) => deleteSession(ctx, sessionId, deleteOptions),
    appendMessages: (sessionId, messages, appendOptions) => appendMessages(ctx, sessionId, messages, appendOptions),
    importMessages: (messages, importOptions) => importMessages(ctx, messages, importOptions),
    getHistory: (sessionId, historyOptions) => getHistory(ctx, sessionId, historyOptions),
    updateMessage: (messageId, patch, editOptions) => updateMessage(ctx, messageId, patch, editOptions),
    deleteMessage: (messageId, editOptions) => deleteMessage(ctx, messageId, editOptions),
    countMessages: (sessionId, countOptions) => countMessages(ctx, sessionId, countOptions),
    saveSummary: (sessionId, summary) => saveSummary(ctx, sessionId, summary),
    latestSummary: (sessionId) => latestSummary(ctx, sessionId),
    listSummaries: (sessionId, listOptions) => listSummaries(ctx, sessionId, listOptions),
    setEmbeddings: (entries) => setEmbeddings(ctx, entries),
    searchMessages: (searchOptions) => searchMessages(ctx, searchOptions),
    exportUser: (userId, exportOptions) => exportUser(ctx, userId, exportOptions),
    exportUserTo: async (userId, destination, pipeOptions = {}) => {
      const { end, signal, ...exportOptions } = pipeOptions;
      await pipeJsonl(exportUser(ctx, userId, exportOptions), destination, {
        ...(end === undefined ? {} : { end }),
        ...(signal ? { signal } : {}),
      });
    },
    purgeUser: (userId, purgeOptions) => purgeUser(ctx, userId, purgeOptions),
  };
}

function checkProvider(provider: unknown): EmbeddingProvider | null {
  if (provider === undefined || provider === null) return null;
  if (typeof (provider as { embed?: unknown }).embed !== 'function') {
    throw new InvalidInputError(
      '[memory/conversations] options.embeddingProvider must have embed(texts) => Promise<number[][]> (e.g. from @memory/embeddings)',
    );
  }
  return provider as EmbeddingProvider;
}
