import { InvalidInputError } from '@memory/errors';

/**
 * What turns texts into vectors for the knowledge index. Implementations:
 * {@link createOpenAICompatibleEmbeddingProvider} (OpenAI, DashScope, Ollama, ...),
 * {@link createAiSdkEmbeddingProvider} (any AI SDK embedding model) and
 * {@link createHashingEmbedder} (offline, deterministic, lexical).
 *
 * @example
 * ```ts
 * const provider: EmbeddingProvider = createHashingEmbedder({ dimensions: 256 });
 * const [v] = await provider.embed(['用户喜欢喝咖啡']); // v.length === 256
 * ```
 */
export interface EmbeddingProvider {
  /** Length of every vector `embed` returns. */
  readonly dimensions: number;
  /**
   * A name for the model and its settings, stored beside each vector so vectors from another
   * model are recognised as stale. Optional; default `"unknown"`.
   */
  readonly modelId?: string;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}

/**
 * Throws `InvalidInputError` unless `vectors` holds one finite vector of `dimensions` numbers
 * per text: a provider that answers with the wrong shape would otherwise corrupt the index.
 */
export function checkEmbeddings(vectors: unknown, count: number, dimensions: number, source: string): number[][] {
  if (!Array.isArray(vectors) || vectors.length !== count) {
    throw new InvalidInputError(
      `[memory/knowledge-index] ${source} returned ${Array.isArray(vectors) ? vectors.length : 'no'} embeddings for ${count} texts`,
    );
  }
  for (const [i, v] of vectors.entries()) {
    if (!Array.isArray(v) || v.length !== dimensions) {
      throw new InvalidInputError(
        `[memory/knowledge-index] ${source} returned an embedding of ${Array.isArray(v) ? v.length : 'no'} dimensions at ${i}, expected ${dimensions}: set dimensions to the model's`,
        { details: { index: i, expected: dimensions } },
      );
    }
    if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new InvalidInputError(`[memory/knowledge-index] ${source} returned a non-finite number in embedding ${i}`, {
        details: { index: i },
      });
    }
  }
  return vectors as number[][];
}
