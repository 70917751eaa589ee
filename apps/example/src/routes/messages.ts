import { MAX_MESSAGE_PARTS } from '@memory/conversations';
import { InvalidInputError, NotFoundError } from '@memory/errors';
import { partsText, type MessagePart, type MessageRole } from '@memory/models';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import { actorOf } from '../auth.js';
import { isZeroVector } from '../embedding-provider.js';
import type { MemoryServices } from '../memory-services.js';
import {
  AppendBody,
  DeleteMessageBody,
  HistoryBody,
  JsonObject,
  MessageParams,
  Role,
  SessionParams,
  statusName,
  UpdateMessageBody,
  Uuid,
  Vector,
} from '../schemas.js';

/** AI SDK `UIMessage` parts in a request: objects with a non-empty `type` and the kind's own fields. */
const PartsInput = Type.Array(
  Type.Object(
    { type: Type.String({ minLength: 1, description: 'text, reasoning, tool-<name>, dynamic-tool, file, …' }) },
    { additionalProperties: true },
  ),
  {
    maxItems: MAX_MESSAGE_PARTS,
    description:
      'the AI SDK UIMessage parts, stored as they are: text and reasoning (`text`), tool-<name> calls (`toolCallId`, `state`, `input`, `output` or `errorText`), dynamic-tool (`toolName`, `toolCallId`, `state`), file (`mediaType`, `url`), source-url, source-document, step-start, data-*. A known kind without its required string fields is refused (400 naming the field)',
  },
);

const MessageMetadata = Type.Union([JsonObject, Type.Null()], {
  description: 'a JSON object about the message, filterable in history and search (metadataEquals, metadataContains)',
});

const RestoreFlag = Type.Boolean({ description: 'bring an archived session back first instead of answering 409' });

/** A JSON object given in a query parameter (`metadataEquals={"channel":"web"}`). */
function parseJsonObjectParam(raw: string | undefined, name: string): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(
      `${name} must be a JSON object, e.g. {"channel":"web"}, got ${JSON.stringify(raw.slice(0, 64))}`,
      { details: { field: name } },
    );
  }
  return value as Record<string, unknown>;
}

/** The text a message is embedded by: its content, else the text of its parts ('' when it has none). */
function textOf(content: string | undefined, parts: readonly MessagePart[] | null | undefined): string {
  if (content !== undefined && content !== '') return content;
  return parts ? partsText(parts) : '';
}

/**
 * Messages of a session: append (plain text or AI SDK parts, with metadata; embeddings given or
 * computed), history pages with cursors and metadata filters, and edit or delete one message.
 */
