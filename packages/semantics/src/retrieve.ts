import type { LongTermStorage } from '@memory/longterm-core';
import { knowledgeKey } from '@memory/longterm-core';
import { defaultKnowledgeIndexCache, type KnowledgeIndexCache } from './index-cache.js';
import type { Triple } from './triple.js';
import { TripleIndex, type ScoredTriple } from './triple-index.js';
import { parseTriples } from './triples-format.js';

/** Options of {@link retrieveRelevantKnowledge}. */
export interface RetrieveOptions {
  /** How many triples at most (default 5). */
  topK?: number;
  /** Return {@link ScoredTriple}s (triple, score, exact, ended, position) instead of triples. */
  withScores?: boolean;
  /** Include superseded triples (after all current ones). Default `true`. */
  includeEnded?: boolean;
  /** Where parsed indexes are kept between calls; `false` to fetch and index every time. */
  cache?: KnowledgeIndexCache | false;
}

/**
 * The triples most relevant to a question in Chinese, English or both, best first.
 *
 * Lexical retrieval: CJK-aware tokens (`Intl.Segmenter` words plus character bigrams), NFKC and
 * case folding, light English stemming, BM25. Triples matching the original's rule (the whole
 * query as a case-insensitive substring of `"s p o"`) come first in file order, so any query
 * the original answered returns the same triples first; an empty query returns the first
 * `topK`, as the original did. Superseded triples (with an `endTime`) never outrank current
 * ones. The parsed index is cached per key and etag: a repeated query costs one `headObject`.
 * For hybrid (BM25 + vector) ranking see `retrieveHybridKnowledge`.
 *
 * Accepts a number as the fourth argument (`topK`), like the original's `top_k`.
 *
 * @example
 * ```ts
 * await retrieveRelevantKnowledge(storage, 'u1', '用户用什么数据库？'); // [['用户', '使用', 'PostgreSQL'], ...]
 * await retrieveRelevantKnowledge(storage, 'u1', 'coffee', { topK: 3, withScores: true });
 * ```
 */
export function retrieveRelevantKnowledge(
  storage: LongTermStorage,
  userId: string,
  query: string,
  options?: number | (RetrieveOptions & { withScores?: false }),
): Promise<Triple[]>;
export function retrieveRelevantKnowledge(
  storage: LongTermStorage,
  userId: string,
  query: string,
  options: RetrieveOptions & { withScores: true },
): Promise<ScoredTriple[]>;
export async function retrieveRelevantKnowledge(
  storage: LongTermStorage,
  userId: string,
  query: string,
  options: number | RetrieveOptions = {},
): Promise<Triple[] | ScoredTriple[]> {
  const opts: RetrieveOptions = typeof options === 'number' ? { topK: options } : options;
  const index = await loadTripleIndex(storage, userId, opts.cache);
  const results = index.search(query ?? '', opts.topK ?? 5, { includeEnded: opts.includeEnded });
  return opts.withScores ? results : results.map((r) => r.triple);
}

/**
 * The search index of a user's triples as stored now, from `cache` (default: the shared
 * cache) or, with `cache: false`, freshly fetched and built.
 */
export async function loadTripleIndex(storage: LongTermStorage, userId: string, cache?: KnowledgeIndexCache | false): Promise<TripleIndex> {
  const key = knowledgeKey(userId);
  if (cache === false) {
    const bytes = await storage.getObject(key);
    return new TripleIndex(bytes === null ? [] : parseTriples(bytes, { key }));
  }
  return (cache ?? defaultKnowledgeIndexCache).get(storage, key);
}

/**
 * The original's retrieval, for comparison and as a fallback: triples whose `"s p o"` contains
 * the whole query as a case-insensitive substring, in file order, at most `topK`; an empty
 * query returns the first `topK`.
 */
export function substringRetrieve(triples: readonly Triple[], query: string, topK = 5): Triple[] {
  if (!query) return triples.slice(0, topK);
  const q = query.toLowerCase();
  const out: Triple[] = [];
  for (const t of triples) {
    if (out.length >= topK) break;
    if (`${t[0]} ${t[1]} ${t[2]}`.toLowerCase().includes(q)) out.push(t);
  }
  return out;
}
