import { randomUUID } from 'node:crypto';
import type { ArchiveProgress, ArchiveRunResult } from '@memory/archive';
import { NotFoundError } from '@memory/errors';
import { AuditLog } from '@memory/models';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import { ArchiveRunBody, JsonObject, UserId, Uuid } from '../schemas.js';

const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
const NullableDateTime = Type.Unsafe<Date | string | null>({ type: 'string', format: 'date-time', nullable: true });

const UsersBody = Type.Object({
  users: Type.Array(
    Type.Object({
      userId: Type.String(),
      sessions: Type.Integer(),
      lastActivity: DateTime,
    }),
  ),
});

const AuditBody = Type.Object({
  entries: Type.Array(
    Type.Object({
      id: Type.String(),
      createdAt: NullableDateTime,
      action: Type.String(),
      resourceType: Type.String(),
      resourceId: Type.Union([Type.String(), Type.Null()]),
      actor: Type.Union([Type.String(), Type.Null()]),
      details: Type.Union([JsonObject, Type.Null()]),
    }),
  ),
});

const Progress = Type.Object({
  phase: Type.String(),
  done: Type.Integer(),
  total: Type.Integer(),
  messagesDone: Type.Integer(),
  messagesTotal: Type.Integer(),
  elapsedMs: Type.Number(),
  etaMs: Type.Union([Type.Number(), Type.Null()]),
  messagesPerSecond: Type.Number(),
});

const RunStateBody = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Union([Progress, Type.Null()]),
  result: Type.Union([ArchiveRunBody, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

interface RunState {
  id: string;
  state: 'running' | 'done' | 'failed';
  progress: ArchiveProgress | null;
  result: ArchiveRunResult | null;
  error: string | null;
}

/**
 * What the memory console needs beyond the data routes: the users (from their sessions), the
 * audit log, and archive runs in the background whose progress can be polled.
 */
export function registerConsoleApiRoutes(app: App, { db, archiver }: MemoryServices): void {
  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users that have sessions, most recently active first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: { 200: UsersBody },
      },
    },
    async (request) => {
      const rows = await db.execute<{ user_id: string; sessions: number; last_activity: Date | string }>(
        `select user_id, count(*)::int as sessions, max(updated_at) as last_activity
           from sessions where user_id is not null group by user_id order by max(updated_at) desc limit ?`,
        [request.query.limit ?? 200],
      );
      return {
        users: rows.map((r) => ({
          userId: r.user_id,
          sessions: Number(r.sessions),
          lastActivity: new Date(r.last_activity),
        })),
      };
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first; filter by actor, action or resource id',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          actor: Type.Optional(Type.String({ maxLength: 512 })),
          action: Type.Optional(Type.String({ maxLength: 64 })),
          resourceId: Type.Optional(Type.String({ maxLength: 512 })),
          userId: Type.Optional(UserId),
        }),
        response: { 200: AuditBody },
      },
    },
    async (request) => {
      const { limit, actor, action, resourceId, userId } = request.query;
      const where: Record<string, unknown> = {};
      if (actor) where.actor = actor;
      if (action) where.action = action;
      if (resourceId) where.resourceId = resourceId;
      if (userId) where.details = { userId };
      const rows = await db
        .fork()
        .find(AuditLog, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: limit ?? 100 });
      return {
        entries: rows.map((r) => ({
          id: r.id as string,
          createdAt: (r.createdAt as Date | null) ?? null,
          action: r.action,
          resourceType: r.resourceType,
          resourceId: r.resourceId ?? null,
          actor: r.actor ?? null,
          details: (r.details as Record<string, unknown> | null) ?? null,
        })),
      };
    },
  );

  const runs = new Map<string, RunState>();
  app.post(
    '/archive/runs',
    {
      schema: {
        tags: ['archive'],
        summary: 'Start an archive run in the background; poll GET /archive/runs/{runId} for its progress',
        body: Type.Optional(Type.Object({ batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) })),
        response: { 202: RunStateBody },
      },
    },
    async (request, reply) => {
      const running = [...runs.values()].find((r) => r.state === 'running');
      if (running) return reply.code(202).send(running);
      const run: RunState = { id: randomUUID(), state: 'running', progress: null, result: null, error: null };
      runs.set(run.id, run);
      const batchSize = request.body?.batchSize;
      void archiver
        .runArchive({
          ...(batchSize ? { batchSize } : {}),
          onProgress: (progress) => {
            run.progress = progress;
          },
        })
        .then(
          (result) => Object.assign(run, { state: 'done', result }),
          (error: unknown) => {
            request.log.error({ err: error }, 'background archive run failed');
            Object.assign(run, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
          },
        );
      return reply.code(202).send(run);
    },
  );

  app.get(
    '/archive/runs/:runId',
    {
      schema: {
        tags: ['archive'],
        summary: 'The state and progress of a background archive run',
        params: Type.Object({ runId: Uuid }),
        response: { 200: RunStateBody },
      },
    },
    async (request) => {
      const run = runs.get(request.params.runId);
      if (!run) throw new NotFoundError(`no archive run ${request.params.runId} in this service process`);
      return run;
    },
  );
}
