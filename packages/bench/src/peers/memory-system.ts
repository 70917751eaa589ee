/** This project in the peers benchmark: `createConversationStore` on `createMemoryDb`, migrated by `initDb`. */
import pg from 'pg';
import type { MemoryDb } from '@memory/db';
import { MessageRole } from '@memory/models';
import type { ConversationStore, NewMessage } from '@memory/conversations';
import { openMemoryStore } from '../scratch-db.js';
import { CONTENT, DIMS, POOL, roleAt, TOP_K } from './config.js';
import { seedThread, type System, type VectorRow } from './system.js';

export type MemorySystem = System & { db: MemoryDb; store: ConversationStore };

/** This project: `createConversationStore` on `createMemoryDb`, migrated by `initDb`. */
export async function memorySystem(url: string): Promise<MemorySystem> {
  const { db, store } = await openMemoryStore(url, DIMS, POOL);
  const aux = new pg.Pool({ connectionString: url, max: 1 });
  const msg = (role: 'user' | 'assistant'): NewMessage => ({
    role: role === 'user' ? MessageRole.USER : MessageRole.ASSISTANT,
    content: CONTENT,
    model: role === 'assistant' ? 'gpt-4o' : null,
  });
  return {
    name: '@memory/conversations',
    db,
    store,
    aux,
    async createSessions(sessions) {
      for (const s of sessions) await store.createSession({ id: s.id, userId: s.userId });
    },
    async appendOne(sessionId, _userId, role) {
      await store.appendMessages(sessionId, [msg(role)]);
    },
    async appendBatch(sessionId, _userId, n) {
      await store.appendMessages(
        sessionId,
        Array.from({ length: n }, (_, j) => msg(roleAt(j))),
      );
    },
    async newest50(sessionId) {
      return (await store.getHistory(sessionId, { limit: 50 })).messages.length;
    },
    loadVectors: (bySession) => importInto(store, bySession),
    seedThread: (sessionId, n) => seedThread(aux, sessionId, n),
    async search(vector, userId) {
      return (await store.searchMessages({ vector, userId, topK: TOP_K })).map((h) => h.message.id);
    },
    async close() {
      await aux.end().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}

/** Our bulk load: `importMessages`, the store's API for moving history in (COPY on PostgreSQL). */
async function importInto(store: ConversationStore, bySession: VectorRow[][]): Promise<string> {
  const rows = bySession.flat();
  const { path } = await store.importMessages(
    rows.map((r) => ({
      id: r.id,
      sessionId: r.sessionId,
      role: r.role === 'user' ? MessageRole.USER : MessageRole.ASSISTANT,
      content: r.content,
      embedding: r.vector,
    })),
  );
  return `importMessages (${path}), ${rows.length} messages a call`;
}
