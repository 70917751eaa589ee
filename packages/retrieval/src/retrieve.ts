import type { LongTermStorage } from '@memory/longterm-core';
import { knowledgeKey } from '@memory/longterm-core';
import { KnowledgeIndexCache } from './index-cache.js';
import { asksAboutPast } from './past-intent.js';
import { buildVocabulary, type Bridge } from './query-expansion.js';
import { defaultRetrieverData, type RetrieverData } from './retriever-data.js';
import { Tokenizer, type Segmenter } from './tokenize.js';
import { DEFAULT_MAX_KNOWLEDGE_BYTES, type SkippedLine, type Triple } from '@memory/semantics';
import { parseSharedTriples } from './share-fields.js';
import { applyReranker, type Reranker } from './rerank.js';
import { TripleIndex, type Analyzer, type ScoredTriple } from './triple-index.js';
import { DEFAULT_WEIGHTS, type RetrieverWeights } from './weights.js';
/** One hit of a vector search (see {@link VectorSearch}). */
export interface VectorHit {
  /** The triple's identity hash (`tripleIdentityHash` of `@memory/semantics`). */
  identity: string;
  /** Its position in the stored list when the vector index last saw it (a hint). */
  position: number;
  /** Cosine similarity to the question. */
  similarity: number;
}

/**
 * A vector search over a user's triples, such as the PostgreSQL knowledge index of
 * `@memory/knowledge-index`: what hybrid retrieval fuses with BM25.
 */
export interface VectorSearch {
  search(userId: string, query: string, limit: number): Promise<VectorHit[]>;
}

/**
 * A sentence-similarity channel computed in process, such as `gloveSimilarity()` of
 * `@memory/retrieval-glove` (averaged word vectors): what `createRetriever({ similarity })`
 * fuses with BM25 on every question.
 */
export interface Similarity {
  /**
   * Prepares the texts (`"subject predicate object"`) of one index's triples, in order: called
   * once per index, at its first question, and kept with it.
   */
  index(texts: readonly string[]): SimilarityIndex;
}

/** The prepared texts of one index (see {@link Similarity}). */
export interface SimilarityIndex {
  /**
   * The question's similarity to each text, in the order given (`NaN` where the channel knows
   * nothing of a text); undefined when it knows nothing of the question.
   */
  score(query: string): ArrayLike<number> | undefined;
}

/** Options of {@link retrieveRelevantKnowledge}. */
export interface RetrieveOptions {
  /** How many triples at most (default 5). */
  topK?: number;
  /** Return {@link ScoredTriple}s (triple, score, exact, ended, position) instead of triples. */
  withScores?: boolean;
  /** Include superseded triples (after all current ones). Default `true`. */
  includeEnded?: boolean;
  /**
   * Where parsed indexes are kept between calls (default: the retriever's own cache); `false`
   * to fetch and index every time.
   */
  cache?: KnowledgeIndexCache | false;
  /** The retriever to use (default: one with the shipped data and weights, made on first use). */
  retriever?: Retriever;
  /**
   * A vector search, such as the PostgreSQL knowledge index of `@memory/knowledge-index`: ranks
   * by BM25 fused with vector similarity (where a hit stands out from the others). Without it,
   * ranking is lexical only.
   */
  knowledgeIndex?: VectorSearch;
  /**
   * Skip lines that are not JSON instead of failing (a chat turn should not break on one bad
   * line); they are passed to `onSkip` when the object is parsed.
   */
  tolerant?: boolean;
  /** Called for each skipped line when the stored object is parsed. */
  onSkip?: (skipped: SkippedLine) => void;
  /** How many candidates each ranking contributes to the fusion (default `max(50, 5 × topK)`). */
  candidates?: number;
}

