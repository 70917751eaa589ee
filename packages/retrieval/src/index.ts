export {
  createRetriever,
  retrieveRelevantKnowledge,
  substringRetrieve,
  type RetrieveOptions,
  type Retriever,
  type RetrieverOptions,
  type Similarity,
  type SimilarityIndex,
  type VectorHit,
  type VectorSearch,
} from './retrieve.js';
export { defaultRetrieverData, type RetrieverData } from './retriever-data.js';
export type { Bridge } from './query-expansion.js';
export { DEFAULT_WEIGHTS, type RetrieverWeights } from './weights.js';
export { createAiSdkReranker, type AiSdkRerankerOptions, type Reranker } from './rerank.js';
export { KnowledgeIndexCache, type KnowledgeIndexCacheOptions } from './index-cache.js';
export type { TripleIndex, ScoredTriple, Analyzer } from './triple-index.js';
export { tokenize, isUnigram, withOffsets, type TokenizeOptions, type Segment, type Segmenter } from './tokenize.js';
