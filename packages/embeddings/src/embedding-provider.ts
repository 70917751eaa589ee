import { InvalidInputError } from '@memory/errors';

/**
 * What turns texts into vectors: the one embedding contract of every `@memory` package (message
 * search in `@memory/conversations`, the knowledge index of `@memory/knowledge-index`, the
 * `embeddings` option of `@memory/ai-sdk` and `@memory/mcp`). Implementations:
 * `createOpenAICompatibleEmbeddingProvider` (OpenAI, DashScope, Ollama, ...),
 * `createAiSdkEmbeddingProvider` (any AI SDK embedding model), `createHashingEmbedder` of
 * `@memory/knowledge-index` (offline, deterministic, lexical), or any object of this shape.
 *
 * @example
 * ```ts
 * const provider: EmbeddingProvider = {
 *   dimensions: 3,
 *   modelId: 'my-model-v1',
 *   embed: async (texts) => texts.map((t) => [t.length, 1, 0]),
 * };
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
 * per text: a provider that answers with the wrong shape would otherwise corrupt an index.
 * `source` names the provider in the message. Returns `vectors`, typed.
 *
 * @example
 * ```ts
 * const vectors = checkEmbeddings(await callMyModel(texts), texts.length, 768, 'my model');
 * ```
 */
export function checkEmbeddings(vectors: unknown, count: number, dimensions: number, source: string): number[][] {
  if (!Array.isArray(vectors) || vectors.length !== count) {
    throw new InvalidInputError(
      `[memory/embeddings] ${source} returned ${Array.isArray(vectors) ? vectors.length : 'no'} embeddings for ${count} texts`,
    );
  }
  for (const [i, v] of vectors.entries()) {
    if (!Array.isArray(v) || v.length !== dimensions) {
      throw new InvalidInputError(
        `[memory/embeddings] ${source} returned an embedding of ${Array.isArray(v) ? v.length : 'no'} dimensions at ${i}, expected ${dimensions}: set dimensions to the model's`,
        { details: { index: i, expected: dimensions } },
      );
    }
    if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new InvalidInputError(`[memory/embeddings] ${source} returned a non-finite number in embedding ${i}`, {
        details: { index: i },
      });
    }
  }
  return vectors as number[][];
}