/** Options of {@link createRetriever}: data texts replacing the shipped ones, weights, cache. */
export interface RetrieverOptions extends Partial<RetrieverData> {
  /** Weights and boosts overriding {@link DEFAULT_WEIGHTS}, one by one. */
  weights?: Partial<RetrieverWeights>;
  /** Where the retriever keeps parsed indexes (default: a new {@link KnowledgeIndexCache} of its own). */
  cache?: KnowledgeIndexCache;
  /**
   * Applied to the best `rerankCandidates` of every non-empty question; its order is final (see
   * {@link Reranker}, {@link createAiSdkReranker}). Default: none.
   */
  rerank?: Reranker;
  /** How many candidates the reranker sees (default 20, at least `topK`). */
  rerankCandidates?: number;
  /**
   * The word segmenter for Chinese/Japanese text (default `Intl.Segmenter`); see `withOffsets`
   * for a dictionary segmenter such as `@node-rs/jieba`.
   */
  segmenter?: Segmenter;
  /**
   * A bilingual dictionary the question's words are also looked up in (see {@link Bridge}),
   * such as `cedictBridge()` of `@memory/retrieval-cedict`; its translations count at the
   * `bridge` weight. Default: none.
   */
  bridge?: Bridge;
  /**
   * Related words the question's words are also looked up in, best first (see {@link Bridge}),
   * such as nearest neighbours in a word-vector space; the first `relatedPerTerm` the triples
   * hold count at the `related` weight. Default: none.
   */
  related?: Bridge;
  /**
   * A sentence-similarity channel (see {@link Similarity}), such as `gloveSimilarity()` of
   * `@memory/retrieval-glove`: every triple's similarity to the question is added to its BM25
   * score where it stands out from the other triples' (weights `similarity`,
   * `similarityZFloor`, `similarityZSpan`), in `retrieve` (not in `index().search`). A call
   * with `knowledgeIndex` uses that instead. Default: none.
   */
  similarity?: Similarity;
}

/**
 * Lexical retrieval over users' triples with one vocabulary and one set of weights. Holds its
 * parsed vocabulary, its tokenizer's memo and its index cache; nothing is shared between
 * retrievers.
 */
export interface Retriever extends Analyzer {
  /** The cache of parsed indexes this retriever uses unless a call passes another. */
  readonly cache: KnowledgeIndexCache;
  /**
   * The triples most relevant to a question, best first (see {@link retrieveRelevantKnowledge}
   * for the ranking).
   */
  retrieve(
    storage: LongTermStorage,
    userId: string,
    query: string,
    options?: number | (Omit<RetrieveOptions, 'retriever'> & { withScores?: false }),
  ): Promise<Triple[]>;
  retrieve(
    storage: LongTermStorage,
    userId: string,
    query: string,
    options: Omit<RetrieveOptions, 'retriever'> & { withScores: true },
  ): Promise<ScoredTriple[]>;
  /** An index over triples already in memory (searched with `index.search(query, topK)`). */
  index(triples: readonly Triple[]): TripleIndex;
  /** The index of a user's triples as stored now, from the cache (or freshly with `cache: false`). */
  load(
    storage: LongTermStorage,
    userId: string,
    options?: { cache?: KnowledgeIndexCache | false; tolerant?: boolean; onSkip?: (skipped: SkippedLine) => void },
  ): Promise<TripleIndex>;
  /** Empties the index cache and the tokenizer's memo (for cold-start benchmarks, or to free memory). */
  clearCaches(): void;
}

/**
 * A retriever with the shipped vocabulary (`data/`), or with the data texts and weights given.
 * A data field replaces the shipped text; pass both to extend it. Parses the vocabulary now
 * (a few milliseconds); an invalid data text throws here, not at the first question.
 *
 * @throws {InvalidInputError} when a data text does not follow its format.
 * @example
 * ```ts
 * const defaults = defaultRetrieverData();
 * const retriever = createRetriever({
 *   synonyms: [defaults.synonyms, 'sourdough, levain, 酸面包'],
 *   weights: { synonym: 0.6 },
 * });
 * await retriever.retrieve(storage, 'u1', '她烤什么面包');
 * ```
 */
