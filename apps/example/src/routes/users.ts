import { Readable } from 'node:stream';
import { validateUserId } from '@memory/longterm-core';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';
import { UserParams } from '../schemas.js';

/** Per-user data rights: export everything as JSONL, purge everything. */
export function registerUserRoutes(app: App, { store, storage }: MemoryServices): void {
  app.get(
    '/users/:userId/export',
    {
      schema: {
        tags: ['users'],
        summary:
          'Every session, message, summary, archived message and audit row of the user, streamed as JSONL (last line: {"type":"end"} with counts)',
        params: UserParams,
        querystring: Type.Object({ includeEmbeddings: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request, reply) => {
      validateUserId(request.params.userId);
      const lines = store.exportUser(request.params.userId, {
        includeEmbeddings: request.query.includeEmbeddings ?? false,
      });
      const filename = encodeURIComponent(`${request.params.userId}.jsonl`);
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${filename}`)
        .send(Readable.from(lines));
    },
  );

  app.delete(
    '/users/:userId',
    {
      schema: {
        tags: ['users'],
        summary:
          'Purge the user: sessions (any status), messages, summaries, archive, code reviews, audit rows naming them, profile and knowledge',
        params: UserParams,
      },
    },
    async (request) => {
      validateUserId(request.params.userId);
      return store.purgeUser(request.params.userId, { longTermStorage: storage });
    },
  );
}
