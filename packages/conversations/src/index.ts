// The public surface: the store factory, the option and result types of its methods, the AI SDK
// converters, the summary schema, the user_id backfill, and the guards of the errors a caller
// handles. Limits, defaults, audit action names and SQL fragments stay inside their modules
// (tests import them from there); the README states the values a user needs to know.
export {
  createConversationStore,
  type ConversationStore,
  type ConversationStoreOptions,
} from './conversation-store.js';
export type {
  SessionRecord,
  NewSession,
  MessagePreview,
  SummaryPreview,
  SessionListItem,
  ListSessionsOptions,
  SessionPage,
  NewMessage,
  AppendOptions,
  AppendedMessage,
  AppendResult,
  MessageRecord,
  HistoryOptions,
  HistoryPage,
  SummaryRecord,
  NewSummary,
  EmbeddingEntry,
  SetEmbeddingsResult,
  SearchOptions,
  SearchHit,
  DeleteSessionOptions,
  DeleteSessionResult,
  ExportUserOptions,
  PurgeUserOptions,
  PurgeUserResult,
  MessagePatch,
  MessageEditOptions,
  MessageFilter,
  EmbeddingOutcome,
  UpdateMessageResult,
  DeleteMessageResult,
} from './types.js';
export type { QueryEvent } from './sql-client.js';
export type { MessagePart } from '@memory/models';
export {
  toUIMessages,
  fromUIMessages,
  toModelMessages,
  fromModelMessages,
  type UIMessageLike,
  type ModelMessageLike,
  type ModelContentPartLike,
  type StoredMessageLike,
  type FromUIMessagesOptions,
} from './ai-sdk.js';
export { isSessionArchivedError } from './session-archived-error.js';
export { MAX_MESSAGE_PARTS } from './parts.js';
export { isNoEmbeddingsError } from './search.js';
export { summaryJsonSchema, parseSummaryJson, type SummaryJson } from './summary-schema.js';
export type { PipeJsonlOptions } from './jsonl.js';
export { purgeRecordId } from './user-purge.js';
export type { ImportMessage, ImportMessagesOptions, ImportMessagesResult } from './import-messages.js';
export { backfillMessageUserIds, type BackfillUserIdsOptions, type BackfillProgress } from './backfill-user-ids.js';
