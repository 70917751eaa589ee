import { ConfigurationError } from '@memory/errors';
import { checkEmbeddings, type EmbeddingProvider } from './embedding-provider.js';

/**
 * An AI SDK embedding model: a model object from a provider package
 * (`openai.embedding('text-embedding-3-small')`) or a gateway model id string. Typed loosely so
 * this package's types do not depend on the optional `ai` package.
 */
export type AiSdkEmbeddingModel = string | object;

/** Options of {@link createAiSdkEmbeddingProvider}. */
export interface AiSdkEmbeddingProviderOptions {
  /** The AI SDK embedding model. */
  model: AiSdkEmbeddingModel;
  /** The model's vector length (checked on every answer). */
  dimensions: number;
  /** Ask the model for this many dimensions (models that support shortening). Default: not sent. */
  requestDimensions?: boolean;
  /** Passed to `embedMany`. */
  maxParallelCalls?: number;
  /** Passed to `embedMany` (AI SDK default 2). */
  maxRetries?: number;
  /** Passed to `embedMany`. */
  providerOptions?: Record<string, Record<string, unknown>>;
  /** Passed to `embedMany`. */
  headers?: Record<string, string>;
  /** Stored beside vectors to recognise stale ones; default from the model's `provider`/`modelId`. */
  modelId?: string;
  /** `embedMany` to use instead of importing `ai` (tests, or a pinned copy). */
  embedMany?: (options: Record<string, unknown>) => Promise<{ embeddings: number[][] }>;
}

type EmbedMany = NonNullable<AiSdkEmbeddingProviderOptions['embedMany']>;

/**
 * Wraps an AI SDK embedding model as an {@link EmbeddingProvider}, calling `embedMany` (which
 * splits into the model's batch size and retries). `ai` is an optional peer dependency, loaded
 * on first use.
 *
 * @throws ConfigurationError on first use when the `ai` package is not installed.
 * @example
 * ```ts
 * import { openai } from '@ai-sdk/openai';
 * const provider = createAiSdkEmbeddingProvider({ model: openai.embedding('text-embedding-3-small'), dimensions: 1536 });
 * ```
 */
export function createAiSdkEmbeddingProvider(options: AiSdkEmbeddingProviderOptions): EmbeddingProvider {
  let embedMany: EmbedMany | undefined = options.embedMany;
  const model = options.model as { provider?: string; modelId?: string };
  const modelId =
    options.modelId ??
    (typeof options.model === 'string' ? options.model : `${model.provider ?? 'ai-sdk'}:${model.modelId ?? 'unknown'}`);
  return {
    dimensions: options.dimensions,
    modelId,
    async embed(texts) {
      if (texts.length === 0) return [];
      if (!embedMany) {
        try {
          embedMany = (await import('ai')).embedMany as unknown as EmbedMany;
        } catch (cause) {
          throw new ConfigurationError(
            '[memory/knowledge-index] the AI SDK embedding provider needs the "ai" package: pnpm add ai',
            { cause },
          );
        }
      }
      const { embeddings } = await embedMany({
        model: options.model,
        values: texts,
        ...(options.requestDimensions ? { dimensions: options.dimensions } : {}),
        ...(options.maxParallelCalls !== undefined ? { maxParallelCalls: options.maxParallelCalls } : {}),
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
        ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
      });
      return checkEmbeddings(embeddings, texts.length, options.dimensions, `AI SDK model ${modelId}`);
    },
  };
}
