import { NotFoundError } from '@memory/errors';
import { validateUserId } from '@memory/longterm-core';
import { retrieveRelevantKnowledge } from '@memory/retrieval';
import { addKnowledgeTriples, loadKnowledgeTriples, type Triple as TripleValue } from '@memory/semantics';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import { patchProfile, readProfile } from '../profile-access.js';
import {
  AddTriplesBody,
  JsonObject,
  ProfileBody,
  ScoredTriplesBody,
  Triple,
  TriplesBody,
  UserParams,
} from '../schemas.js';

/** HTTP etags are quoted strings; storage etags usually are already. */
function httpEtag(etag: string): string {
  return /^(W\/)?".*"$/.test(etag) ? etag : `"${etag}"`;
}

/** Long-term memory of a user: the profile (compare-and-swap with ETag / If-Match) and knowledge triples. */
export function registerLongTermRoutes(app: App, { storage }: MemoryServices): void {
  app.get(
    '/users/:userId/profile',
    {
      schema: {
        tags: ['long-term memory'],
        summary: "The user's profile, with its ETag",
        params: UserParams,
        response: { 200: ProfileBody },
      },
    },
    async (request, reply) => {
      const { profile, etag } = await readProfile(storage, request.params.userId);
      if (profile === null || etag === null) {
        throw new NotFoundError(`user ${request.params.userId} has no profile yet: PATCH it to create one`, {
          details: { userId: request.params.userId },
        });
      }
      return reply.header('etag', httpEtag(etag)).send({ profile, etag });
    },
  );

  app.patch(
    '/users/:userId/profile',
    {
      schema: {
        tags: ['long-term memory'],
        summary:
          'Merge-patch the profile (RFC 7396). With If-Match, only that version is patched (409 when it is stale); without, the service retries compare-and-swap itself',
        params: UserParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: JsonObject,
        response: { 200: ProfileBody },
      },
    },
    async (request, reply) => {
      const { profile, etag } = await patchProfile(
        storage,
        request.params.userId,
        request.body,
        request.headers['if-match'],
      );
      return reply.header('etag', httpEtag(etag)).send({ profile, etag });
    },
  );

  app.get(
    '/users/:userId/knowledge',
    {
      schema: {
        tags: ['long-term memory'],
        summary: "All the user's knowledge triples, in file order",
        params: UserParams,
        response: { 200: TriplesBody },
      },
    },
    async (request) => {
      validateUserId(request.params.userId);
      return { triples: await loadKnowledgeTriples(storage, request.params.userId) };
    },
  );

  app.post(
    '/users/:userId/knowledge',
    {
      schema: {
        tags: ['long-term memory'],
        summary:
          'Add triples [subject, predicate, object, metadata?]: duplicates dropped, single-valued predicates superseded, no lost concurrent additions',
        params: UserParams,
        body: Type.Object({
          triples: Type.Array(Triple, { minItems: 1 }),
          singleValued: Type.Optional(
            Type.Array(Type.String(), {
              description: 'predicates whose newer value supersedes the older (e.g. lives in)',
            }),
          ),
        }),
        response: { 200: AddTriplesBody, 201: AddTriplesBody },
      },
    },
    async (request, reply) => {
      const { triples, singleValued } = request.body;
      const result = await addKnowledgeTriples(
        storage,
        request.params.userId,
        triples as TripleValue[],
        singleValued ? { singleValued } : {},
      );
      return reply.code(result.added > 0 ? 201 : 200).send(result);
    },
  );

  app.get(
    '/users/:userId/knowledge/relevant',
    {
      schema: {
        tags: ['long-term memory'],
        summary: 'The triples most relevant to a query (CJK-aware BM25; the original substring matches first)',
        params: UserParams,
        querystring: Type.Object({
          q: Type.String({ description: 'the query, e.g. the last user message' }),
          topK: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: { 200: ScoredTriplesBody },
      },
    },
    async (request) => {
      validateUserId(request.params.userId);
      const scored = await retrieveRelevantKnowledge(storage, request.params.userId, request.query.q, {
        topK: request.query.topK ?? 5,
        withScores: true,
      });
      return { triples: scored.map((s) => s.triple), scores: scored.map((s) => s.score) };
    },
  );
}
