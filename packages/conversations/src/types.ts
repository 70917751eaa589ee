import type { EmbeddingProvider } from '@memory/embeddings';
import type { MessagePart, MessageRole, SessionStatus } from '@memory/models';
import type { LongTermStorage } from '@memory/longterm-core';
import type { SummaryJson } from './summary-schema.js';

/** A session (row of `sessions`) as the store returns it. */
export interface SessionRecord {
  id: string;
  /** The owner; `null` for sessions written by the original library (it had no user column). */
  userId: string | null;
  title: string | null;
  /** {@link SessionStatus}: 1 active, 2 cold archived, 3 deep archived, 4 deleted. */
  status: SessionStatus;
  metadata: Record<string, unknown> | null;
  /** `null` for sessions written by the original library. */
  createdAt: Date | null;
  /** Last activity: set on creation and moved by every append (not by renames or metadata patches). */
  updatedAt: Date;
}

/** What {@link ConversationStore.createSession} takes. */
export interface NewSession {
  /** A UUID chosen by the caller (makes a retried create detectable); a random one otherwise. */
  id?: string;
  /** The owner. Sessions without one cannot be found by `listSessions({ userId })`, `exportUser` or `purgeUser`. */
  userId?: string | null;
  /** At most 512 characters. */
  title?: string | null;
  /** Any plain JSON object. */
  metadata?: Record<string, unknown> | null;
}

/** The start of a message, cut in SQL so a list never loads whole conversations. */
export interface MessagePreview {
  id: string;
  role: string;
  /** The first `previewLength` characters of the content. */
  content: string;
  /** `true` when `content` was cut. */
  truncated: boolean;
  createdAt: Date;
}

/** The newest summary of a session, as a list shows it. */
export interface SummaryPreview {
  id: string;
  strategy: string;
  /** The first `previewLength` characters of `summary_text` (`null` when the summary has no text). */
  text: string | null;
  truncated: boolean;
  createdAt: Date;
}

/** One entry of {@link ConversationStore.listSessions}. */
export interface SessionListItem extends SessionRecord {
  /** The oldest message still in `messages` (`null` when there is none, e.g. once archived). */
  firstMessage: MessagePreview | null;
  /** The newest message still in `messages`. */
  lastMessage: MessagePreview | null;
  latestSummary: SummaryPreview | null;
}

