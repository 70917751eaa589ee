import { Readable } from 'node:stream';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createMemory, memoryMiddleware } from '@memory/ai-sdk';
import { streamText, wrapLanguageModel } from 'ai';
import { Type, type Static } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import type { ErrorResponse } from '../schemas.js';
import { SessionParams } from '../schemas.js';

/** The environment variables naming the chat model of `POST /chat/:sessionId` (see `.env.example`). */
const CHAT_ENV = {
  BASE_URL: 'MEMORY_CHAT_BASE_URL',
  MODEL: 'MEMORY_CHAT_MODEL',
  API_KEY: 'MEMORY_CHAT_API_KEY',
} as const;

/** An OpenAI-compatible chat model: the API's base URL (ending in `/v1` for most), the model id, the key. */
export interface ChatModelConfig {
  baseURL: string;
  model: string;
  apiKey?: string;
}

/**
 * The chat model from the environment: `MEMORY_CHAT_BASE_URL` and `MEMORY_CHAT_MODEL` (and
 * `MEMORY_CHAT_API_KEY` when the server needs one), or `null` when either is missing, in which
 * case the chat route answers 503 saying what to set.
 *
 * @example
 * ```ts
 * chatModelFromEnv({ MEMORY_CHAT_BASE_URL: 'http://127.0.0.1:11434/v1', MEMORY_CHAT_MODEL: 'qwen2.5' });
 * ```
 */
export function chatModelFromEnv(env: Record<string, string | undefined>): ChatModelConfig | null {
  const baseURL = env[CHAT_ENV.BASE_URL]?.trim();
  const model = env[CHAT_ENV.MODEL]?.trim();
  if (!baseURL || !model) return null;
  const apiKey = env[CHAT_ENV.API_KEY]?.trim();
  return { baseURL, model, ...(apiKey ? { apiKey } : {}) };
}

/**
 * `POST /chat/:sessionId`: streams the model's reply (plain text) through `memoryMiddleware`, so
 * the model sees the session's memory and the turn is recorded (user message, reply, and an
 * interrupted reply too). Without a configured model it answers 503 naming the variables to set.
 */
export function registerChatRoutes(app: App, services: MemoryServices, chatModel: ChatModelConfig | null): void {
  const memory = createMemory({
    db: services.db,
    store: services.store,
    storage: services.storage,
    embeddings: services.embedder,
  });
  const provider = chatModel
    ? createOpenAICompatible({ name: 'chat', baseURL: chatModel.baseURL, apiKey: chatModel.apiKey })
    : null;

  app.post(
    '/chat/:sessionId',
    {
      schema: {
        tags: ['chat'],
        summary: 'Send a message and stream the reply (text/plain), with memory in the loop',
        params: SessionParams,
        body: Type.Object({
          message: Type.String({ minLength: 1, maxLength: 32_000 }),
          turnKey: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description:
                "the turn's idempotency key (e.g. the client's message id): a retried request with the same key is recorded once",
            }),
          ),
          budgetTokens: Type.Optional(Type.Integer({ minimum: 100, maximum: 100_000 })),
        }),
        response: {
          200: {
            description: 'the reply, streamed as plain text while the model writes it',
            content: { 'text/plain': { schema: Type.String() } },
          },
          // The shared error shape (registered once by the app), typed for the handler.
          503: Type.Unsafe<Static<typeof ErrorResponse>>({ $ref: 'ErrorResponse#' }),
        },
      },
    },
    async (request, reply) => {
      if (!provider || !chatModel) {
        return reply.code(503).send({
          error: 'CHAT_MODEL_NOT_CONFIGURED',
          message: `no chat model configured: set ${CHAT_ENV.BASE_URL} (an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1) and ${CHAT_ENV.MODEL}, and ${CHAT_ENV.API_KEY} if the server needs a key`,
          requestId: String(request.id),
        });
      }
      const session = await services.store.getSession(request.params.sessionId);
      const model = wrapLanguageModel({
        model: provider.chatModel(chatModel.model),
        middleware: memoryMiddleware({
          memory,
          sessionId: session.id,
          ...(session.userId ? { userId: session.userId } : {}),
          budget: { maxTokens: request.body.budgetTokens ?? 2000 },
          onError: (error, phase) =>
            request.log.warn({ phase, err: error instanceof Error ? error.message : String(error) }, 'memory'),
        }),
      });
      const abort = new AbortController();
      request.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      const result = streamText({
        model,
        prompt: request.body.message,
        abortSignal: abort.signal,
        // Without a key from the client each request is its own turn (a repeated message is kept).
        providerOptions: { memory: { turnKey: request.body.turnKey ?? `request:${String(request.id)}` } },
        onError: ({ error }) =>
          request.log.error({ err: error instanceof Error ? error.message : String(error) }, 'chat stream failed'),
      });
      reply.header('content-type', 'text/plain; charset=utf-8');
      // A stream is sent as it is (no serialization), whatever the declared body type says.
      return reply.send(Readable.from(result.textStream) as unknown as string);
    },
  );
}
