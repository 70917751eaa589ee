import type { MessageRole } from '@memory/models';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import { isZeroVector } from '../embedding-provider.js';
import type { MemoryServices } from '../memory-services.js';
import { AppendBody, HistoryBody, Role, SessionParams, statusName, Uuid, Vector } from '../schemas.js';

/** Messages of a session: append (with embeddings given or computed) and history pages with cursors. */
export function registerMessageRoutes(app: App, { store, embedder }: MemoryServices): void {
  app.post(
    '/sessions/:sessionId/messages',
    {
      schema: {
        tags: ['messages'],
        summary:
          'Append messages (retry-safe with ids); a message without an embedding is embedded by the service unless `embed: false` (on the request or the message)',
        params: SessionParams,
        body: Type.Object({
          messages: Type.Array(
            Type.Object({
              id: Type.Optional(Uuid),
              role: Role,
              content: Type.String({ minLength: 1, description: 'the text; must not be empty' }),
              model: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
              embedding: Type.Optional(Type.Union([Vector, Type.Null()])),
              embed: Type.Optional(
                Type.Boolean({ description: 'embed this message (default: the request’s `embed`, else true)' }),
              ),
            }),
            { minItems: 1 },
          ),
          embed: Type.Optional(
            Type.Boolean({
              description:
                'compute the embedding of messages that have none, with the configured provider (default true)',
            }),
          ),
          restore: Type.Optional(
            Type.Boolean({ description: 'bring an archived session back first instead of answering 409' }),
          ),
        }),
        response: { 200: AppendBody, 201: AppendBody },
      },
    },
    async (request, reply) => {
      const { messages, embed = true, restore } = request.body;
      let vectors: number[][] = [];
      const missing = messages.flatMap((m, i) => (m.embedding == null && (m.embed ?? embed) ? [i] : []));
      if (missing.length > 0) vectors = await embedder.embed(missing.map((i) => messages[i]!.content));
      // A text without words embeds to the zero vector: store no embedding rather than a meaningless one.
      const computed = new Map(
        missing.flatMap((i, k) => (vectors[k] && !isZeroVector(vectors[k]) ? [[i, vectors[k]] as const] : [])),
      );
      const result = await store.appendMessages(
        request.params.sessionId,
        messages.map((m, i) => ({
          ...(m.id ? { id: m.id } : {}),
          role: m.role as MessageRole,
          content: m.content,
          model: m.model ?? null,
          embedding: m.embedding ?? computed.get(i) ?? null,
        })),
        { restore: restore ?? false },
      );
      return reply.code(result.insertedIds.length > 0 ? 201 : 200).send({ ...result, embedded: computed.size });
    },
  );

  app.get(
    '/sessions/:sessionId/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'A page of history, oldest to newest: the newest messages, or before/after a cursor',
        params: SessionParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          before: Type.Optional(Type.String({ description: 'olderCursor of a page: go back in time' })),
          after: Type.Optional(Type.String({ description: 'newerCursor of a page: what was appended since' })),
        }),
        response: { 200: HistoryBody },
      },
    },
    async (request) => {
      const page = await store.getHistory(request.params.sessionId, request.query);
      return { ...page, sessionStatus: statusName(page.sessionStatus) };
    },
  );
}