export function createRetriever(options: RetrieverOptions = {}): Retriever {
  const {
    weights,
    cache: ownCache,
    rerank,
    rerankCandidates,
    segmenter,
    bridge,
    related,
    similarity,
    ...data
  } = options;
  const defaults = defaultRetrieverData();
  const tokenizer = new Tokenizer({ segmenter });
  const vocabulary = buildVocabulary({ ...defaults, ...stripUndefined(data) }, tokenizer, bridge, related);
  const analyzer: Analyzer = {
    vocabulary,
    weights: Object.freeze({ ...DEFAULT_WEIGHTS, ...stripUndefined(weights ?? {}) }),
  };
  const cache = ownCache ?? new KnowledgeIndexCache();
  // The similarity channel's prepared texts, per index (dropped with it).
  const prepared = new WeakMap<TripleIndex, SimilarityIndex>();
  const prepare = (index: TripleIndex, channel: Similarity) => {
    let p = prepared.get(index);
    if (!p) {
      p = channel.index(index.triples.map((t) => `${t[0]} ${t[1]} ${t[2]}`));
      prepared.set(index, p);
    }
    return p;
  };
  const load: Retriever['load'] = async (storage, userId, opts = {}) => {
    const key = knowledgeKey(userId);
    const use = opts.cache ?? cache;
    if (use === false) {
      const bytes = await storage.getObject(key, { maxBytes: DEFAULT_MAX_KNOWLEDGE_BYTES });
      return new TripleIndex(
        bytes === null ? [] : parseSharedTriples(bytes, { key, tolerant: opts.tolerant, onSkip: opts.onSkip }),
        analyzer,
      );
    }
    return use.get(storage, key, analyzer, { tolerant: opts.tolerant, onSkip: opts.onSkip });
  };
  const retriever: Retriever = {
    ...analyzer,
    cache,
    load,
    index: (triples) => new TripleIndex(triples, analyzer),
    clearCaches: () => {
      cache.clear();
      tokenizer.clearCaches();
    },
    retrieve: (async (
      storage: LongTermStorage,
      userId: string,
      query: string,
      options: number | RetrieveOptions = {},
    ) => {
      const opts: RetrieveOptions = typeof options === 'number' ? { topK: options } : options;
      const index = await load(storage, userId, { cache: opts.cache, tolerant: opts.tolerant, onSkip: opts.onSkip });
      const topK = opts.topK ?? 5;
      const n = rerank && query ? Math.max(topK, rerankCandidates ?? 20) : topK;
      let results =
        opts.knowledgeIndex && query
          ? await hybridSearch(index, analyzer.weights, userId, query, n, opts.knowledgeIndex, opts)
          : similarity && query
            ? similaritySearch(index, analyzer.weights, query, n, prepare(index, similarity), opts)
            : index.search(query ?? '', n, { includeEnded: opts.includeEnded });
      if (rerank && query) results = (await applyReranker(rerank, query, results)).slice(0, topK);
      return opts.withScores ? results : results.map((r) => r.triple);
    }) as Retriever['retrieve'],
  };
  return retriever;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// The retriever of `retrieveRelevantKnowledge` calls that name none: made on first use, with
// the shipped data. Callers wanting their own vocabulary, weights or cache pass `retriever`.
let shared: Retriever | undefined;

/**
 * The triples most relevant to a question in Chinese, English or both, best first.
 *
 * Lexical retrieval: CJK-aware tokens (`Intl.Segmenter` words plus character bigrams), NFKC and
 * case folding, light English stemming, BM25. Triples matching the original's rule (the whole
 * query as a case-insensitive substring of `"s p o"`) come first in file order, so any query
 * the original answered returns the same triples first; an empty query returns the first
 * `topK`, as the original did. Superseded triples (with an `endTime`) never outrank current
 * ones, unless the question asks about the past ("where did she live before", "以前"). The parsed index is cached per key and etag: a repeated query costs one `headObject`.
 * For hybrid (BM25 + vector) ranking see `retrieveHybridKnowledge`.
 *
 * Accepts a number as the fourth argument (`topK`), like the original's `top_k`. Uses
 * `options.retriever` when given (see {@link createRetriever}), else one with the shipped
 * vocabulary, made on first use.
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
  const retriever = opts.retriever ?? (shared ??= createRetriever());
  return retriever.retrieve(storage, userId, query, opts as RetrieveOptions & { withScores: true });
}

/**
 * BM25 and vector rankings fused by score, so that an embedder which does not understand the
 * question cannot drown the lexical ranking:
 *
 * - the lexical side is each BM25 score divided by the best one (0–1);
 * - the vector side counts only where it stands out: a hit whose similarity is more than
 *   `vectorZFloor` (1) standard deviations above the mean of the hits adds up to
 *   `vector` (0.5), reached `vectorZSpan` (2) deviations higher (see `RetrieverWeights`). A flat ranking (a
 *   model that sees noise) adds nothing; a clear semantic match ranks above weak lexical ones;
 * - the remaining vector hits follow in similarity order, so a user with `topK` triples gets
 *   `topK` results, as from the vector search alone (superseded triples still after all
 *   current ones).
 *
 * Measured with `eval/hybrid-report.ts` (recall@5 over 685 questions, lexical 0.922): reciprocal
 * rank fusion with equal weights gave 0.753 with the hashing embedder and 0.701 with an
 * English-only neural model (Chinese questions about Chinese triples fell from 0.915 to 0.521);
 * this fusion gives 0.908 and 0.928 (those Chinese questions 0.905), and keeps the neural
 * model's gain on English questions about English triples.
 * The same guarantees as lexical search hold: current before superseded (unless the question
 * asks about the past), the original's substring matches first. Vector hits whose triple is no
 * longer stored are dropped.
 */
async function hybridSearch(
  index: TripleIndex,
  weights: Readonly<RetrieverWeights>,
  userId: string,
  query: string,
  topK: number,
  knowledgeIndex: VectorSearch,
  opts: RetrieveOptions,
): Promise<ScoredTriple[]> {
  const n = Math.max(opts.candidates ?? 50, topK * 5);
  const includeEnded = opts.includeEnded ?? true;
  const [lexical, hits] = await Promise.all([
    Promise.resolve(index.search(query, n, { includeEnded })),
    knowledgeIndex.search(userId, query, n),
  ]);
  const past = asksAboutPast(query);
  const best = lexical.reduce((max, r) => Math.max(max, r.score), 0);
  const fused = new Map<number, ScoredTriple>();
  for (const r of lexical) fused.set(r.position, { ...r, score: best > 0 ? r.score / best : 0 });
  const mean = hits.reduce((sum, h) => sum + h.similarity, 0) / Math.max(1, hits.length);
  const deviation = Math.sqrt(hits.reduce((sum, h) => sum + (h.similarity - mean) ** 2, 0) / Math.max(1, hits.length));
  // Hits that add nothing, in similarity order: they come after every scored triple.
  const rest: ScoredTriple[] = [];
  for (const hit of hits) {
    const position = index.positionOf(hit.identity, hit.position);
    if (position === undefined) continue;
    const triple = index.triples[position]!;
    const ended = typeof triple[3]?.endTime === 'string';
    if (ended && !includeEnded) continue;
    const z = deviation > 0 ? (hit.similarity - mean) / deviation : 0;
    const boost = weights.vector * Math.min(1, Math.max(0, (z - weights.vectorZFloor) / weights.vectorZSpan));
    const seen = fused.get(position);
    if (seen) seen.score += boost;
    else if (boost > 0) fused.set(position, { triple, score: boost, exact: false, ended, position });
    else rest.push({ triple, score: 0, exact: false, ended, position });
  }
  return order([...fused.values()], rest, past, topK);
}

/**
 * The fused triples by score (the original's substring matches first, current before superseded
 * unless the question asks about the past), then `rest` (in its order) where they run out.
 */
function order(fused: ScoredTriple[], rest: ScoredTriple[], past: boolean, topK: number): ScoredTriple[] {
  const ranked = fused.sort(
    (a, b) =>
      (past ? 0 : Number(a.ended) - Number(b.ended)) ||
      Number(b.exact) - Number(a.exact) ||
      (a.exact && b.exact ? a.position - b.position : b.score - a.score || a.position - b.position),
  );
  if (past) return [...ranked, ...rest].slice(0, topK);
  // Superseded triples after every current one, the rest included.
  const current = (r: ScoredTriple) => !r.ended;
  const superseded = (r: ScoredTriple) => r.ended;
  return [
    ...ranked.filter(current),
    ...rest.filter(current),
    ...ranked.filter(superseded),
    ...rest.filter(superseded),
  ].slice(0, topK);
}

/**
 * BM25 fused with an in-process similarity channel (see {@link Similarity}), as
 * {@link hybridSearch} with a vector search, except that the channel scores every triple: the
 * lexical side is each BM25 score divided by the best one (0–1); a triple whose similarity is
 * more than `similarityZFloor` (2) standard deviations above the mean of all the triples' adds
 * up to `similarity` (0.5), reached `similarityZSpan` (2) deviations higher; where the lexical
 * candidates and the boosted triples run out, the others follow by similarity. Measured on every
 * seen evaluation set (README, "A sentence-similarity channel").
 */
function similaritySearch(
  index: TripleIndex,
  weights: Readonly<RetrieverWeights>,
  query: string,
  topK: number,
  channel: SimilarityIndex,
  opts: RetrieveOptions,
): ScoredTriple[] {
  const n = Math.max(opts.candidates ?? 50, topK * 5);
  const includeEnded = opts.includeEnded ?? true;
  const lexical = index.search(query, n, { includeEnded });
  const scores = channel.score(query);
  if (!scores) return lexical.slice(0, topK);
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    count++;
    sum += s;
    squares += s * s;
  }
  if (count === 0) return lexical.slice(0, topK);
  const mean = sum / count;
  const deviation = Math.sqrt(Math.max(0, squares / count - mean * mean));
  const best = lexical.reduce((max, r) => Math.max(max, r.score), 0);
  const fused = new Map<number, ScoredTriple>();
  for (const r of lexical) fused.set(r.position, { ...r, score: best > 0 ? r.score / best : 0 });
  const ended = (position: number) => typeof index.triples[position]![3]?.endTime === 'string';
  if (deviation > 0) {
    for (let position = 0; position < scores.length; position++) {
      const z = (scores[position]! - mean) / deviation;
      if (!(z > weights.similarityZFloor)) continue;
      if (!includeEnded && ended(position)) continue;
      const boost = weights.similarity * Math.min(1, (z - weights.similarityZFloor) / weights.similarityZSpan);
      const seen = fused.get(position);
      if (seen) seen.score += boost;
      else
        fused.set(position, {
          triple: index.triples[position]!,
          score: boost,
          exact: false,
          ended: ended(position),
          position,
        });
    }
  }
  // The others by similarity, only where the fused triples that come first are fewer than asked for.
  const past = asksAboutPast(query);
  let first = 0;
  for (const r of fused.values()) if (past || !r.ended) first++;
  const rest: ScoredTriple[] = [];
  if (first < topK) {
    const others: number[] = [];
    for (let position = 0; position < scores.length; position++)
      if (!Number.isNaN(scores[position]!) && !fused.has(position) && (includeEnded || !ended(position)))
        others.push(position);
    others.sort((a, b) => scores[b]! - scores[a]! || a - b);
    for (const position of others.slice(0, topK))
      rest.push({ triple: index.triples[position]!, score: 0, exact: false, ended: ended(position), position });
  }
  return order([...fused.values()], rest, past, topK);
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
