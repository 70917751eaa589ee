export type { Triple, TripleMetadata } from './triple.js';
export { isEnded } from './triple.js';
export { foldText } from './fold.js';
export { parseTriples, serializeTriples, type ParseTriplesOptions, type SkippedLine } from './triples-format.js';
export { parseProfile, serializeProfile, validateProfile, type ProfileFormatOptions } from './profile-format.js';
export {
  PROFILE_TRAIT_KEYS,
  profileTraitsSchema,
  userProfileSchema,
  type ProfileTraitKey,
  type ProfileTraits,
  type UserProfile,
} from './profile-schema.js';
export { withConflictRetry, type RetryOptions } from './retry.js';
export {
  loadUserProfile,
  loadUserProfileVersioned,
  saveUserProfile,
  updateUserProfile,
  type SaveOptions,
  type UpdateProfileResult,
  type VersionedProfile,
} from './profile-store.js';
export {
  loadKnowledgeTriples,
  saveKnowledgeTriples,
  addKnowledgeTriples,
  type LoadTriplesOptions,
  type SaveTriplesOptions,
  type AddTriplesOptions,
  type AddTriplesResult,
  type TriplesSink,
} from './knowledge-store.js';
export {
  mergeTriples,
  tripleIdentity,
  tripleIdentityHash,
  type MergeTriplesOptions,
  type MergeTriplesResult,
} from './merge-triples.js';
export { tokenize, stem, type TokenizeOptions } from './tokenize.js';
export { TripleIndex, type ScoredTriple, type Analyzer } from './triple-index.js';
export { KnowledgeIndexCache, type KnowledgeIndexCacheOptions } from './index-cache.js';
export {
  createRetriever,
  retrieveRelevantKnowledge,
  substringRetrieve,
  type RetrieveOptions,
  type Retriever,
  type RetrieverOptions,
} from './retrieve.js';
export {
  defaultRetrieverData,
  parseSynonyms,
  parseNarrowerLines,
  parsePatterns,
  parseIdioms,
  type RetrieverData,
  type SynonymRule,
} from './retriever-data.js';
export { DEFAULT_WEIGHTS, type RetrieverWeights } from './weights.js';
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
