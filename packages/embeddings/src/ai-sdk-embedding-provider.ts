import { ConfigurationError, InvalidInputError, MemoryError } from '@memory/errors';
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

/** What {@link aiSdkEmbedder} needs beside the `embedMany` options. */
export interface AiSdkEmbedderSettings extends Omit<AiSdkEmbeddingProviderOptions, 'model' | 'modelId'> {
  /** The model, or a loader that imports the packages it needs and builds it on first use. */
  model: () => Promise<AiSdkEmbeddingModel> | AiSdkEmbeddingModel;
  modelId: string;
  /** How messages name the model: `AI SDK model x`, `embeddings at <url> (model m)`. */
  source: string;
  /** Texts replaced by `***` in every message (the API key, which a server may echo). */
  secrets: readonly string[];
  /** What a `ConfigurationError` tells the user to add when an import fails. */
  install: string;
}

/** The AI SDK error fields read here (matched by `name`, so no import of `ai` is needed). */
interface AiSdkErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  isRetryable?: boolean;
  reason?: string;
  errors?: unknown[];
  lastError?: unknown;
}

/**
 * Turns an error of `embedMany` into a typed `MemoryError` whose message says what to do. The
 * AI SDK's error is not attached as `cause`: it carries the response body, in which a server may
 * echo the API key. Nor is any other error when there are secrets to keep (`keepCause` false):
 * only the scrubbed message is.
 */
function toMemoryError(error: unknown, source: string, scrub: (text: string) => string, keepCause: boolean): Error {
  if (MemoryError.isInstance(error)) return error;
  const e = (error ?? {}) as AiSdkErrorLike;
  if (e.name === 'AI_RetryError') {
    // Retries ran out, or a retry met an error that is not retried: report the last one.
    if (e.reason === 'errorNotRetryable') return toMemoryError(e.lastError, source, scrub, keepCause);
    const attempts = e.errors?.length ?? 1;
    const last = (e.lastError ?? {}) as AiSdkErrorLike;
    return new MemoryError(
      `[memory/embeddings] ${source} failed after ${attempts} attempts: ${scrub(last.message ?? String(e.lastError))}`,
      { details: { attempts, ...(last.statusCode === undefined ? {} : { status: last.statusCode }) } },
    );
  }
  if (e.name === 'AI_APICallError' && typeof e.statusCode === 'number') {
    const status = e.statusCode;
    const text = scrub(e.message ?? '');
    if (status === 401 || status === 403 || status === 404) {
      const what = status === 404 ? 'the URL or the model' : 'the API key or its permissions';
      return new ConfigurationError(`[memory/embeddings] ${source} answered ${status}: check ${what}. ${text}`, {
        details: { status },
      });
    }
    if (!e.isRetryable) {
      return new InvalidInputError(`[memory/embeddings] ${source} refused the request (${status}): ${text}`, {
        details: { status },
      });
    }
    return new MemoryError(`[memory/embeddings] ${source} failed (${status}): ${text}`, { details: { status } });
  }
  if (e.name === 'TimeoutError') {
    return new MemoryError(`[memory/embeddings] ${source} timed out: ${scrub(e.message ?? '')}`);
  }
  const what = `${e.name ?? 'Error'}: ${scrub(e.message ?? String(error))}`;
  return keepCause && !e.name?.startsWith('AI_')
    ? new MemoryError(`[memory/embeddings] ${source} failed: ${what}`, { cause: error })
    : new MemoryError(`[memory/embeddings] ${source} failed: ${what}`);
}

/**
 * The provider both factories return: loads `ai` on first use, calls `embedMany` (which batches
 * to the model's limit and retries with the AI SDK's backoff, honouring `Retry-After`), checks the
 * answer, and maps the AI SDK's errors to typed ones without secrets.
 */
export function aiSdkEmbedder(settings: AiSdkEmbedderSettings): EmbeddingProvider {
  const scrub = (text: string) =>
    settings.secrets.reduce((t, secret) => (secret ? t.split(secret).join('***') : t), text).slice(0, 300);
  let ready: Promise<{ embedMany: EmbedMany; model: AiSdkEmbeddingModel }> | undefined;
  const prepare = async () => {
    try {
      const embedMany = settings.embedMany ?? ((await import('ai')).embedMany as unknown as EmbedMany);
      return { embedMany, model: await settings.model() };
    } catch (cause) {
      throw new ConfigurationError(`[memory/embeddings] ${settings.source} needs ${settings.install}`, { cause });
    }
  };
  return {
    dimensions: settings.dimensions,
    modelId: settings.modelId,
    async embed(texts) {
      if (texts.length === 0) return [];
      ready ??= prepare().catch((e: unknown) => {
        ready = undefined;
        throw e;
      });
      const { embedMany, model } = await ready;
      let embeddings: unknown;
      try {
        ({ embeddings } = await embedMany({
          model,
          values: texts,
          ...(settings.requestDimensions ? { dimensions: settings.dimensions } : {}),
          ...(settings.maxParallelCalls !== undefined ? { maxParallelCalls: settings.maxParallelCalls } : {}),
          ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
          ...(settings.providerOptions ? { providerOptions: settings.providerOptions } : {}),
          ...(settings.headers ? { headers: settings.headers } : {}),
        }));
      } catch (error) {
        throw toMemoryError(error, settings.source, scrub, settings.secrets.length === 0);
      }
      return checkEmbeddings(embeddings, texts.length, settings.dimensions, settings.source);
    },
  };
}

/**
 * Wraps an AI SDK embedding model as an {@link EmbeddingProvider}, calling `embedMany` (which
 * splits into the model's batch size and retries). `ai` is an optional peer dependency, loaded
 * on first use.
 *
 * @throws ConfigurationError on first use when the `ai` package is not installed, and when the
 * model's API answers 401/403/404; InvalidInputError for other refused requests and answers of
 * the wrong shape; MemoryError when retries run out. No error carries the response body.
 * @example
 * ```ts
 * import { openai } from '@ai-sdk/openai';
 * const provider = createAiSdkEmbeddingProvider({ model: openai.embedding('text-embedding-3-small'), dimensions: 1536 });
 * ```
 */
export function createAiSdkEmbeddingProvider(options: AiSdkEmbeddingProviderOptions): EmbeddingProvider {
  const { model: modelOption, modelId: modelIdOption, ...rest } = options;
  const model = modelOption as { provider?: string; modelId?: string };
  const modelId =
    modelIdOption ??
    (typeof modelOption === 'string' ? modelOption : `${model.provider ?? 'ai-sdk'}:${model.modelId ?? 'unknown'}`);
  return aiSdkEmbedder({
    ...rest,
    model: () => modelOption,
    modelId,
    source: `AI SDK model ${modelId}`,
    secrets: [],
    install: 'the "ai" package: pnpm add ai',
  });
}
