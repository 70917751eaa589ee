export {
  createConversationStore,
  DEFAULT_PREVIEW_LENGTH,
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
export { UPDATE_MESSAGE_ACTION, DELETE_MESSAGE_ACTION } from './message-edit.js';
export type { QueryEvent } from './sql-client.js';
export {
  partsText,
  PARTS_TEXT_SEPARATOR,
  type MessagePart,
  type MessageTextPart,
  type MessageReasoningPart,
  type MessageToolState,
  type MessageToolPart,
  type MessageDynamicToolPart,
  type MessageFilePart,
  type MessageSourceUrlPart,
  type MessageSourceDocumentPart,
  type MessageStepStartPart,
  type MessageDataPart,
  type MessageOtherPart,
  type MessageProviderMetadata,
} from '@memory/models';
export { MAX_MESSAGE_PARTS } from './parts.js';
export {
  toUIMessages,
  fromUIMessages,
  toModelMessages,
  fromModelMessages,
  UI_MESSAGE_ID_KEY,
  type UIMessageLike,
  type ModelMessageLike,
  type ModelContentPartLike,
  type StoredMessageLike,
  type FromUIMessagesOptions,
} from './ai-sdk.js';
export { archivePrefix } from './archive-prefix.js';
export { isSessionArchivedError, SESSION_ARCHIVED } from './session-archived-error.js';
export { summaryJsonSchema, parseSummaryJson, type SummaryJson } from './summary-schema.js';
export { toJsonlLine, pipeJsonl, type PipeJsonlOptions } from './jsonl.js';
export { USER_AUDIT_CONDITION, USER_EXPORT_VERSION, type ExportCounts } from './user-export.js';
export { PURGE_USER_ACTION } from './user-purge.js';
export { MAX_APPEND_BATCH } from './validate.js';
export type { ImportMessage, ImportMessagesOptions, ImportMessagesResult } from './import-messages.js';
export {
  backfillMessageUserIds,
  DEFAULT_BACKFILL_BATCH,
  MAX_BACKFILL_BATCH,
  type BackfillUserIdsOptions,
  type BackfillProgress,
} from './backfill-user-ids.js';
export { DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE } from './sessions.js';
export { DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE, MAX_EMBEDDING_BATCH } from './messages.js';
export { DEFAULT_SUMMARY_PAGE, MAX_SUMMARY_PAGE } from './summaries.js';
export { DEFAULT_TOP_K, MAX_TOP_K, MAX_AROUND, NO_EMBEDDINGS, isNoEmbeddingsError } from './search.js';
export {
  DEFAULT_EF_SEARCH,
  MAX_EF_SEARCH,
  DEFAULT_EXACT_SEARCH_THRESHOLD,
  MAX_EXACT_SEARCH_THRESHOLD,
} from './search-sql.js';
