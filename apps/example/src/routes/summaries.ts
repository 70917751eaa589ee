import type { SummaryJson } from '@memory/conversations';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import { JsonObject, LatestSummaryBody, SessionParams, SummaryBody, SummaryListBody, Uuid } from '../schemas.js';

/** Summaries of a session: save one (context-compression shape checked), read the newest. */
export function registerSummaryRoutes(app: App, { store }: MemoryServices): void {
  app.post(
    '/sessions/:sessionId/summaries',
    {
      schema: {
        tags: ['summaries'],
        summary:
          'Save a summary (json: decision_points, todos, entities, context_state, code_snippets; extra fields kept)',
        params: SessionParams,
        body: Type.Object({
          id: Type.Optional(Uuid),
          strategy: Type.String({ minLength: 1, maxLength: 64 }),
          strategyVersion: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
          text: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          json: JsonObject,
        }),
        response: { 201: SummaryBody },
      },
    },
    async (request, reply) => {
      const { json, ...rest } = request.body;
      return reply
        .code(201)
        .send(await store.saveSummary(request.params.sessionId, { ...rest, json: json as SummaryJson }));
    },
  );

  app.get(
    '/sessions/:sessionId/summaries/latest',
    {
      schema: {
        tags: ['summaries'],
        summary: 'The newest summary (`summary: null` when there is none)',
        params: SessionParams,
        response: { 200: LatestSummaryBody },
      },
    },
    async (request) => {
      // An unknown session is a 404, not an empty answer.
      await store.getSession(request.params.sessionId);
      return { summary: await store.latestSummary(request.params.sessionId) };
    },
  );

  app.get(
    '/sessions/:sessionId/summaries',
    {
      schema: {
        tags: ['summaries'],
        summary: 'Summaries, newest first',
        params: SessionParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
        response: { 200: SummaryListBody },
      },
    },
    async (request) => {
      await store.getSession(request.params.sessionId);
      return { summaries: await store.listSummaries(request.params.sessionId, request.query) };
    },
  );
}
