import { Readable } from 'node:stream';
import { validateUserId } from '@memory/longterm-core';
import { loadKnowledgeTriples, loadUserProfileVersioned } from '@memory/semantics';
import { Type } from 'typebox';
import type { App } from '../app-types.js';
import { actorOf } from '../auth.js';
import type { MemoryServices } from '../memory-services.js';
import { JsonLinesBody, PurgeBody, UserParams } from '../schemas.js';

/**
 * The store's export lines with the user's long-term memory added before the closing line: one
 * `{"type":"profile"}` line (when there is a profile) and one `{"type":"knowledge"}` line per
 * triple, counted in the end line's `counts` (`profile`, `knowledge`), since purge deletes them too.
 */
async function* withLongTermMemory(
  lines: AsyncIterable<string>,
  longTerm: { profile: Awaited<ReturnType<typeof loadUserProfileVersioned>>; triples: unknown[] },
  userId: string,
): AsyncGenerator<string> {
  for await (const line of lines) {
    const end = line.startsWith('{"type":"end"')
      ? (JSON.parse(line) as { type?: string; counts?: Record<string, number> })
      : null;
    if (!end || end.type !== 'end') {
      yield line;
      continue;
    }
    const { profile, etag } = longTerm.profile;
    const { triples } = longTerm;
    if (profile) yield `${JSON.stringify({ type: 'profile', userId, etag, profile })}\n`;
    for (const triple of triples) yield `${JSON.stringify({ type: 'knowledge', userId, triple })}\n`;
    yield `${JSON.stringify({ ...end, counts: { ...end.counts, profile: profile ? 1 : 0, knowledge: triples.length } })}\n`;
  }
}

/** Per-user data rights: export everything as JSONL, purge everything. */
export function registerUserRoutes(app: App, { store, storage }: MemoryServices): void {
  app.get(
    '/users/:userId/export',
    {
      schema: {
        tags: ['users'],
        summary:
          'Every session, message, summary, archived message, audit row, the profile and the knowledge triples of the user, streamed as JSONL (last line: {"type":"end"} with counts)',
        params: UserParams,
        querystring: Type.Object({ includeEmbeddings: Type.Optional(Type.Boolean()) }),
        response: { 200: JsonLinesBody },
        produces: ['application/x-ndjson'],
      },
    },
    async (request, reply) => {
      validateUserId(request.params.userId);
      // Read before the first byte is sent: a storage that refuses the user's keys (a name the
      // filesystem backend will not store) or fails is then a typed error answer, not a 200 cut
      // off mid-stream (found by the HTTP fuzzer with the user id ".memory-meta.x.json").
      const [profile, triples] = await Promise.all([
        loadUserProfileVersioned(storage, request.params.userId),
        loadKnowledgeTriples(storage, request.params.userId),
      ]);
      const lines = withLongTermMemory(
        store.exportUser(request.params.userId, { includeEmbeddings: request.query.includeEmbeddings ?? false }),
        { profile, triples },
        request.params.userId,
      );
      const filename = encodeURIComponent(`${request.params.userId}.jsonl`);
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${filename}`)
        .send(Readable.from(lines) as unknown as string);
    },
  );

  app.delete(
    '/users/:userId',
    {
      config: { ownAudit: true }, // purge_user, from the store
      schema: {
        tags: ['users'],
        summary:
          'Purge the user: sessions (any status), messages, summaries, archive, code reviews, audit rows naming them, profile and knowledge',
        params: UserParams,
        response: { 200: PurgeBody },
      },
    },
    async (request) => {
      validateUserId(request.params.userId);
      return store.purgeUser(request.params.userId, { longTermStorage: storage, actor: actorOf(request) });
    },
  );
}
