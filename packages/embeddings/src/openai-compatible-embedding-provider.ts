import { redactUrl } from '@memory/errors';
import { aiSdkEmbedder } from './ai-sdk-embedding-provider.js';
import type { EmbeddingProvider } from './embedding-provider.js';

/** Options of {@link createOpenAICompatibleEmbeddingProvider}. */
export interface OpenAICompatibleEmbeddingOptions {
  /**
   * The API base, without `/embeddings`: `https://api.openai.com/v1`,
   * `https://dashscope.aliyuncs.com/compatible-mode/v1`, `http://localhost:11434/v1` (Ollama).
   */
  baseURL: string;
  /** Sent as `Authorization: Bearer …`; never logged or put in an error. Omit for Ollama. */
  apiKey?: string;
  /** The model, e.g. `text-embedding-3-small`, `text-embedding-v4`, `bge-m3`. */
  model: string;
  /** The vector length (checked on every answer). */
  dimensions: number;
  /**
   * Send `dimensions` in the request (default `true`), for models that can shorten their
   * vectors (OpenAI `text-embedding-3-*`, DashScope `text-embedding-v3`/`v4`). Set `false` for
   * models that refuse the parameter.
   */
  sendDimensions?: boolean;
  /** Texts per request (default 64; DashScope accepts at most 10). */
  batchSize?: number;
  /** Requests in flight at once for one `embed` call (default 1: batches go one after another). */
  maxParallelCalls?: number;
  /**
   * Retries of a request that failed with 408, 409, 429, 5xx or a network error (default 3), by
   * the AI SDK: exponential backoff from 2 s, or the server's `Retry-After` when it sends one.
   */
  maxRetries?: number;
  /** Per-request timeout in ms (default 30,000). A request that times out is not retried. */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** The `fetch` to use (default the global one): for proxies, tests, instrumentation. */
  fetch?: typeof fetch;
}

/** The key and any password in the URL, in the forms a message may show them. */
function secretsOf(options: OpenAICompatibleEmbeddingOptions): string[] {
  const secrets = options.apiKey ? [options.apiKey] : [];
  try {
    const { password } = new URL(options.baseURL);
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // Not a URL: the AI SDK reports that, and there is no password to hide.
  }
  return secrets;
}

/**
 * An {@link EmbeddingProvider} for any OpenAI-compatible `/embeddings` endpoint (OpenAI,
 * DashScope compatible mode, Ollama, vLLM, most gateways), built from the AI SDK's
 * `@ai-sdk/openai-compatible` provider and `embedMany`: this function is configuration only. The
 * AI SDK batches (`batchSize`), retries transient failures with backoff (honouring
 * `Retry-After`); each request times out after `timeoutMs`; every answer's shape is checked.
 * `ai` and `@ai-sdk/openai-compatible` are optional peer dependencies, loaded on first use.
 *
 * @throws ConfigurationError for 401/403/404 (key, permission, model or URL wrong) and when a
 * peer package is missing; InvalidInputError for other 4xx answers and for vectors of the wrong
 * length; MemoryError when retries run out or a request times out. The API key is only ever put
 * in the `Authorization` header; a server that echoes it has it replaced by `***` in the message.
 * @example
 * ```ts
 * const provider = createOpenAICompatibleEmbeddingProvider({
 *   baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
 *   apiKey: process.env.DASHSCOPE_API_KEY, model: 'text-embedding-v4', dimensions: 1024, batchSize: 10,
 * });
 * ```
 */
export function createOpenAICompatibleEmbeddingProvider(options: OpenAICompatibleEmbeddingOptions): EmbeddingProvider {
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseFetch = options.fetch ?? globalThis.fetch;
  // The AI SDK has no per-request timeout for embeddings: add one through its injectable fetch.
  const timedFetch: typeof fetch = (input, init) =>
    baseFetch(input, {
      ...init,
      signal: init?.signal
        ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs),
    });
  return aiSdkEmbedder({
    model: async () => {
      const [{ createOpenAICompatible }, { wrapEmbeddingModel }] = await Promise.all([
        import('@ai-sdk/openai-compatible'),
        import('ai'),
      ]);
      const provider = createOpenAICompatible({
        name: 'openaiCompatible',
        baseURL: options.baseURL,
        ...(options.apiKey ? { apiKey: options.apiKey } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        fetch: timedFetch,
      });
      return wrapEmbeddingModel({
        model: provider.embeddingModel(options.model),
        middleware: { specificationVersion: 'v4', overrideMaxEmbeddingsPerCall: () => batchSize },
      });
    },
    dimensions: options.dimensions,
    requestDimensions: options.sendDimensions ?? true,
    maxParallelCalls: options.maxParallelCalls ?? 1,
    maxRetries: options.maxRetries ?? 3,
    // Unchanged from the provider's first version, so vectors stored with it stay current.
    modelId: `${options.model}@${options.dimensions}`,
    source: `embeddings at ${redactUrl(`${options.baseURL.replace(/\/+$/, '')}/embeddings`)} (model ${options.model})`,
    secrets: secretsOf(options),
    install: 'the AI SDK and its OpenAI-compatible provider: pnpm add ai @ai-sdk/openai-compatible',
  });
}
