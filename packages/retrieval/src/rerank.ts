import { ConfigurationError, InvalidInputError } from '@memory/errors';
import type { ScoredTriple } from './triple-index.js';

/**
 * Reorders the best candidates of a search for a question: a cross-encoder, an LLM judge, or
 * anything else that reads question and triples. It receives the candidates in the retriever's
 * order and returns them (all or some) in its own; its order is final. It may set `score`.
 * Returning a candidate it was not given fails with `InvalidInputError`.
 */
export type Reranker = (
  query: string,
  candidates: readonly ScoredTriple[],
) => readonly ScoredTriple[] | Promise<readonly ScoredTriple[]>;

/** Applies a reranker to candidates, checking that it returned only candidates it was given. */
export async function applyReranker(
  rerank: Reranker,
  query: string,
  candidates: readonly ScoredTriple[],
): Promise<ScoredTriple[]> {
  if (candidates.length === 0) return [];
  const given = new Set(candidates.map((c) => c.position));
  const out = [...(await rerank(query, candidates))];
  for (const r of out) {
    if (!given.has(r?.position)) {
      throw new InvalidInputError(
        '[memory/retrieval] the reranker returned a triple that was not among its candidates; return (a subset of) the candidates it receives',
      );
    }
  }
  return out;
}

/** Options of {@link createAiSdkReranker}. */
export interface AiSdkRerankerOptions {
  /** An AI SDK reranking model (`cohere.reranking('rerank-v3.5')`, ...). */
  model: object;
  /** Passed to `rerank` (AI SDK default 2). */
  maxRetries?: number;
  /** Passed to `rerank`. */
  providerOptions?: Record<string, Record<string, unknown>>;
  /** Passed to `rerank`. */
  headers?: Record<string, string>;
  /** `rerank` to use instead of importing `ai` (tests, or a pinned copy). */
  rerank?: (options: Record<string, unknown>) => Promise<{ ranking: { originalIndex: number; score: number }[] }>;
}

/**
 * A {@link Reranker} backed by an AI SDK reranking model (the `rerank` function of `ai` ≥ 6,
 * an optional peer dependency). Each triple is sent as the text `"subject predicate object"`;
 * the model's relevance score replaces the retriever's.
 *
 * @throws {ConfigurationError} at the first call when the `ai` package is not installed.
 * @example
 * ```ts
 * import { cohere } from '@ai-sdk/cohere';
 * const retriever = createRetriever({ rerank: createAiSdkReranker({ model: cohere.reranking('rerank-v3.5') }) });
 * ```
 */
export function createAiSdkReranker(options: AiSdkRerankerOptions): Reranker {
  let rerank = options.rerank;
  return async (query, candidates) => {
    if (!rerank) {
      try {
        rerank = (await import('ai')).rerank as unknown as NonNullable<AiSdkRerankerOptions['rerank']>;
      } catch (cause) {
        throw new ConfigurationError('[memory/retrieval] the AI SDK reranker needs the "ai" package: pnpm add ai', {
          cause,
        });
      }
    }
    const { ranking } = await rerank({
      model: options.model,
      query,
      documents: candidates.map((c) => `${c.triple[0]} ${c.triple[1]} ${c.triple[2]}`),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
      ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    return ranking
      .filter((r) => candidates[r.originalIndex] !== undefined)
      .map((r) => ({ ...candidates[r.originalIndex]!, score: r.score }));
  };
}
