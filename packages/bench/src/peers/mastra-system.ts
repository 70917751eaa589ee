/** Mastra in the peers benchmark: `@mastra/pg`'s `PostgresStore` (memory domain) and `PgVector`. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresStore, PgVector } from '@mastra/pg';
import type { MastraDBMessage } from '@mastra/core/agent';
import { CONTENT, DIMS, POOL, roleAt, THREAD_USER, TOP_K } from './config.js';
import type { System } from './system.js';

const MASTRA_INDEX = `memory_messages_${DIMS}`;

function mastraMessage(
  id: string,
  threadId: string,
  resourceId: string,
  role: 'user' | 'assistant',
  text: string,
  createdAt = new Date(),
): MastraDBMessage {
  return {
    id,
    threadId,
    resourceId,
    role,
    createdAt,
    type: 'v2',
    content: { format: 2, parts: [{ type: 'text', text }], content: text },
  };
}

/** Mastra: `PostgresStore` (memory domain) and `PgVector` with the index its `Memory` creates for semantic recall. */
export async function mastraSystem(url: string): Promise<System> {
  const storage = new PostgresStore({ id: 'bench-storage', connectionString: url, max: POOL });
  await storage.init();
  const memory = await storage.getStore('memory');
  if (!memory) throw new Error('Mastra PostgresStore has no memory domain');
  const vector = new PgVector({ id: 'bench-vector', connectionString: url, pgPoolOptions: { max: POOL } });
  // As `Memory.createEmbeddingIndex` does with `semanticRecall.indexConfig` from Mastra's docs (HNSW, m 16, ef_construction 64).
  await vector.createIndex({
    indexName: MASTRA_INDEX,
    dimension: DIMS,
    metric: 'cosine',
    indexConfig: { type: 'hnsw', hnsw: { m: 16, efConstruction: 64 } },
    metadataIndexes: ['thread_id', 'resource_id'],
  });
  const aux = new pg.Pool({ connectionString: url, max: 1 });
  // Dropping the scratch database terminates idle connections: not an error of the run.
  for (const p of new Set([storage.pool, storage.readPool, vector.pool])) p.on('error', () => undefined);
  let clock = Date.now();
  // Mastra orders by createdAt; distinct, increasing times as a live agent's messages have.
  const now = () => new Date(Math.max(Date.now(), ++clock));
  return {
    name: 'Mastra',
    aux,
    async createSessions(sessions) {
      for (const s of sessions) {
        const at = new Date();
        await memory.saveThread({
          thread: { id: s.id, title: `chat ${s.id.slice(0, 8)}`, resourceId: s.userId, createdAt: at, updatedAt: at },
        });
      }
    },
    async appendOne(sessionId, userId, role) {
      await memory.saveMessages({ messages: [mastraMessage(randomUUID(), sessionId, userId, role, CONTENT, now())] });
    },
    async appendBatch(sessionId, userId, n) {
      await memory.saveMessages({
        messages: Array.from({ length: n }, (_, j) =>
          mastraMessage(randomUUID(), sessionId, userId, roleAt(j), CONTENT, now()),
        ),
      });
    },
    async newest50(sessionId) {
      const page = await memory.listMessages({
        threadId: sessionId,
        page: 0,
        perPage: 50,
        orderBy: { field: 'createdAt', direction: 'DESC' },
        includeTotal: false,
      });
      return page.messages.length;
    },
    async loadVectors(bySession) {
      for (const rows of bySession) {
        await memory.saveMessages({
          messages: rows.map((r) => mastraMessage(r.id, r.sessionId, r.userId, r.role, r.content, now())),
        });
        await vector.upsert({
          indexName: MASTRA_INDEX,
          vectors: rows.map((r) => r.vector),
          ids: rows.map((r) => r.id),
          metadata: rows.map((r) => ({ message_id: r.id, thread_id: r.sessionId, resource_id: r.userId })),
        });
      }
      return `saveMessages + PgVector.upsert, ${bySession[0]?.length ?? 0} messages a call`;
    },
    async seedThread(sessionId, n) {
      const base = Date.now() - 3 * 86_400_000;
      for (let from = 0; from < n; from += 1000) {
        await memory.saveMessages({
          messages: Array.from({ length: Math.min(1000, n - from) }, (_, k) =>
            mastraMessage(
              randomUUID(),
              sessionId,
              THREAD_USER,
              roleAt(from + k),
              `thread message ${from + k}`,
              new Date(base + (from + k) * 1000),
            ),
          ),
        });
      }
    },
    async search(queryVector, userId) {
      const hits = await vector.query({
        indexName: MASTRA_INDEX,
        queryVector,
        topK: TOP_K,
        filter: { resource_id: userId },
      });
      return hits.map((h) => h.id);
    },
    async close() {
      await aux.end().catch(() => undefined);
      await vector.disconnect().catch(() => undefined);
      await storage.close().catch(() => undefined);
    },
  };
}
