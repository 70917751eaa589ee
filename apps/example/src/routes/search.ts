import { InvalidInputError } from '@memory/errors';
import type { MessageRole } from '@memory/models';
import type { SearchOptions } from '@memory/conversations';
import { Type, type Static } from 'typebox';
import type { App } from '../app-types.js';
import { isZeroVector } from '../embedding-provider.js';
import type { MemoryServices } from '../memory-services.js';
import { JsonObject, Role, SearchBodyResponse, SessionParams, UserParams, Vector } from '../schemas.js';

const SearchBody = Type.Object({
  text: Type.Optional(Type.String({ minLength: 1, description: 'embedded with the configured provider' })),
  vector: Type.Optional(Vector),
  topK: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  roles: Type.Optional(Type.Array(Role)),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  metadataEquals: Type.Optional(
    Type.Unsafe<Record<string, unknown>>({
      ...JsonObject,
      description:
        'only messages whose metadata has each of these top-level keys with exactly this value, e.g. {"channel":"web"}',
    }),
  ),
  metadataContains: Type.Optional(
    Type.Unsafe<Record<string, unknown>>({
      ...JsonObject,
      description: 'only messages whose metadata contains this object (jsonb @>), e.g. {"tags":["a"]}',
    }),
  ),
  minScore: Type.Optional(
    Type.Number({
      minimum: -1,
      maximum: 1,
      description: 'drop hits scoring this or less (cosine similarity); default 0: nothing in common is no hit',
    }),
  ),
  around: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 50,
      description:
        'return each hit with up to this many messages of its session before and after it (hit.before, hit.after, oldest first; the filters do not apply to them); default 0',
    }),
  ),
});

/** Semantic search over message embeddings, in one session or across a user's sessions. */
export function registerSearchRoutes(app: App, { store, embedder }: MemoryServices): void {
  const search = async (scope: { sessionId: string } | { userId: string }, body: Static<typeof SearchBody>) => {
    if ((body.text === undefined) === (body.vector === undefined)) {
      throw new InvalidInputError('give exactly one of "text" (embedded by the service) and "vector"');
    }
    let vector = body.vector;
    if (vector === undefined) {
      [vector] = await embedder.embed([body.text!]);
      if (!vector || isZeroVector(vector)) {
        if (!/[\p{L}\p{N}]/u.test(body.text!))
          throw new InvalidInputError(`the query ${JSON.stringify(body.text)} has no words to search by`, {
            details: { field: 'text' },
          });
        // Words whose hashed features cancel out (the hashing embedder's "soak 1386" in the soak)
        // give a vector without direction: nothing is near it, which is no hits, not bad input.
        return { hits: [] };
      }
    }
    const options: SearchOptions = {
      ...scope,
      vector,
      ...(body.topK !== undefined ? { topK: body.topK } : {}),
      ...(body.roles ? { roles: body.roles as MessageRole[] } : {}),
      ...(body.since ? { since: new Date(body.since) } : {}),
      ...(body.until ? { until: new Date(body.until) } : {}),
      ...(body.metadataEquals ? { metadataEquals: body.metadataEquals } : {}),
      ...(body.metadataContains ? { metadataContains: body.metadataContains } : {}),
      ...(body.around ? { around: body.around } : {}),
    };
    const minScore = body.minScore ?? 0;
    // The store keeps hits at or above minScore (and reads the context of those only); the
    // service's cut is strict, so a score of exactly 0 (nothing in common) is no hit.
    options.minScore = minScore;
    return { hits: (await store.searchMessages(options)).filter((hit) => hit.score > minScore) };
  };

  app.post(
    '/sessions/:sessionId/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Messages of a session nearest to a text or vector (cosine)',
        params: SessionParams,
        body: SearchBody,
        response: { 200: SearchBodyResponse },
      },
    },
    async (request) => {
      await store.getSession(request.params.sessionId);
      return search({ sessionId: request.params.sessionId }, request.body);
    },
  );

  app.post(
    '/users/:userId/search',
    {
      schema: {
        tags: ['search'],
        summary: "Messages of all a user's sessions nearest to a text or vector",
        params: UserParams,
        body: SearchBody,
        response: { 200: SearchBodyResponse },
      },
    },
    async (request) => search({ userId: request.params.userId }, request.body),
  );
}
