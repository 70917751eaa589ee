import { ConfigurationError } from '@memory/errors';
import { createOpenAICompatibleEmbeddingProvider, type EmbeddingProvider } from '@memory/embeddings';
import { createHashingEmbedder } from '@memory/knowledge-index';
import type { EmbeddingConfig } from './config.js';

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
    return Object.assign(provider, { description: `openai-compatible ${config.model}` });
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
