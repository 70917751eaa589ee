import { Type } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import { ArchivePlanBody, ArchiveRunBody, RestoreBody, SessionParams } from '../schemas.js';

const Now = Type.Optional(
  Type.String({ format: 'date-time', description: 'apply the policy at this time instead of now' }),
);

/** The archive lifecycle: plan, run (hot → cold → deep → deleted), restore a session. */
export function registerArchiveRoutes(app: App, { archiver }: MemoryServices): void {
  app.get(
    '/archive/plan',
    {
      schema: {
        tags: ['archive'],
        summary: 'What an archive run would move now, per tier (changes nothing)',
        querystring: Type.Object({ now: Now }),
        response: { 200: ArchivePlanBody },
      },
    },
    async (request) => ({
      policy: archiver.policy,
      ...(await archiver.planArchive(request.query.now ? { now: new Date(request.query.now) } : {})),
    }),
  );

  app.post(
    '/archive/run',
    {
      schema: {
        tags: ['archive'],
        summary: 'Run the lifecycle once; stops after the current batch when the client goes away (a rerun resumes)',
        body: Type.Optional(
          Type.Object({ now: Now, batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }),
        ),
        response: { 200: ArchiveRunBody },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const ac = new AbortController();
      // A client that goes away before the answer stops the run at the next batch boundary.
      const onClose = () => {
        if (!reply.raw.writableFinished) ac.abort();
      };
      reply.raw.once('close', onClose);
      const result = await archiver.runArchive({
        signal: ac.signal,
        ...(body.now ? { now: new Date(body.now) } : {}),
        ...(body.batchSize !== undefined ? { batchSize: body.batchSize } : {}),
      });
      if (result.aborted)
        request.log.warn({ result }, 'archive run stopped: the client went away; the next run resumes');
      return result;
    },
  );

  app.post(
    '/sessions/:sessionId/restore',
    {
      schema: {
        tags: ['archive'],
        summary: 'Bring a cold or deep session back to active, messages and summaries identical',
        params: SessionParams,
        response: { 200: RestoreBody },
      },
    },
    async (request) => {
      const { cleanupError, ...result } = await archiver.restoreSession(request.params.sessionId);
      if (cleanupError)
        request.log.warn(
          { err: cleanupError, sessionId: request.params.sessionId },
          'restored, but removing the export objects failed',
        );
      return { ...result, cleanupFailed: cleanupError !== undefined };
    },
  );
}
