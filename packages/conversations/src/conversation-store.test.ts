import { describe, expect, it } from 'vitest';
import type { MemoryDb } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import { createConversationStore } from './conversation-store.js';

/** A MemoryDb that records any attempt to reach the database. */
function unreachableDb(): { db: MemoryDb; touched: string[] } {
  const touched: string[] = [];
  const fail = (what: string) => () => {
    touched.push(what);
    throw new Error(`database touched: ${what}`);
  };
  const db = {
    embeddingDimensions: 3,
    em: fail('em'),
    fork: fail('fork'),
    scope: fail('scope'),
    execute: fail('execute'),
  } as unknown as MemoryDb;
  return { db, touched };
}

describe('createConversationStore', () => {
  it('checks its options', () => {
    const { db } = unreachableDb();
    expect(() => createConversationStore(db, { previewLength: 0 })).toThrow(
      /previewLength must be an integer from 1 to 10000/,
    );
    expect(() => createConversationStore(db, { restore: 'yes' as never })).toThrow(/restore must be a function/);
    expect(() => createConversationStore(db, { actor: 'a\u0000' })).toThrow(InvalidInputError);
    expect(() => createConversationStore(db, { efSearch: 0 })).toThrow(
      /efSearch must be an integer from 1 to 1000, got 0/,
    );
    expect(() => createConversationStore(db, { efSearch: 1001 })).toThrow(InvalidInputError);
    expect(() => createConversationStore(db, { exactSearchThreshold: -1 })).toThrow(
      /exactSearchThreshold must be an integer from 0 to 100000/,
    );
    expect(() => createConversationStore(db, { efSearch: 1000, exactSearchThreshold: 0 })).not.toThrow();
  });

  it('refuses bad input before any statement is sent', async () => {
    const { db, touched } = unreachableDb();
    const store = createConversationStore(db);
    const id = '00000000-0000-4000-8000-000000000001';
    const calls: Array<() => Promise<unknown>> = [
      () => store.getSession('not-a-uuid'),
      () => store.createSession({ userId: '' }),
      () => store.listSessions({ limit: 500 }),
      () => store.listSessions({ status: 9 as never }),
      () => store.patchSessionMetadata(id, [] as never),
      () => store.appendMessages(id, [{ role: 'user', content: 'x', embedding: [1, 2, 3, 4] }]),
      () => store.appendMessages(id, []),
      () => store.getHistory(id, { after: 'bogus' }),
      () => store.saveSummary(id, { strategy: 's', json: { todos: [1] } as never }),
      () => store.setEmbeddings([{ messageId: id, embedding: [Number.POSITIVE_INFINITY, 0, 0] }]),
      () => store.searchMessages({ vector: [1, 0, 0], userId: 'u', roles: ['robot' as never] }),
      () => store.searchMessages({ vector: [1, 0, 0], userId: 'u', since: new Date('x') }),
      () => store.searchMessages({ vector: [0, 0, 0], userId: 'u' }),
      () => store.searchMessages({ vector: [1, 0, 0], userId: 'u', efSearch: 1001 }),
      () => store.searchMessages({ vector: [1, 0, 0], userId: 'u', efSearch: 2.5 }),
      () =>
        store.searchMessages({ text: '🙂', provider: { dimensions: 3, embed: async () => [[0, 0, 0]] }, userId: 'u' }),
      () => store.purgeUser('u', undefined as never),
    ];
    for (const call of calls) await expect(call()).rejects.toThrow(InvalidInputError);
    expect(touched).toEqual([]);
  });
});
