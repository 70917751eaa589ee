export { checkEmbeddings, type EmbeddingProvider } from './embedding-provider.js';
export { createHashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';
export {
  createAiSdkEmbeddingProvider,
  type AiSdkEmbeddingProviderOptions,
  type AiSdkEmbeddingModel,
} from './ai-sdk-embedding-provider.js';
export {
  createOpenAICompatibleEmbeddingProvider,
  type OpenAICompatibleEmbeddingOptions,
} from './openai-compatible-embedding-provider.js';
export {
  ensureKnowledgeIndex,
  createKnowledgeIndex,
  type EnsureKnowledgeIndexOptions,
  type KnowledgeIndex,
  type KnowledgeIndexOptions,
  type KnowledgeIndexSyncResult,
  type VectorHit,
} from './knowledge-index.js';
