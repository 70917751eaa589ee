import { redactUrl } from '@memory/errors';
import type { App } from '../app-types.js';
import { checkDatabase, checkPgvector, checkStorage } from '../health-checks.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../http-errors.js';
import type { MemoryServices } from '../memory-services.js';
import { HealthBody } from '../schemas.js';

/** `/health`: database, pgvector and storage; 200 when all are fine, 503 otherwise. */
export function registerHealthRoutes(app: App, { db, storage, config, embedder }: MemoryServices): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Database, pgvector and storage checks (503 when one fails)',
        response: { 200: HealthBody, 503: HealthBody },
      },
    },
    async (_request, reply) => {
      const [database, pgvector, storageCheck] = await Promise.all([
        checkDatabase(db),
        checkPgvector(db),
        checkStorage(storage, redactUrl(config.storageUrl)),
      ]);
      const ok = database.ok && pgvector.ok && storageCheck.ok;
      // Unhealthy is a state to come back to (a load balancer or client retries after the hint).
      if (!ok) reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'unhealthy',
        checks: { database, pgvector, storage: storageCheck },
        embedding: { provider: embedder.description, dimensions: embedder.dimensions },
      });
    },
  );
}