export function registerMessageRoutes(app: App, { store, embedder, db }: MemoryServices): void {
  /** The session of a stored message (hot or archived), or `undefined` when there is none. */
  const sessionOfMessage = async (messageId: string): Promise<string | undefined> => {
    const rows = await db.execute<{ session_id: string }>(
      'select session_id from messages where id = ? union all select session_id from messages_archive where id = ?',
      [messageId, messageId],
    );
    return rows[0]?.session_id;
  };
  /**
   * A message that is not in the session of the path is a 404: the session's owner is what a
   * user-bound key is checked against, so the message must belong to that session.
   */
  const checkMessageInSession = async (sessionId: string, messageId: string): Promise<void> => {
    await store.getSession(sessionId);
    if ((await sessionOfMessage(messageId)) !== sessionId) {
      throw new NotFoundError(`message ${messageId} not found in session ${sessionId}: check both ids`, {
        details: { sessionId, messageId },
      });
    }
  };

  app.post(
    '/sessions/:sessionId/messages',
    {
      schema: {
        tags: ['messages'],
        summary:
          'Append messages (retry-safe with ids): text, or AI SDK parts (tool calls and results, reasoning, files, …) with per-message metadata; a message without an embedding is embedded by the service unless `embed: false` (on the request or the message)',
        params: SessionParams,
        body: Type.Object({
          messages: Type.Array(
            Type.Object({
              id: Type.Optional(Uuid),
              role: Role,
              content: Type.Optional(
                Type.String({
                  description:
                    'the text; left out, the text of the parts. It may be empty only when the message has parts (a message of tool calls has no text)',
                }),
              ),
              parts: Type.Optional(Type.Union([PartsInput, Type.Null()])),
              metadata: Type.Optional(MessageMetadata),
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
          restore: Type.Optional(RestoreFlag),
        }),
        response: { 200: AppendBody, 201: AppendBody },
      },
    },
    async (request, reply) => {
      const { messages, embed = true, restore } = request.body;
      const texts = messages.map((m) => textOf(m.content, m.parts as MessagePart[] | null | undefined));
      let vectors: number[][] = [];
      // A message of tool parts only has no text to embed.
      const missing = messages.flatMap((m, i) => (m.embedding == null && (m.embed ?? embed) && texts[i] ? [i] : []));
      if (missing.length > 0) vectors = await embedder.embed(missing.map((i) => texts[i]!));
      // A text without words embeds to the zero vector: store no embedding rather than a meaningless one.
      const computed = new Map(
        missing.flatMap((i, k) => (vectors[k] && !isZeroVector(vectors[k]) ? [[i, vectors[k]] as const] : [])),
      );
      const result = await store.appendMessages(
        request.params.sessionId,
        messages.map((m, i) => ({
          ...(m.id ? { id: m.id } : {}),
          role: m.role as MessageRole,
          // The library checks the rest, as for every caller: content or parts (empty content
          // only beside parts), the required fields of known part kinds, JSON-only metadata.
          ...(m.content !== undefined ? { content: m.content } : {}),
          ...(m.parts != null ? { parts: m.parts as MessagePart[] } : {}),
          ...(m.metadata != null ? { metadata: m.metadata } : {}),
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
        summary:
          'A page of history, oldest to newest: the newest messages, or before/after a cursor; optionally only messages whose metadata matches',
        params: SessionParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          before: Type.Optional(Type.String({ description: 'olderCursor of a page: go back in time' })),
          after: Type.Optional(Type.String({ description: 'newerCursor of a page: what was appended since' })),
          metadataEquals: Type.Optional(
            Type.String({
              description:
                'a JSON object: only messages whose metadata has each of these top-level keys with exactly this value, e.g. {"channel":"web"}',
            }),
          ),
          metadataContains: Type.Optional(
            Type.String({
              description:
                'a JSON object the metadata must contain (jsonb @>: nested objects partially, arrays by inclusion), e.g. {"tags":["a"]}',
            }),
          ),
        }),
        response: { 200: HistoryBody },
      },
    },
    async (request) => {
      const { metadataEquals, metadataContains, ...paging } = request.query;
      const equals = parseJsonObjectParam(metadataEquals, 'metadataEquals');
      const contains = parseJsonObjectParam(metadataContains, 'metadataContains');
      const page = await store.getHistory(request.params.sessionId, {
        ...paging,
        ...(equals ? { metadataEquals: equals } : {}),
        ...(contains ? { metadataContains: contains } : {}),
      });
      return { ...page, sessionStatus: statusName(page.sessionStatus) };
    },
  );

  app.patch(
    '/sessions/:sessionId/messages/:messageId',
    {
      config: { ownAudit: true }, // update_message, from the store
      schema: {
        tags: ['messages'],
        summary:
          'Edit a message (audited): content, parts (the text follows them unless content is given), metadata (replaced), model, embedding. Changed text is embedded again by the service unless `embed: false`',
        params: MessageParams,
        body: Type.Object(
          {
            content: Type.Optional(
              Type.String({ description: 'the new text (empty only when the message keeps or gets parts)' }),
            ),
            parts: Type.Optional(
              Type.Union([PartsInput, Type.Null()], { description: 'the new parts, or null to remove them' }),
            ),
            metadata: Type.Optional(MessageMetadata),
            model: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
            embedding: Type.Optional(Type.Union([Vector, Type.Null()])),
            embed: Type.Optional(
              Type.Boolean({
                description:
                  'embed changed text with the configured provider (default true); false drops the stale embedding',
              }),
            ),
            restore: Type.Optional(RestoreFlag),
          },
          { minProperties: 1 },
        ),
        response: { 200: UpdateMessageBody },
      },
    },
    async (request) => {
      const { sessionId, messageId } = request.params;
      const { embed = true, restore, ...fields } = request.body;
      if (Object.keys(fields).length === 0) {
        throw new InvalidInputError('give at least one of content, parts, metadata, model, embedding', {
          details: { field: 'body' },
        });
      }
      await checkMessageInSession(sessionId, messageId);
      const patch: Parameters<typeof store.updateMessage>[1] = {
        ...(fields.content !== undefined ? { content: fields.content } : {}),
        ...(fields.parts !== undefined ? { parts: fields.parts as MessagePart[] | null } : {}),
        ...(fields.metadata !== undefined ? { metadata: fields.metadata } : {}),
        ...(fields.model !== undefined ? { model: fields.model } : {}),
        ...(fields.embedding !== undefined ? { embedding: fields.embedding } : {}),
      };
      let embeddedHere = false;
      if ((fields.content !== undefined || fields.parts !== undefined) && fields.embedding === undefined && embed) {
        const text = textOf(fields.content, fields.parts as MessagePart[] | null | undefined);
        if (text) {
          const [vector] = await embedder.embed([text]);
          if (vector && !isZeroVector(vector)) {
            patch.embedding = vector;
            embeddedHere = true;
          }
        }
      }
      const result = await store.updateMessage(messageId, patch, {
        actor: actorOf(request),
        restore: restore ?? false,
      });
      // A vector the service computed is reported as embedded, not as one the client set.
      return embeddedHere
        ? { ...result, embedding: 'embedded', changed: result.changed.filter((f) => f !== 'embedding') }
        : result;
    },
  );

  app.delete(
    '/sessions/:sessionId/messages/:messageId',
    {
      config: { ownAudit: true }, // delete_message, from the store
      schema: {
        tags: ['messages'],
        summary: 'Delete a message (audited)',
        params: MessageParams,
        querystring: Type.Object({ restore: Type.Optional(RestoreFlag) }),
        response: { 200: DeleteMessageBody },
      },
    },
    async (request) => {
      const { sessionId, messageId } = request.params;
      await checkMessageInSession(sessionId, messageId);
      const result = await store.deleteMessage(messageId, {
        actor: actorOf(request),
        restore: request.query.restore ?? false,
      });
      if (!result.deleted) {
        throw new NotFoundError(`message ${messageId} not found in session ${sessionId}: check both ids`);
      }
      return result;
    },
  );
}
