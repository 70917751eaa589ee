export {
  createMemory,
  type CreateMemoryOptions,
  type Memory,
  type MemoryMessage,
  type RecordOptions,
  type RecallOptions,
  type RecalledMessage,
  type ContextForOptions,
  type TurnContext,
  type ProfileApi,
  type KnowledgeApi,
} from './memory.js';
export {
  memoryMiddleware,
  type MemoryMiddlewareOptions,
  type MemoryCallOptions,
  type RecordedEvent,
} from './middleware.js';
export { externalIdToUuid, turnMessageId, MEMORY_ID_NAMESPACE } from './ids.js';
export { memoryTools, type MemoryToolsOptions, type MemoryTools, type ToolErrorResult } from './tools.js';
export {
  createChatStore,
  type ChatStore,
  type ChatStoreOptions,
  type SaveChatOptions,
  type SaveChatResult,
} from './chat-store.js';
export {
  extractMemories,
  ExtractionFormatError,
  type ExtractMemoriesOptions,
  type ExtractMemoriesResult,
  type ExtractionInputMessage,
} from './extract.js';
