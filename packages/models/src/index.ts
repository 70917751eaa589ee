export { SessionStatus, isSessionStatus } from './session-status.js';
export { MessageRole, isMessageRole } from './message-role.js';
export {
  DEFAULT_EMBEDDING_DIMENSIONS,
  MAX_EMBEDDING_DIMENSIONS,
  validateEmbedding,
  validateEmbeddingDimensions,
} from './embedding.js';
export { VectorType } from './vector-type.js';
export { findNul, assertNoNul, assertStorable, validateBeforeWrite } from './storable.js';
export { Session, SessionSchema } from './session.js';
export { Message, MessageSchema } from './message.js';
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
} from './message-part.js';
export { SessionSummary, SessionSummarySchema, type SummaryJson } from './session-summary.js';
export { MessageArchive, MessageArchiveSchema } from './message-archive.js';
export { AuditLog, AuditLogSchema } from './audit-log.js';
export {
  memoryEntities,
  memoryEntityClasses,
  MEMORY_TABLES,
  applyEmbeddingDimensions,
  defineMemoryEntities,
  type MemoryEntitiesOptions,
  type MemoryEntitySet,
} from './memory-entities.js';
