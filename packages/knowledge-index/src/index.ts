export { createHashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';
export {
  ensureKnowledgeIndex,
  createKnowledgeIndex,
  type EnsureKnowledgeIndexOptions,
  type KnowledgeIndex,
  type KnowledgeIndexOptions,
  type KnowledgeIndexSyncResult,
  type VectorHit,
} from './knowledge-index.js';
