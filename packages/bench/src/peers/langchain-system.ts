/** LangChain in the peers benchmark: `@langchain/community`'s `PostgresChatMessageHistory` and `PGVectorStore`. */
import pg from 'pg';
import { PostgresChatMessageHistory } from '@langchain/community/stores/message/postgres';
import { PGVectorStore } from '@langchain/community/vectorstores/pgvector';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { Document } from '@langchain/core/documents';
import { CONTENT, DIMS, POOL, roleAt, TOP_K } from './config.js';
import type { System } from './system.js';

/** Vectors are given, never computed: the benchmark passes them to `addVectors` and the search. */
const noEmbeddings: EmbeddingsInterface = {
  embedDocuments: () => Promise.reject(new Error('the benchmark passes vectors')),
  embedQuery: () => Promise.reject(new Error('the benchmark passes vectors')),
};

/** LangChain: `PostgresChatMessageHistory` per session and `PGVectorStore` with `createHnswIndex`, on one pool of 4. */
export async function langchainSystem(url: string): Promise<System> {
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const aux = new pg.Pool({ connectionString: url, max: 1 });
  const store = await PGVectorStore.initialize(noEmbeddings, {
    pool,
    tableName: 'langchain_vectors',
    dimensions: DIMS,
    distanceStrategy: 'cosine',
  });
  await store.createHnswIndex({ dimensions: DIMS, m: 16, efConstruction: 64 });
  const histories = new Map<string, PostgresChatMessageHistory>();
  const history = (sessionId: string) => {
    let h = histories.get(sessionId);
    if (!h) histories.set(sessionId, (h = new PostgresChatMessageHistory({ sessionId, pool })));
    return h;
  };
  const message = (role: 'user' | 'assistant', text: string): BaseMessage =>
    role === 'user' ? new HumanMessage(text) : new AIMessage(text);
  return {
    name: 'LangChain',
    aux,
    async createSessions() {
      // No threads: a history is keyed by its session id.
    },
    async appendOne(sessionId, _userId, role) {
      await history(sessionId).addMessage(message(role, CONTENT));
    },
    async appendBatch(sessionId, _userId, n) {
      await history(sessionId).addMessages(Array.from({ length: n }, (_, j) => message(roleAt(j), CONTENT)));
    },
    async newest50(sessionId) {
      // The only read the class has: every message of the session, oldest first.
      return (await history(sessionId).getMessages()).slice(-50).length;
    },
    async loadVectors(bySession) {
      for (const rows of bySession) {
        await history(rows[0]!.sessionId).addMessages(rows.map((r) => message(r.role, r.content)));
        await store.addVectors(
          rows.map((r) => r.vector),
          rows.map(
            (r) =>
              new Document({
                pageContent: r.content,
                metadata: { message_id: r.id, session_id: r.sessionId, user_id: r.userId },
              }),
          ),
          { ids: rows.map((r) => r.id) },
        );
      }
      return `addMessages + PGVectorStore.addVectors, ${bySession[0]?.length ?? 0} messages a call`;
    },
    async seedThread(sessionId, n) {
      await history(sessionId).getMessages(); // creates its table
      await aux.query(
        `INSERT INTO langchain_chat_histories (session_id, message)
         SELECT $1, jsonb_build_object('type', CASE WHEN j % 2 = 0 THEN 'human' ELSE 'ai' END,
                  'content', 'thread message ' || j, 'additional_kwargs', '{}'::jsonb, 'response_metadata', '{}'::jsonb)
           FROM generate_series(0, $2::int - 1) AS j`,
        [sessionId, n],
      );
    },
    async search(vector, userId) {
      const hits = await store.similaritySearchVectorWithScore(vector, TOP_K, { user_id: userId });
      return hits.map(([doc]) => String(doc.metadata.message_id));
    },
    async close() {
      await aux.end().catch(() => undefined);
      await store.end().catch(() => undefined);
    },
  };
}
