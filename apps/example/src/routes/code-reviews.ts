import { NotFoundError } from '@memory/errors';
import { Session } from '@memory/models';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import { CodeReview } from '../code-review.js';
import { actorOf } from '../auth.js';
import type { MemoryServices } from '../memory-services.js';
import { SessionParams, Uuid } from '../schemas.js';

const ReviewBody = Type.Object({
  id: Type.String(),
  sessionId: Type.String(),
  repo: Type.String(),
  pullRequest: Type.Union([Type.Integer(), Type.Null()]),
  verdict: Type.Union([
    Type.Object({ approved: Type.Boolean(), notes: Type.Optional(Type.Array(Type.String())) }),
    Type.Null(),
  ]),
  createdAt: Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' }),
});

function toJson(review: CodeReview) {
  return {
    id: review.id as string,
    sessionId: review.session.id as string,
    repo: review.repo,
    pullRequest: review.pullRequest ?? null,
    verdict: review.verdict ?? null,
    createdAt: review.createdAt as Date,
  };
}

/**
 * The application's own entity beside the memory ones: code reviews of a conversation, written
 * in the same unit of work as their audit row.
 */
export function registerCodeReviewRoutes(app: App, { db }: MemoryServices): void {
  app.post(
    '/sessions/:sessionId/code-reviews',
    {
      config: { ownAudit: true }, // create_code_review, below
      schema: {
        tags: ['code reviews (app entity)'],
        summary: 'Record a code review made in this conversation (audited)',
        params: SessionParams,
        body: Type.Object({
          repo: Type.String({ minLength: 1, maxLength: 256 }),
          pullRequest: Type.Optional(Type.Integer({ minimum: 1 })),
          verdict: Type.Optional(
            Type.Object({ approved: Type.Boolean(), notes: Type.Optional(Type.Array(Type.String())) }),
          ),
        }),
        response: { 201: ReviewBody },
      },
    },
    async (request, reply) => {
      const { sessionId } = request.params;
      const review = await db.scope(async (em) => {
        const session = await em.findOne(Session, sessionId);
        if (!session) throw new NotFoundError(`[memory/example] session ${sessionId} not found`);
        const created = em.create(CodeReview, {
          session,
          repo: request.body.repo,
          pullRequest: request.body.pullRequest ?? null,
          verdict: request.body.verdict ?? null,
        });
        db.logAudit(em, {
          action: 'create_code_review',
          actor: actorOf(request),
          resourceType: 'code_review',
          resourceId: created.id,
          details: { sessionId, repo: created.repo, userId: session.userId ?? null },
        });
        return created;
      });
      return reply.code(201).send(toJson(review));
    },
  );

  app.get(
    '/sessions/:sessionId/code-reviews',
    {
      schema: {
        tags: ['code reviews (app entity)'],
        summary: 'Code reviews of a conversation, oldest first',
        params: SessionParams,
        response: { 200: Type.Object({ reviews: Type.Array(ReviewBody) }) },
      },
    },
    async (request) => {
      const em = db.fork();
      if (!(await em.findOne(Session, request.params.sessionId)))
        throw new NotFoundError(`[memory/example] session ${request.params.sessionId} not found`);
      const reviews = await em.find(
        CodeReview,
        { session: request.params.sessionId },
        { orderBy: { createdAt: 'asc', id: 'asc' } },
      );
      return { reviews: reviews.map(toJson) };
    },
  );

  app.delete(
    '/code-reviews/:reviewId',
    {
      config: { ownAudit: true }, // delete_code_review, below
      schema: {
        tags: ['code reviews (app entity)'],
        summary: 'Delete a code review (audited)',
        params: Type.Object({ reviewId: Uuid }),
        response: { 204: Type.Null({ description: 'deleted' }) },
      },
    },
    async (request, reply) => {
      await db.scope(async (em) => {
        const review = await em.findOne(CodeReview, request.params.reviewId);
        if (!review) throw new NotFoundError(`[memory/example] code review ${request.params.reviewId} not found`);
        em.remove(review);
        db.logAudit(em, {
          action: 'delete_code_review',
          actor: actorOf(request),
          resourceType: 'code_review',
          resourceId: review.id,
          details: { sessionId: review.session.id },
        });
      });
      return reply.code(204).send(null);
    },
  );
}
