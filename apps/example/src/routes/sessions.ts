import { InvalidInputError, NotFoundError } from '@memory/errors';
import { validateUserId } from '@memory/longterm-core';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import { actorOf } from '../auth.js';
import type { MemoryServices } from '../memory-services.js';
import type { SessionRecord } from '@memory/conversations';
import {
  DeleteSessionBody,
  JsonObject,
  parseStatus,
  type StatusName,
  SessionBody,
  SessionPageBody,
  SessionParams,
  SessionStatusQuery,
  statusName,
  UserId,
  Uuid,
} from '../schemas.js';

/** A session as the API shows it: the status by name (`active`, `cold`, `deep`, `deleted`). */
function sessionJson<T extends SessionRecord>(session: T): Omit<T, 'status'> & { status: StatusName } {
  return { ...session, status: statusName(session.status) };
}

function parseMetadataFilter(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidInputError(
      `metadataContains must be a JSON object, e.g. {"project":"x"}, got ${JSON.stringify(raw.slice(0, 64))}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('metadataContains must be a JSON object, e.g. {"project":"x"}');
  }
  return value as Record<string, unknown>;
}

/** Sessions: create, list (previews, latest summary, metadata filter), get, rename / patch metadata, delete. */
export function registerSessionRoutes(app: App, { store, storage }: MemoryServices): void {
  app.post(
    '/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Create a session',
        body: Type.Object({
          id: Type.Optional(Uuid),
          userId: Type.Optional(Type.Union([UserId, Type.Null()])),
          title: Type.Optional(Type.Union([Type.String({ maxLength: 512 }), Type.Null()])),
          metadata: Type.Optional(Type.Union([JsonObject, Type.Null()])),
        }),
        response: { 201: SessionBody },
      },
    },
    async (request, reply) => {
      // The user id also names the user's long-term objects (profiles/{userId}.json): refuse
      // one that could not be stored there (a `/`, control characters, too long) up front.
      if (request.body.userId != null) validateUserId(request.body.userId);
      return reply.code(201).send(sessionJson(await store.createSession(request.body)));
    },
  );

  app.get(
    '/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'List sessions, newest activity first, with first/last message previews and the latest summary',
        querystring: Type.Object({
          userId: Type.Optional(UserId),
          status: Type.Optional(SessionStatusQuery),
          metadataContains: Type.Optional(
            Type.String({ description: 'a JSON object the metadata must contain, e.g. {"project":"x"}' }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          cursor: Type.Optional(Type.String()),
        }),
        response: { 200: SessionPageBody },
      },
    },
    async (request) => {
      const { userId, status, metadataContains, limit, cursor } = request.query;
      const statusValue = status === undefined ? undefined : parseStatus(status);
      const filter = parseMetadataFilter(metadataContains);
      const page = await store.listSessions({
        ...(userId !== undefined ? { userId } : {}),
        ...(statusValue !== undefined ? { status: statusValue } : {}),
        ...(filter ? { metadataContains: filter } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      return { ...page, sessions: page.sessions.map(sessionJson) };
    },
  );

  app.get(
    '/sessions/:sessionId',
    { schema: { tags: ['sessions'], summary: 'Get a session', params: SessionParams, response: { 200: SessionBody } } },
    async (request) => sessionJson(await store.getSession(request.params.sessionId)),
  );

  app.patch(
    '/sessions/:sessionId',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Rename a session and/or merge-patch its metadata (RFC 7396: null removes a key)',
        params: SessionParams,
        body: Type.Object(
          {
            title: Type.Optional(Type.Union([Type.String({ maxLength: 512 }), Type.Null()])),
            metadata: Type.Optional(JsonObject),
          },
          { minProperties: 1 },
        ),
        response: { 200: SessionBody },
      },
    },
    async (request) => {
      const { sessionId } = request.params;
      let session = request.body.title !== undefined ? await store.renameSession(sessionId, request.body.title) : null;
      if (request.body.metadata !== undefined)
        session = await store.patchSessionMetadata(sessionId, request.body.metadata);
      return sessionJson(session!);
    },
  );

  app.delete(
    '/sessions/:sessionId',
    {
      config: { ownAudit: true }, // delete_session, from the store
      schema: {
        tags: ['sessions'],
        summary: 'Delete a session with its messages, summaries, archive and code reviews (audited)',
        params: SessionParams,
        response: { 200: DeleteSessionBody },
      },
    },
    async (request, reply) => {
      const result = await store.deleteSession(request.params.sessionId, {
        longTermStorage: storage,
        actor: actorOf(request),
      });
      if (!result.deleted) throw new NotFoundError(`session ${request.params.sessionId} not found: check the id`);
      return reply.send(result);
    },
  );
}
