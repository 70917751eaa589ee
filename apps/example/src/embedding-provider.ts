import { createHash } from 'node:crypto';
import type { EmbeddingProvider } from '@memory/conversations';
import { ConfigurationError, InvalidInputError, MemoryError } from '@memory/errors';
import { tokenize } from '@memory/semantics';
import type { EmbeddingConfig } from './config.js';

/** An {@link EmbeddingProvider} that also says its dimension and what it is (for /health and logs). */
export interface AppEmbeddingProvider extends EmbeddingProvider {
  readonly dimensions: number;
  /** `hashing` or `openai-compatible <model>`: safe to log. */
  readonly description: string;
}

/**
 * Local feature hashing: each token of `tokenize` (CJK-aware, stemmed) adds ±1 to a bucket
 * chosen by its hash, and the vector is normalized. No model, no network: texts sharing words
 * land near each other, which is enough for the demo and for tests. Use a real model in production.
 */
export function createHashingEmbedder(dimensions: number): AppEmbeddingProvider {
  const embedOne = (text: string): number[] => {
    const v = new Array<number>(dimensions).fill(0);
    for (const token of tokenize(text)) {
      const h = createHash('sha1').update(token).digest();
      const bucket = h.readUInt32BE(0) % dimensions;
      v[bucket]! += (h[4]! & 1) === 0 ? 1 : -1;
    }
    const norm = Math.hypot(...v);
    // An empty text (or only stop words) still needs a valid, non-zero vector for cosine distance.
    if (norm === 0) {
      v[0] = 1;
      return v;
    }
    return v.map((x) => x / norm);
  };
  return {
    dimensions,
    description: 'hashing',
    embed: async (texts) => texts.map(embedOne),
  };
}

/** Options of {@link createOpenAICompatibleEmbedder}. */
export interface OpenAICompatibleOptions {
  /** Base URL of the API, e.g. `https://api.openai.com/v1` (the `/embeddings` path is added). */
  url: string;
  model: string;
  dimensions: number;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Qwen/DashScope
 * compatible mode, vLLM, Ollama, …). Asks for `dimensions` and checks what comes back.
 */
export function createOpenAICompatibleEmbedder(options: OpenAICompatibleOptions): AppEmbeddingProvider {
  const endpoint = `${options.url.replace(/\/+$/, '')}/embeddings`;
  const doFetch = options.fetch ?? fetch;
  return {
    dimensions: options.dimensions,
    description: `openai-compatible ${options.model}`,
    async embed(texts) {
      if (texts.length === 0) return [];
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          },
          body: JSON.stringify({ model: options.model, input: texts, dimensions: options.dimensions }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (cause) {
        throw new MemoryError(`[memory/example] embedding request to ${endpoint} failed: check MEMORY_EMBEDDING_URL`, { cause });
      }
      if (!response.ok) {
        throw new MemoryError(`[memory/example] embedding endpoint ${endpoint} answered ${response.status}: check the model name and API key`, {
          details: { status: response.status },
        });
      }
      const body = (await response.json()) as { data?: Array<{ embedding?: number[]; index?: number }> };
      const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      const vectors = data.map((d) => d.embedding ?? []);
      if (vectors.length !== texts.length || vectors.some((v) => v.length !== options.dimensions)) {
        throw new InvalidInputError(
          `[memory/example] ${endpoint} returned ${vectors.length} vectors of length ${vectors[0]?.length ?? 0}, expected ${texts.length} of ${options.dimensions}: set MEMORY_EMBEDDING_DIMENSIONS to the model's dimension`,
        );
      }
      return vectors;
    },
  };
}

/** The provider the configuration names. */
export function createEmbeddingProvider(config: EmbeddingConfig): AppEmbeddingProvider {
  if (config.kind === 'hashing') return createHashingEmbedder(config.dimensions);
  if (config.kind === 'openai-compatible') {
    return createOpenAICompatibleEmbedder({ url: config.url, model: config.model, dimensions: config.dimensions, ...(config.apiKey ? { apiKey: config.apiKey } : {}) });
  }
  throw new ConfigurationError(`[memory/example] unknown embedding provider ${JSON.stringify((config as { kind: string }).kind)}`);
}
