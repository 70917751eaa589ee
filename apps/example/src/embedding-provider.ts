import { ConfigurationError, InvalidInputError } from '@memory/errors';
import { createOpenAICompatibleEmbeddingProvider, type EmbeddingProvider } from '@memory/embeddings';
import { createHashingEmbedder } from '@memory/knowledge-index';
import type { EmbeddingConfig } from './config.js';

/**
 * The embedding service the app calls failed (unreachable, 5xx after retries, timed out, or it
 * refused the service's key or model): the HTTP answer is 502 `EMBEDDING_UPSTREAM_FAILED`, naming
 * the upstream by model and host (never its key or URL credentials).
 */
export class EmbeddingUpstreamError extends Error {
  /** The HTTP status the error handler answers with. */
  readonly statusCode = 502;
  /** The error code of the HTTP answer. */
  readonly code = 'EMBEDDING_UPSTREAM_FAILED';
  /** The upstream, safe to show: model and host. */
  readonly upstream: string;
  /** The upstream's HTTP status, when it answered. */
  readonly status?: number;
  constructor(upstream: string, reason: string, options?: { status?: number }) {
    super(`the embedding service (${upstream}) failed: ${reason}`);
    this.name = 'EmbeddingUpstreamError';
    this.upstream = upstream;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** The host of a URL without its credentials (`user:pw@host` → `host`), or `unknown host`. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || 'unknown host';
  } catch {
    return 'unknown host';
  }
}

/** An embedding provider as the app uses it: with its dimension and a name safe to log. */
export type AppEmbeddingProvider = EmbeddingProvider & { readonly description: string };

/**
 * The provider the configuration names: the local hashing embedder of `@memory/knowledge-index`
 * (no model, no network; lexical, enough for the demo and tests) or any OpenAI-compatible
 * `/embeddings` endpoint (OpenAI, DashScope, vLLM, Ollama, …) from `@memory/embeddings`.
 */
export function createEmbeddingProvider(config: EmbeddingConfig): AppEmbeddingProvider {
  if (config.kind === 'hashing') {
    return Object.assign(createHashingEmbedder({ dimensions: config.dimensions }), {
      description: 'hashing (local, lexical)',
    });
  }
  if (config.kind === 'openai-compatible') {
    const provider = createOpenAICompatibleEmbeddingProvider({
      baseURL: config.url,
      model: config.model,
      dimensions: config.dimensions,
      ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    });
    const upstream = `${config.model} at ${hostOf(config.url)}`;
    return {
      dimensions: provider.dimensions,
      ...(provider.modelId !== undefined ? { modelId: provider.modelId } : {}),
      description: `openai-compatible ${config.model}`,
      async embed(texts) {
        try {
          return await provider.embed(texts);
        } catch (error) {
          // The upstream refused this input (a non-retryable 4xx, e.g. a text too long): the client's to fix.
          if (InvalidInputError.isInstance(error)) throw error;
          const details = (error as { details?: { status?: unknown } }).details;
          const status = typeof details?.status === 'number' ? details.status : undefined;
          // The package's messages are already scrubbed of the key; drop its tag.
          const reason = (error instanceof Error ? error.message : String(error)).replace(/^\[memory\/[\w-]+\]\s*/, '');
          throw new EmbeddingUpstreamError(upstream, reason, status === undefined ? {} : { status });
        }
      },
    };
  }
  throw new ConfigurationError(
    `[memory/example] unknown embedding provider ${JSON.stringify((config as { kind: string }).kind)}`,
  );
}

/**
 * True for the zero vector, which the hashing embedder gives a text without words ("?", "…"):
 * it has no direction, so it is neither stored nor searched with.
 */
export function isZeroVector(vector: readonly number[]): boolean {
  return vector.every((x) => x === 0);
}
