import { ConfigurationError, InvalidInputError, MemoryError, redactUrl } from '@memory/errors';
import { checkEmbeddings, type EmbeddingProvider } from './embedding-provider.js';

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
  /** Retries of a request that failed with 408, 409, 429, 5xx, a network error or a timeout (default 3). */
  maxRetries?: number;
  /** First retry delay in ms, doubling, with jitter; `Retry-After` wins when sent (default 500). */
  retryDelayMs?: number;
  /** Per-request timeout in ms (default 30,000). */
  timeoutMs?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** The `fetch` to use (default the global one): for proxies, tests, instrumentation. */
  fetch?: typeof fetch;
}

interface EmbeddingsResponse {
  data?: Array<{ embedding?: unknown; index?: number }>;
}

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `Retry-After` in ms (seconds or an HTTP date), capped at a minute; undefined when absent. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 60_000) : undefined;
}

/**
 * An {@link EmbeddingProvider} for any OpenAI-compatible `/embeddings` endpoint: OpenAI,
 * DashScope (compatible mode), Ollama, vLLM, and most gateways. Batches texts, retries
 * transient failures with backoff (honouring `Retry-After`), times out each request, and checks
 * the shape of every answer. The API key is only ever put in the `Authorization` header.
 *
 * @throws ConfigurationError for 401/403/404 (key, permission, model or URL wrong);
 * InvalidInputError for other 4xx answers and for vectors of the wrong length; MemoryError
 * when retries run out.
 * @example
 * ```ts
 * const provider = createOpenAICompatibleEmbeddingProvider({
 *   baseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
 *   apiKey: process.env.DASHSCOPE_API_KEY, model: 'text-embedding-v4', dimensions: 1024, batchSize: 10,
 * });
 * ```
 */
export function createOpenAICompatibleEmbeddingProvider(options: OpenAICompatibleEmbeddingOptions): EmbeddingProvider {
  const url = `${options.baseURL.replace(/\/+$/, '')}/embeddings`;
  const where = redactUrl(url);
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const maxRetries = Math.max(0, options.maxRetries ?? 3);
  const retryDelayMs = options.retryDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const secret = options.apiKey;
  // An upstream error body may echo the key back; never let it into a message.
  const scrub = (text: string) => (secret ? text.split(secret).join('***') : text).slice(0, 300);

  async function request(input: string[]): Promise<number[][]> {
    const body = JSON.stringify({
      model: options.model,
      input,
      encoding_format: 'float',
      ...((options.sendDimensions ?? true) ? { dimensions: options.dimensions } : {}),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (secret) headers.authorization = `Bearer ${secret}`;
    let lastProblem = '';
    for (let attempt = 0; ; attempt++) {
      let wait: number | undefined;
      try {
        const res = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        if (res.ok) {
          const json = (await res.json()) as EmbeddingsResponse;
          const data = [...(json.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
          return checkEmbeddings(
            data.map((d) => d.embedding),
            input.length,
            options.dimensions,
            `embeddings at ${where} (model ${options.model})`,
          );
        }
        const text = scrub(await res.text().catch(() => ''));
        const status = res.status;
        if (status === 401 || status === 403 || status === 404) {
          const what = status === 404 ? 'the URL or the model' : 'the API key or its permissions';
          throw new ConfigurationError(
            `[memory/knowledge-index] embeddings at ${where} answered ${status} for model ${options.model}: check ${what}. ${text}`,
            {
              details: { status, url: where },
            },
          );
        }
        if (!RETRYABLE.has(status)) {
          throw new InvalidInputError(
            `[memory/knowledge-index] embeddings at ${where} refused the request (${status}): ${text}`,
            { details: { status, url: where } },
          );
        }
        lastProblem = `${status} ${text}`;
        wait = retryAfterMs(res.headers.get('retry-after'));
      } catch (e) {
        if (MemoryError.isInstance(e)) throw e;
        // Network failures and timeouts: fetch throws TypeError / TimeoutError / AbortError.
        lastProblem = e instanceof Error ? `${e.name}: ${scrub(e.message)}` : 'network error';
      }
      if (attempt >= maxRetries) {
        throw new MemoryError(
          `[memory/knowledge-index] embeddings at ${where} failed after ${attempt + 1} attempts: ${lastProblem}`,
          {
            details: { url: where, attempts: attempt + 1 },
          },
        );
      }
      await sleep(wait ?? retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2));
    }
  }

  return {
    dimensions: options.dimensions,
    modelId: `${options.model}@${options.dimensions}`,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await request(texts.slice(i, i + batchSize))));
      return out;
    },
  };
}