/** Options of {@link ConversationStore.listSessions}. */
export interface ListSessionsOptions {
  /** Only this user's sessions (omit for every user's). */
  userId?: string;
  /** Only sessions with this status, or one of these (omit for any status). */
  status?: SessionStatus | readonly SessionStatus[];
  /** Only sessions whose metadata contains this object (jsonb `@>`), e.g. `{ project: 'x' }`. */
  metadataContains?: Record<string, unknown>;
  /** Only sessions whose metadata has each of these top-level keys with exactly this JSON value. */
  metadataEquals?: Record<string, unknown>;
  /** Page size, 1 to 200; default 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** A page of sessions, newest activity first. */
export interface SessionPage {
  sessions: SessionListItem[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** A message to append. */
export interface NewMessage {
  /**
   * A UUID chosen by the caller. Give one to make the append retry-safe: a message whose id is
   * already stored in the same session is skipped, not duplicated. Random when omitted.
   */
  id?: string;
  /** One of {@link MessageRole}: `user`, `assistant`, `system`, `tool`. */
  role: MessageRole;
  /**
   * The message's text. Left out, it is the text projection of `parts` (`partsText`: the text
   * parts, separated by a blank line). It may be empty only when the message has parts (a
   * message of tool calls has no text); a message with neither text nor parts is refused.
   * This is the column the original library reads.
   */
  content?: string;
  /**
   * The message's AI SDK `UIMessage` parts (text, reasoning, tool calls with their state, input,
   * output or error, files, sources, step starts, data parts), stored as they are in
   * `messages.parts`. Kinds this library does not know are kept too. `undefined` properties are
   * left out, as in JSON.
   */
  parts?: readonly MessagePart[] | null;
  /** Any plain JSON object about the message (`messages.metadata`), filterable in history and search. */
  metadata?: Record<string, unknown> | null;
  /** The model id of an assistant reply, at most 128 characters. */
  model?: string | null;
  /** The message's embedding, with the deployment's dimension (`db.embeddingDimensions`). */
  embedding?: readonly number[] | Float32Array | Float64Array | null;
  /**
   * When the message was written. Omit it (the usual case): the database clock is used, one
   * microsecond apart within a batch and after the session's newest message, so order is kept.
   * Give it only to import old conversations.
   */
  createdAt?: Date;
}

/** Options of {@link ConversationStore.appendMessages}. */
export interface AppendOptions {
  /**
   * When the session is archived (status ≠ active): call the store's `restore` hook first, then
   * append. Without it, appending to an archived session throws `ConflictError`.
   */
  restore?: boolean;
}

/** One appended message in an {@link AppendResult}. */
export interface AppendedMessage {
  id: string;
  /** `false` when a message with this id was already stored (a retried append): it was left as it was. */
  inserted: boolean;
  /** Its `created_at`, as stored (for a skipped message, the stored one). */
  createdAt: Date;
  /** A history cursor at this message (for `getHistory({ after })`). */
  cursor: string;
}

/** What {@link ConversationStore.appendMessages} returns. */
export interface AppendResult {
  /** Every message given, in the order given. */
  messages: AppendedMessage[];
  /** Ids of the messages written now. */
  insertedIds: string[];
  /** Ids that were already stored (skipped). */
  existingIds: string[];
  /** `true` when the session was archived and the `restore` hook brought it back first. */
  restored: boolean;
}

/** A message of a history page or a search hit. */
export interface MessageRecord {
  id: string;
  sessionId: string;
  role: string;
  /** The text (for a message with parts, their text projection; empty for tool parts only). */
  content: string;
  /** The AI SDK parts as stored; `null` for a message appended without parts (and every row the original wrote). */
  parts: MessagePart[] | null;
  /** The message's metadata; `null` when it has none. */
  metadata: Record<string, unknown> | null;
  model: string | null;
  createdAt: Date;
  /** Whether `messages.embedding` is set (the vector itself is not loaded). */
  hasEmbedding: boolean;
  /** A history cursor at this message. */
  cursor: string;
}

/**
 * What {@link ConversationStore.updateMessage} changes: only the fields given (`undefined` leaves
 * a field as it is; `null` clears a nullable one).
 */
export interface MessagePatch {
  /**
   * The new text. Left out while `parts` is given, it becomes the text projection of the new
   * parts (`partsText`); left out otherwise, it stays.
   */
  content?: string;
  /** The new AI SDK parts (replacing the old ones), or `null` to remove them. */
  parts?: readonly MessagePart[] | null;
  /** The new metadata (replacing the old object, not merged into it), or `null` to remove it. */
  metadata?: Record<string, unknown> | null;
  /** The model id, or `null`. */
  model?: string | null;
  /**
   * The new embedding, or `null` to clear it. Left out, a change of `content` drops the stale
   * embedding, or re-embeds the new text when the store has an `embeddingProvider`.
   */
  embedding?: readonly number[] | Float32Array | Float64Array | null;
}

/** Options of {@link ConversationStore.updateMessage} and {@link ConversationStore.deleteMessage}. */
export interface MessageEditOptions {
  /** Recorded as the audit row's actor (default: the store's `actor`). */
  actor?: string | null;
  /**
   * When the message's session is archived: call the store's `restore` hook first, then edit
   * (as `appendMessages` does). Without it, editing a message of an archived session throws
   * `ConflictError` (`isSessionArchivedError`).
   */
  restore?: boolean;
}

/** What happened to a message's embedding in an update. */
export type EmbeddingOutcome = 'kept' | 'set' | 'cleared' | 'dropped' | 'embedded';

/** What {@link ConversationStore.updateMessage} returns. */
export interface UpdateMessageResult {
  /** The message as stored now. */
  message: MessageRecord;
  /**
   * `kept` (content unchanged), `set` / `cleared` (the patch gave an embedding / `null`),
   * `dropped` (content changed, no provider: the stale embedding was removed), `embedded`
   * (content changed and the store's provider embedded the new text).
   */
  embedding: EmbeddingOutcome;
  /** The fields the patch changed, e.g. `['content', 'parts']`. */
  changed: string[];
  /** `true` when the session was archived and the `restore` hook brought it back first. */
  restored: boolean;
}

/** What {@link ConversationStore.deleteMessage} returns. */
export interface DeleteMessageResult {
  /** `false` when there was no such message (nothing happened, no audit row). */
  deleted: boolean;
  /** The session the message belonged to (`null` when there was none). */
  sessionId: string | null;
  /** `true` when the session was archived and the `restore` hook brought it back first. */
  restored: boolean;
}

/**
 * Filters on messages, shared by {@link ConversationStore.getHistory} and
 * {@link ConversationStore.searchMessages}. All given filters must hold.
 */
export interface MessageFilter {
  /** Only messages with one of these roles. */
  roles?: readonly MessageRole[];
  /** Only messages created at or after this time. */
  since?: Date;
  /** Only messages created before this time. */
  until?: Date;
  /**
   * Only messages whose metadata has each of these top-level keys with exactly this JSON value
   * (`{ channel: 'web' }`; `{ tags: ['a'] }` matches `['a']` only; `{ k: null }` a key set to null).
   */
  metadataEquals?: Record<string, unknown>;
  /**
   * Only messages whose metadata contains this object (jsonb `@>`): nested objects match
   * partially, arrays by inclusion (`{ tags: ['a'] }` matches `['a', 'b']`).
   */
  metadataContains?: Record<string, unknown>;
}

/** Options of {@link ConversationStore.getHistory}: a page, optionally filtered (`MessageFilter`). */
export interface HistoryOptions extends MessageFilter {
  /** Page size, 1 to 1000; default 50. */
  limit?: number;
  /** Only messages older than this cursor (the page just before it). */
  before?: string | null;
  /** Only messages newer than this cursor (the page just after it). */
  after?: string | null;
}

/**
 * A page of a session's history, oldest to newest. Without cursors it holds the newest
 * messages; follow `olderCursor` with `before` to go back in time, `newerCursor` with `after`
 * to get messages appended since.
 */
export interface HistoryPage {
  messages: MessageRecord[];
  /** Cursor at the first message of the page (pass as `before`); `null` for an empty page. */
  olderCursor: string | null;
  /** Cursor at the last message of the page (pass as `after`); `null` for an empty page. */
  newerCursor: string | null;
  /** Whether messages older than this page exist. */
  hasOlder: boolean;
  /** Whether messages newer than this page existed when it was read. */
  hasNewer: boolean;
  /** The session's status: an archived session's messages are no longer in the hot table. */
  sessionStatus: SessionStatus;
}

/** A stored summary. */
export interface SummaryRecord {
  id: string;
  sessionId: string;
  strategy: string;
  strategyVersion: string | null;
  text: string | null;
  json: SummaryJson;
  createdAt: Date;
}

/** What {@link ConversationStore.saveSummary} takes. */
export interface NewSummary {
  /** A UUID chosen by the caller; random when omitted. */
  id?: string;
  /** E.g. `context_compression_v2`; at most 64 characters. */
  strategy: string;
  /** At most 32 characters. */
  strategyVersion?: string | null;
  text?: string | null;
  /** Checked against {@link summaryJsonSchema}. */
  json: SummaryJson;
}

/** One entry of {@link ConversationStore.setEmbeddings}: `null` clears the embedding. */
export interface EmbeddingEntry {
  messageId: string;
  embedding: readonly number[] | Float32Array | Float64Array | null;
}

/** What {@link ConversationStore.setEmbeddings} returns. */
export interface SetEmbeddingsResult {
  updatedIds: string[];
  /** Ids with no message in `messages` (unknown, or archived). */
  missingIds: string[];
}

/** Options of {@link ConversationStore.searchMessages}: a query (vector or text) and a scope. */
export interface SearchOptions {
  /** The query vector. Give this or `text` + `provider`. */
  vector?: readonly number[] | Float32Array | Float64Array;
  /** The query text, embedded with `provider`. */
  text?: string;
  /** What embeds `text` (the `EmbeddingProvider` of `@memory/embeddings`). */
  provider?: EmbeddingProvider;
  /** Search one session. At least one of `sessionId` and `userId` is required. */
  sessionId?: string;
  /** Search every session of a user. */
  userId?: string;
  /** How many hits, 1 to 1000; default 10. */
  topK?: number;
  /** Only messages with one of these roles. */
  roles?: readonly MessageRole[];
  /** Only messages created at or after this time. */
  since?: Date;
  /** Only messages created before this time. */
  until?: Date;
  /** Only messages whose metadata has these top-level values (see {@link MessageFilter}). */
  metadataEquals?: Record<string, unknown>;
  /** Only messages whose metadata contains this object (jsonb `@>`, see {@link MessageFilter}). */
  metadataContains?: Record<string, unknown>;
  /**
   * Return each hit with this many messages before and after it in its session (`before`,
   * `after`), 0 to 50; default 0 (none). The window ignores the filters: it is the conversation
   * around the hit. Windows of nearby hits may overlap.
   */
  around?: number;
  /**
   * With `userId` (and no `sessionId`) on a distributed (Citus) database: search the user's
   * messages on every shard, not only on the user's shard key. It finds sessions made with ids of
   * their own and a user id (the chats of `@memory/ai-sdk`, whose ids derive from chat ids, or
   * sessions of the original library later given a user), which the routed user search misses
   * (docs/citus.md). A multi-shard query: each shard searches its part, the coordinator merges.
   * No effect on a single server, where every search sees all of the user's sessions. Default
   * `false`.
   */
  allShards?: boolean;
  /**
   * Only hits with at least this cosine similarity (`score`, -1 to 1). The search still takes the
   * `topK` nearest first, so it returns up to `topK` hits at or above it.
   */
  minScore?: number;
  /**
   * `hnsw.ef_search` for this search, an integer from 1 to 1000 (default: the store's
   * `efSearch`, 200); raised to `topK` when lower. Not used when the scope is small enough for an
   * exact scan.
   */
  efSearch?: number;
}

/** One result of {@link ConversationStore.searchMessages}. */
export interface SearchHit {
  message: MessageRecord;
  /** Cosine distance (0 = same direction, 2 = opposite). */
  distance: number;
  /** `1 - distance`: cosine similarity. */
  score: number;
  /** With `around: N`: up to N messages of the same session just before the hit, oldest first. */
  before?: MessageRecord[];
  /** With `around: N`: up to N messages of the same session just after the hit, oldest first. */
  after?: MessageRecord[];
}

/** Options of {@link ConversationStore.deleteSession}. */
export interface DeleteSessionOptions {
  /** Recorded as the audit row's actor (default: the store's `actor`). */
  actor?: string | null;
  /** Also delete the session's deep-archive objects under {@link archivePrefix}. */
  longTermStorage?: LongTermStorage;
}

/** What {@link ConversationStore.deleteSession} returns. */
export interface DeleteSessionResult {
  /** `false` when there was no such session (nothing happened, no audit row). */
  deleted: boolean;
  messages: number;
  summaries: number;
  archivedMessages: number;
  archiveObjects: number;
}

/** Options of {@link ConversationStore.exportUser}. */
export interface ExportUserOptions {
  /** Include message embeddings (as arrays of numbers); default `false`, they are large. */
  includeEmbeddings?: boolean;
  /** Rows fetched per query; default 500. Memory use is bounded by it. */
  pageSize?: number;
}

/** Options of {@link ConversationStore.purgeUser}. */
export interface PurgeUserOptions {
  /**
   * Where the user's long-term memory and the sessions' archive exports live. Required, so a
   * purge cannot forget them by accident; pass `null` when the deployment has none.
   */
  longTermStorage: LongTermStorage | null;
  /** Recorded as the audit row's actor (default: the store's `actor`); left out when it is the purged user. */
  actor?: string | null;
  /**
   * A secret (at least 32 bytes) that ties the purge record to the user without naming them:
   * with it, the `purge_user` row's `resource_id` is `purgeRecordId(userId, recordKey)`,
   * an HMAC-SHA256 that only a holder of the key can compute again (to answer "was this user
   * purged, and when?"), while the database alone reveals nothing. Without it the record has no
   * `resource_id`. A plain hash would not do: user ids such as e-mail addresses are guessable.
   * Keep the key out of the database (a secret store); rotating it makes older records unmatchable.
   */
  recordKey?: string | Uint8Array;
}

/** How many rows and objects {@link ConversationStore.purgeUser} removed. */
export interface PurgeUserResult {
  sessions: number;
  messages: number;
  summaries: number;
  archivedMessages: number;
  auditLogs: number;
  archiveObjects: number;
  longTermObjects: number;
}
