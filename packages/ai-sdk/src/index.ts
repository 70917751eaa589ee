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
