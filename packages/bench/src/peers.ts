/**
 * `pnpm bench peers`: `@memory/conversations` beside the libraries a user would pick instead,
 * Mastra (`@mastra/pg`: `PostgresStore` for threads and messages, `PgVector` for embeddings) and
 * LangChain (`@langchain/community`: `PostgresChatMessageHistory`, `PGVectorStore`), and plain
 * `pg` with hand-written SQL on a table of the same columns (never this project's SQL). One run,
 * each system in its own fresh database on the same PostgreSQL server, a pool of 4 per system,
 * calls one at a time, interleaved rounds ({@link interleave}) so drift hits every system alike.
 *
 * Each peer is set up as its docs advise: Mastra's default indexes and the HNSW index and metadata
 * indexes its `Memory` creates for semantic recall (`memory_messages_384`, m 16, ef_construction
 * 64, `thread_id`/`resource_id` btree); LangChain's table and `createHnswIndex` (m 16,
 * ef_construction 64). Batches use each library's batching API: Mastra `saveMessages` +
 * `upsert`, LangChain `addMessages` + `addVectors`, ours `importMessages` (formerly `appendMessages`
 * for the bulk load, when the store has it). A message with an embedding is stored in both of a
 * peer's stores (history and vectors), as an agent using it would.
 *
 * Measures, each target a ratio within the run (issue 11):
 * - single appends (msg/s) ≥ 0.8 × one autocommit `INSERT` per message;
 * - batches of 100 ≥ 0.9 × one multi-row `INSERT`;
 * - newest 50 of a 100k-message thread: p50 ≤ 2 × plain and ahead of both peers;
 * - loading 20k messages with 384-d embeddings into a table with its HNSW index ≤ 1.2 × plain
 *   multi-row `INSERT`s into a table with the same HNSW index; 1M messages without embeddings ≤
 *   1.2 × a plain `COPY` (full size only);
 * - filtered search for a 1k-message user: p95 with a 100k-message thread in the database within
 *   1.5 × the same search before the thread was added (same database, same vectors, same queries);
 * - recall@10 ≥ 0.95 on clustered vectors, reported on random unit vectors, beside the peers'.
 *
 * Sizes scale down under `MEMORY_BENCH_SIZE=small`. PostgreSQL from `MEMORY_BENCH_PG_URL`,
 * `MEMORY_TEST_PG_URL`, or `postgres://postgres@127.0.0.1:5432/postgres`; scratch databases
 * `memory_bench_peers_*` are created and dropped.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync, appendFileSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PostgresStore, PgVector } from '@mastra/pg';
import type { MastraDBMessage } from '@mastra/core/agent';
import { PostgresChatMessageHistory } from '@langchain/community/stores/message/postgres';
import { PGVectorStore } from '@langchain/community/vectorstores/pgvector';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { Document } from '@langchain/core/documents';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { MessageRole } from '@memory/models';
import { createConversationStore, type ConversationStore, type NewMessage } from '@memory/conversations';
import {
  clusteredVectors,
  gaussian,
  gaussianCentres,
  interleave,
  interleaveOrder,
  sum,
  timed,
  vectorLiteral,
} from './measure.js';
import { outDir, percentile, writeReport, type BenchRow } from './report.js';
import { hnswIndexDefinition } from './schema.js';
import { peersChartSvg, type ChartGroup } from './peers-chart.js';

const DIMS = 384;
const TOP_K = 10;
const PER_SESSION = 100;
const CLUSTERS = 50;
const NOISE = 0.5;
const POOL = 4;
const CONTENT = 'an appended message, about the length of a short chat turn. 你好.';

interface Sizes {
  /** Messages with embeddings loaded into each system. */
  vectors: number;
  /** Messages of the big thread (no embeddings). */
  thread: number;
  /** Messages of the bulk import without embeddings vs plain COPY; 0 skips it. */
  bulk: number;
  rounds: number;
  appendRounds: number;
  singlePerRound: number;
  batchPerRound: number;
  historyPerRound: number;
  searchPerRound: number;
  recallQueries: number;
}

const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    vectors: 2_000,
    thread: 10_000,
    bulk: 0,
    rounds: 4,
    appendRounds: 6,
    singlePerRound: 30,
    batchPerRound: 4,
    historyPerRound: 10,
    searchPerRound: 10,
    recallQueries: 40,
  },
  full: {
    vectors: 20_000,
    thread: 100_000,
    bulk: 1_000_000,
    rounds: 8,
    appendRounds: 16,
    singlePerRound: 100,
    batchPerRound: 10,
    historyPerRound: 15,
    searchPerRound: 20,
    recallQueries: 100,
  },
};

const SMALL_USER = 'u-small';
const BIG_USER = 'u-big';
const THREAD_USER = 'u-thread';

// ---------------------------------------------------------------------------------------------
// Scratch databases

interface Scratch {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createScratch(adminUrl: string, label: string): Promise<Scratch> {
  const name = `memory_bench_peers_${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

// ---------------------------------------------------------------------------------------------
// The systems

/** A message with an embedding, the same for every system. */
interface VectorRow {
  id: string;
  sessionId: string;
  userId: string;
  role: 'user' | 'assistant';
  content: string;
  vector: number[];
}

/** What each system is asked to do; `aux` is an extra connection for untimed seeding and VACUUM. */
interface System {
  name: string;
  aux: pg.Pool;
  /** Creates sessions/threads (untimed). */
  createSessions(sessions: { id: string; userId: string }[]): Promise<void>;
  appendOne(sessionId: string, userId: string, role: 'user' | 'assistant'): Promise<void>;
  appendBatch(sessionId: string, userId: string, n: number): Promise<void>;
  newest50(sessionId: string): Promise<number>;
  /** The timed load of messages with embeddings, one session's messages at a time. */
  loadVectors(bySession: VectorRow[][]): Promise<string>;
  /** `n` messages without embeddings in one session (untimed, fastest way in). */
  seedThread(sessionId: string, n: number): Promise<void>;
  search(vector: number[], userId: string): Promise<string[]>;
  close(): Promise<void>;
}

const roleAt = (j: number): 'user' | 'assistant' => (j % 2 ? 'assistant' : 'user');

/** This project: `createConversationStore` on `createMemoryDb`, migrated by `initDb`. */
async function memorySystem(url: string): Promise<System & { db: MemoryDb; store: ConversationStore }> {
  const db = createMemoryDb({ url, embeddingDimensions: DIMS, pool: { min: 1, max: POOL } });
  await db.initDb();
  const store = createConversationStore(db);
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

/**
 * Fills one thread with `n` messages by a server-side INSERT ... SELECT on a `messages` table of
 * the original columns (ours and the plain baseline share them), so seeding costs the same for both.
 */
async function seedThread(aux: pg.Pool, sessionId: string, n: number): Promise<void> {
  await aux.query(
    `INSERT INTO messages (id, session_id, role, content, model, created_at)
     SELECT gen_random_uuid(), $1::uuid, CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
            'thread message ' || j, CASE WHEN j % 2 = 1 THEN 'gpt-4o' END,
            now() - interval '3 days' + j * interval '1 second'
       FROM generate_series(0, $2::int - 1) AS j`,
    [sessionId, n],
  );
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

/** Plain `pg`, hand-written SQL on a table of the same columns. */
async function plainSystem(url: string, hnswDef: string): Promise<System & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const aux = new pg.Pool({ connectionString: url, max: 1 });
  for (const sql of [
    'CREATE EXTENSION IF NOT EXISTS vector',
    `CREATE TABLE sessions (id uuid PRIMARY KEY, user_id text, updated_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE messages (
       id uuid PRIMARY KEY,
       session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
       role varchar(32) NOT NULL,
       content text NOT NULL,
       model varchar(128),
       embedding vector(${DIMS}),
       created_at timestamptz NOT NULL DEFAULT clock_timestamp()
     )`,
    'CREATE INDEX messages_session_created ON messages (session_id, created_at)',
    // The same HNSW index as this project's (its definition read back from its database).
    hnswDef,
  ])
    await aux.query(sql);
  const multiRow = (rows: number, cols: number) =>
    Array.from(
      { length: rows },
      (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(', ')})`,
    ).join(', ');
  return {
    name: 'plain pg',
    pool,
    aux,
    async createSessions(sessions) {
      await aux.query(`INSERT INTO sessions (id, user_id) SELECT * FROM unnest($1::uuid[], $2::text[])`, [
        sessions.map((s) => s.id),
        sessions.map((s) => s.userId),
      ]);
    },
    async appendOne(sessionId, _userId, role) {
      await pool.query('INSERT INTO messages (id, session_id, role, content, model) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        sessionId,
        role,
        CONTENT,
        role === 'assistant' ? 'gpt-4o' : null,
      ]);
    },
    async appendBatch(sessionId, _userId, n) {
      const values: unknown[] = [];
      for (let j = 0; j < n; j++)
        values.push(randomUUID(), sessionId, roleAt(j), CONTENT, roleAt(j) === 'assistant' ? 'gpt-4o' : null);
      await pool.query(`INSERT INTO messages (id, session_id, role, content, model) VALUES ${multiRow(n, 5)}`, values);
    },
    async newest50(sessionId) {
      const { rows } = await pool.query(
        'SELECT id, role, content, model, created_at FROM messages WHERE session_id = $1 ORDER BY created_at DESC LIMIT 50',
        [sessionId],
      );
      return rows.length;
    },
    async loadVectors(bySession) {
      for (const rows of bySession) {
        const values: unknown[] = [];
        for (const r of rows) values.push(r.id, r.sessionId, r.role, r.content, vectorLiteral(r.vector));
        await pool.query(
          `INSERT INTO messages (id, session_id, role, content, embedding) VALUES ${multiRow(rows.length, 5)}`,
          values,
        );
      }
      return `multi-row INSERT, ${bySession[0]?.length ?? 0} rows a statement`;
    },
    seedThread: (sessionId, n) => seedThread(aux, sessionId, n),
    search() {
      return Promise.reject(new Error('plain pg has no search in this benchmark'));
    },
    async close() {
      await pool.end().catch(() => undefined);
      await aux.end().catch(() => undefined);
    },
  };
}

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
async function mastraSystem(url: string): Promise<System> {
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

/** Vectors are given, never computed: the benchmark passes them to `addVectors` and the search. */
const noEmbeddings: EmbeddingsInterface = {
  embedDocuments: () => Promise.reject(new Error('the benchmark passes vectors')),
  embedQuery: () => Promise.reject(new Error('the benchmark passes vectors')),
};

/** LangChain: `PostgresChatMessageHistory` per session and `PGVectorStore` with `createHnswIndex`, on one pool of 4. */
async function langchainSystem(url: string): Promise<System> {
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

/**
 * Where our filtered search spends its time once the big thread is in: the small user's searches
 * again through a store with an `onQuery` hook, p50 per statement (first 80 characters of its
 * SQL), so the report says which statement the plan change hits. Informational.
 */
async function statementTimes(
  memory: { db: MemoryDb },
  queries: number[][],
): Promise<Record<string, { p50Ms: number; calls: number }>> {
  const seen: Record<string, number[]> = {};
  const probe = createConversationStore(memory.db, {
    onQuery: (e) => (seen[e.sql.replace(/\s+/g, ' ').slice(0, 80)] ??= []).push(e.durationMs),
  });
  for (const vector of queries) await probe.searchMessages({ vector, userId: SMALL_USER, topK: TOP_K });
  return Object.fromEntries(
    Object.entries(seen).map(([sql, ms]) => [sql, { p50Ms: Number(percentile(ms, 50).toFixed(3)), calls: ms.length }]),
  );
}

// ---------------------------------------------------------------------------------------------
// Data

/** `count` messages in sessions of PER_SESSION; every 20th session belongs to the small user (1k of 20k). */
function vectorData(
  count: number,
  next: () => number[],
): { sessions: { id: string; userId: string }[]; rows: VectorRow[][] } {
  const n = Math.ceil(count / PER_SESSION);
  const sessions = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    userId: i % 20 === 0 ? SMALL_USER : BIG_USER,
  }));
  const rows: VectorRow[][] = sessions.map(() => []);
  for (let i = 0; i < count; i++) {
    const s = sessions[i % n]!;
    rows[i % n]!.push({
      id: randomUUID(),
      sessionId: s.id,
      userId: s.userId,
      role: roleAt(i),
      content: `vector message ${i}: ${CONTENT}`,
      vector: next(),
    });
  }
  return { sessions, rows };
}

/** Unit vectors drawn uniformly on the sphere. */
function randomUnitVectors(seed: number): () => number[] {
  const g = gaussian(seed);
  return () => {
    const v = Array.from({ length: DIMS }, () => g());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
}

/** The exact top-k ids by cosine distance among `rows` (unit vectors: the largest dot products). */
function exactTopK(rows: VectorRow[], q: number[]): Set<string> {
  const scored = rows.map((r) => {
    let dot = 0;
    for (let d = 0; d < DIMS; d++) dot += r.vector[d]! * q[d]!;
    return { id: r.id, dot };
  });
  scored.sort((a, b) => b.dot - a.dot);
  return new Set(scored.slice(0, TOP_K).map((s) => s.id));
}

// ---------------------------------------------------------------------------------------------
// The run

interface Opened {
  systems: System[];
  scratches: Scratch[];
  memory: Awaited<ReturnType<typeof memorySystem>>;
  plain: System;
}

/** A fresh database per system: ours first (its HNSW definition is read back for plain's table). */
async function openAll(adminUrl: string, label: string): Promise<Opened> {
  const scratches: Scratch[] = [];
  const systems: System[] = [];
  try {
    const s1 = await createScratch(adminUrl, `${label}_memory`);
    scratches.push(s1);
    const memory = await memorySystem(s1.url);
    systems.push(memory);
    const hnswDef = await hnswIndexDefinition(memory.aux);
    const s2 = await createScratch(adminUrl, `${label}_mastra`);
    scratches.push(s2);
    systems.push(await mastraSystem(s2.url));
    const s3 = await createScratch(adminUrl, `${label}_langchain`);
    scratches.push(s3);
    systems.push(await langchainSystem(s3.url));
    const s4 = await createScratch(adminUrl, `${label}_plain`);
    scratches.push(s4);
    const plain = await plainSystem(s4.url, hnswDef);
    systems.push(plain);
    return { systems, scratches, memory, plain };
  } catch (error) {
    await closeAll({ systems, scratches });
    throw error;
  }
}

async function closeAll(o: { systems: System[]; scratches: Scratch[] }): Promise<void> {
  for (const s of o.systems) await s.close();
  for (const s of o.scratches) await s.drop().catch(() => undefined);
}

/** Sessions per step of the interleaved load (1,000 messages). */
const LOAD_STEP_SESSIONS = 10;

/**
 * Loads the same data into every system in interleaved steps of {@link LOAD_STEP_SESSIONS}
 * sessions (the order rotating from step to step, {@link interleaveOrder}), so a busy machine's
 * drift hits every system alike; each system's time is the sum of its steps. Then VACUUM ANALYZE.
 */
async function loadAll(
  systems: System[],
  data: ReturnType<typeof vectorData>,
): Promise<Record<string, { s: number; how: string; steps: number[] }>> {
  const out: Record<string, { s: number; how: string; steps: number[] }> = Object.fromEntries(
    systems.map((s) => [s.name, { s: 0, how: '', steps: [] }]),
  );
  for (const s of systems) await s.createSessions(data.sessions);
  const byName = Object.fromEntries(systems.map((s) => [s.name, s]));
  for (let step = 0; step * LOAD_STEP_SESSIONS < data.rows.length; step++) {
    const chunk = data.rows.slice(step * LOAD_STEP_SESSIONS, (step + 1) * LOAD_STEP_SESSIONS);
    for (const name of interleaveOrder(Object.keys(byName), step)) {
      const entry = out[name]!;
      const ms = await timed(async () => (entry.how = await byName[name]!.loadVectors(chunk)));
      entry.steps.push(ms);
      entry.s += ms / 1000;
    }
  }
  for (const s of systems) await s.aux.query('VACUUM ANALYZE');
  return out;
}

/**
 * Runs the peers benchmark at `size`; prints and writes the report (and, at full size, the chart
 * and the README's targets table). Returns false when one of issue 11's targets misses.
 */
export async function run(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl =
    process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // Phases to leave out, comma-separated: `random` (recall on random unit vectors, a second load
  // of every system) and `bulk` (the 1M import); for a shorter full-size run. Recorded in the report.
  const skip = new Set(
    (process.env.MEMORY_BENCH_PEERS_SKIP ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
  const log = (msg: string) => console.log(`[peers ${new Date().toISOString().slice(11, 19)}] ${msg}`);
  const params: Record<string, unknown> = {
    ...sz,
    dims: DIMS,
    topK: TOP_K,
    perSession: PER_SESSION,
    pool: POOL,
    clusters: CLUSTERS,
    noise: NOISE,
    loadavg1mStart: Number(loadavg()[0]!.toFixed(2)),
    skipped: [...skip],
  };
  const rows: BenchRow[] = [];
  const verdicts: { measure: string; target: string; value: string; holds: boolean }[] = [];
  const chart: ChartGroup[] = [];
  const names = ['@memory/conversations', 'Mastra', 'LangChain', 'plain pg'];
  const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

  const centres = gaussianCentres(7, CLUSTERS, DIMS);
  const clustered = vectorData(sz.vectors, clusteredVectors(11, centres, NOISE));
  const queryGen = clusteredVectors(99, centres, NOISE);
  const queries = Array.from({ length: Math.max(sz.searchPerRound, sz.recallQueries) }, () => queryGen());

  let main: Opened | undefined = await openAll(adminUrl, 'main');
  try {
    log(`four databases ready; loading ${sz.vectors} messages with ${DIMS}-d embeddings into each`);

    // --- load 20k with embeddings into a table with its HNSW index ---------------------------
    const load = await loadAll(main.systems, clustered);
    params.load = Object.fromEntries(Object.entries(load).map(([n, l]) => [n, { s: l.s, how: l.how }]));
    log(`loaded: ${JSON.stringify(params.load)}`);
    const loadStepRatios = load['@memory/conversations']!.steps.map((ms, i) => ms / load['plain pg']!.steps[i]!);
    const plainLoad = load['plain pg']!.s;
    for (const name of names) {
      rows.push({
        name: `load ${sz.vectors.toLocaleString('en')} × ${DIMS}-d, HNSW in place: ${name}`,
        value: load[name]!.s,
        unit: 's',
        note: `${load[name]!.how}; × plain ${fmt(load[name]!.s / plainLoad)}`,
      });
    }
    const loadRatio = load['@memory/conversations']!.s / plainLoad;
    rows.push({
      name: `load ${sz.vectors.toLocaleString('en')} with embeddings: ours / plain multi-row INSERT (time)`,
      value: loadRatio,
      unit: 'ratio',
      target: '<= 1.2',
      pass: loadRatio <= 1.2,
      note: `${load['@memory/conversations']!.how}; ${loadStepRatios.length} interleaved steps of ${LOAD_STEP_SESSIONS * PER_SESSION}, per step median ${fmt(percentile(loadStepRatios, 50))}, ${fmt(Math.min(...loadStepRatios))}–${fmt(Math.max(...loadStepRatios))}`,
    });
    verdicts.push({
      measure: `load ${sz.vectors.toLocaleString('en')} messages with ${DIMS}-d embeddings (time × plain multi-row INSERT)`,
      target: '≤ 1.2×',
      value: `${fmt(loadRatio)}×`,
      holds: loadRatio <= 1.2,
    });
    chart.push({
      label: `load ${sz.vectors / 1000}k × ${DIMS}-d`,
      values: Object.fromEntries(names.slice(0, 3).map((n) => [n, plainLoad / load[n]!.s])),
      target: 1 / 1.2,
    });

    // --- filtered search for the small user, before the big thread ----------------------------
    const searchers = main.systems.filter((s) => s.name !== 'plain pg');
    const roundQueries = queries.slice(0, sz.searchPerRound);
    const short: Record<string, number> = {};
    const searchSide = (s: System, userId: string) => async () => {
      const out: number[] = [];
      for (const q of roundQueries) {
        let n = 0;
        out.push(await timed(async () => (n = (await s.search(q, userId)).length)));
        if (n < TOP_K) short[s.name] = (short[s.name] ?? 0) + 1;
      }
      return out;
    };
    const searchRound = async () => {
      const sides = Object.fromEntries(searchers.map((s) => [s.name, searchSide(s, SMALL_USER)]));
      for (const fn of Object.values(sides)) await fn(); // warm-up
      return interleave(sz.rounds, sides);
    };
    const smallUserMessages = clustered.rows.flat().filter((r) => r.userId === SMALL_USER).length;
    const before = await searchRound();
    log('filtered search measured without the big thread');

    // --- recall@10 on clustered vectors (the big user, HNSW) -----------------------------------
    const bigRows = clustered.rows.flat().filter((r) => r.userId === BIG_USER);
    const recallQs = queries.slice(0, sz.recallQueries);
    const truth = recallQs.map((q) => exactTopK(bigRows, q));
    const recallOf = async (s: System, truthSets: Set<string>[], qs: number[][]) => {
      let hit = 0;
      let shortOnes = 0;
      for (let i = 0; i < qs.length; i++) {
        const got = await s.search(qs[i]!, BIG_USER);
        if (got.length < TOP_K) shortOnes++;
        hit += got.filter((id) => truthSets[i]!.has(id)).length;
      }
      return { recall: hit / (TOP_K * qs.length), short: shortOnes };
    };
    const recallClustered: Record<string, { recall: number; short: number }> = {};
    for (const s of searchers) recallClustered[s.name] = await recallOf(s, truth, recallQs);
    log(`recall@10 clustered: ${JSON.stringify(recallClustered)}`);

    // --- the big thread, then the same search again --------------------------------------------
    const threadId = randomUUID();
    for (const s of main.systems) {
      await s.createSessions([{ id: threadId, userId: THREAD_USER }]);
      const t0 = performance.now();
      await s.seedThread(threadId, sz.thread);
      log(`${s.name}: ${sz.thread} thread messages seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    for (const s of main.systems) await s.aux.query('VACUUM ANALYZE');
    const after = await searchRound();
    log('filtered search measured with the big thread');
    params.oursSearchStatements = await statementTimes(main.memory, roundQueries);
    for (const s of searchers) {
      const b95 = percentile(before[s.name]!, 95);
      const a95 = percentile(after[s.name]!, 95);
      rows.push({
        name: `filtered search, user with ${smallUserMessages} messages, with a ${sz.thread.toLocaleString('en')}-message thread: ${s.name} p50`,
        value: percentile(after[s.name]!, 50),
        unit: 'ms',
        note: `p95 ${fmt(a95)} ms; without the thread p50 ${fmt(percentile(before[s.name]!, 50))}, p95 ${fmt(b95)} ms; searches short of topK (both phases, warm-ups included) ${short[s.name] ?? 0} of ${2 * (sz.rounds + 1) * roundQueries.length}`,
      });
    }
    const ours = '@memory/conversations';
    const flip = percentile(after[ours]!, 95) / percentile(before[ours]!, 95);
    rows.push({
      name: 'filtered search p95: with the big thread / without (ours)',
      value: flip,
      unit: 'ratio',
      target: '<= 1.5',
      pass: flip <= 1.5,
      note: `Mastra ${fmt(percentile(after.Mastra!, 95) / percentile(before.Mastra!, 95))}, LangChain ${fmt(percentile(after.LangChain!, 95) / percentile(before.LangChain!, 95))}`,
    });
    verdicts.push({
      measure: `filtered search p95, ${smallUserMessages}-message user, with / without a ${sz.thread.toLocaleString('en')}-message thread`,
      target: '≤ 1.5×',
      value: `${fmt(flip)}× (${fmt(percentile(after[ours]!, 95))} vs ${fmt(percentile(before[ours]!, 95))} ms)`,
      holds: flip <= 1.5,
    });

    // --- newest 50 of the big thread -----------------------------------------------------------
    const historySide = (s: System) => async () => {
      const out: number[] = [];
      for (let i = 0; i < sz.historyPerRound; i++) {
        let n = 0;
        out.push(await timed(async () => (n = await s.newest50(threadId))));
        if (n !== 50) throw new Error(`${s.name}: history page of ${n} messages`);
      }
      return out;
    };
    const histSides = Object.fromEntries(main.systems.map((s) => [s.name, historySide(s)]));
    for (const fn of Object.values(histSides)) await fn();
    const hist = await interleave(sz.rounds, histSides);
    const hp50 = Object.fromEntries(names.map((n) => [n, percentile(hist[n]!, 50)]));
    for (const name of names)
      rows.push({
        name: `newest 50 of a ${sz.thread.toLocaleString('en')}-message thread: ${name} p50`,
        value: hp50[name]!,
        unit: 'ms',
        note: `p95 ${fmt(percentile(hist[name]!, 95))} ms; × plain ${fmt(hp50[name]! / hp50['plain pg']!)}`,
      });
    const histRatio = hp50[ours]! / hp50['plain pg']!;
    const histHolds = histRatio <= 2 && hp50[ours]! < hp50.Mastra! && hp50[ours]! < hp50.LangChain!;
    rows.push({
      name: 'newest 50: ours / plain (p50), and ahead of both peers',
      value: histRatio,
      unit: 'ratio',
      target: '<= 2 and < both peers',
      pass: histHolds,
      note: `Mastra ${fmt(hp50.Mastra! / hp50['plain pg']!)}×, LangChain ${fmt(hp50.LangChain! / hp50['plain pg']!)}×`,
    });
    verdicts.push({
      measure: `newest 50 of a ${sz.thread.toLocaleString('en')}-message thread (p50 × plain; ahead of both peers)`,
      target: '≤ 2×, < Mastra, < LangChain',
      value: `${fmt(histRatio)}× (${fmt(hp50[ours]!)} ms; Mastra ${fmt(hp50.Mastra!)}, LangChain ${fmt(hp50.LangChain!)}, plain ${fmt(hp50['plain pg']!)})`,
      holds: histHolds,
    });
    chart.push({
      label: `newest 50 of ${sz.thread / 1000}k thread`,
      values: Object.fromEntries(names.slice(0, 3).map((n) => [n, hp50['plain pg']! / hp50[n]!])),
      target: 0.5,
    });
    log('history measured');

    // --- appends -------------------------------------------------------------------------------
    const appendSessions = Array.from({ length: 20 }, () => ({ id: randomUUID(), userId: 'u-append' }));
    for (const s of main.systems) await s.createSessions(appendSessions);
    for (const s of main.systems) await s.aux.query('CHECKPOINT').catch(() => undefined);
    const appendSide = (s: System, perRound: number, batch: number) => {
      let k = 0;
      return async () => [
        await timed(async () => {
          for (let i = 0; i < perRound; i++) {
            const session = appendSessions[k++ % appendSessions.length]!;
            if (batch === 1) await s.appendOne(session.id, session.userId, roleAt(k));
            else await s.appendBatch(session.id, session.userId, batch);
          }
        }),
      ];
    };
    const appendMeasure = async (label: string, perRound: number, batch: number, target: number) => {
      const sides = Object.fromEntries(main!.systems.map((s) => [s.name, appendSide(s, Math.min(perRound, 5), batch)]));
      for (const fn of Object.values(sides)) await fn(); // warm-up
      const r = await interleave(
        sz.appendRounds,
        Object.fromEntries(main!.systems.map((s) => [s.name, appendSide(s, perRound, batch)])),
      );
      const rate = (xs: number[]) => (xs.length * perRound * batch * 1000) / sum(xs);
      const rates = Object.fromEntries(names.map((n) => [n, rate(r[n]!)]));
      const perRoundRatios = r[ours]!.map((ms, i) => r['plain pg']![i]! / ms);
      for (const name of names)
        rows.push({
          name: `${label}: ${name}`,
          value: rates[name]!,
          unit: 'msg/s',
          note: `× plain ${fmt(rates[name]! / rates['plain pg']!)}`,
        });
      const ratio = rates[ours]! / rates['plain pg']!;
      rows.push({
        name: `${label}: ours / plain`,
        value: ratio,
        unit: 'ratio',
        target: `>= ${target}`,
        pass: ratio >= target,
        note: `${sz.appendRounds} rounds; per round median ${fmt(percentile(perRoundRatios, 50))}, ${fmt(Math.min(...perRoundRatios))}–${fmt(Math.max(...perRoundRatios))}`,
      });
      verdicts.push({
        measure: `${label} (msg/s × plain)`,
        target: `≥ ${target}×`,
        value: `${fmt(ratio)}× (${fmt(rates[ours]!, 0)} vs ${fmt(rates['plain pg']!, 0)} msg/s; Mastra ${fmt(rates.Mastra! / rates['plain pg']!)}×, LangChain ${fmt(rates.LangChain! / rates['plain pg']!)}×)`,
        holds: ratio >= target,
      });
      chart.push({
        label,
        values: Object.fromEntries(names.slice(0, 3).map((n) => [n, rates[n]! / rates['plain pg']!])),
        target,
      });
    };
    await appendMeasure('single appends (autocommit INSERT)', sz.singlePerRound, 1, 0.8);
    await appendMeasure('batches of 100 (multi-row INSERT)', sz.batchPerRound, 100, 0.9);
    log('appends measured');
    await closeAll(main);
    main = undefined;

    // --- recall@10 on random unit vectors, fresh databases ------------------------------------
    const recallRandom: Record<string, { recall: number; short: number }> = {};
    let loadRandom: Record<string, { s: number; how: string; steps: number[] }> = {};
    if (skip.has('random')) log('random-vector phase skipped (MEMORY_BENCH_PEERS_SKIP)');
    else {
      const random = vectorData(sz.vectors, randomUnitVectors(23));
      const rq = randomUnitVectors(57);
      const randomQs = Array.from({ length: sz.recallQueries }, () => rq());
      main = await openAll(adminUrl, 'random');
      loadRandom = await loadAll(main.systems, random);
      params.loadRandom = Object.fromEntries(Object.entries(loadRandom).map(([n, l]) => [n, { s: l.s, how: l.how }]));
      const randomTruth = randomQs.map((q) =>
        exactTopK(
          random.rows.flat().filter((r) => r.userId === BIG_USER),
          q,
        ),
      );
      for (const s of main.systems.filter((x) => x.name !== 'plain pg'))
        recallRandom[s.name] = await recallOf(s, randomTruth, randomQs);
      log(`recall@10 random: ${JSON.stringify(recallRandom)}`);
      await closeAll(main);
      main = undefined;
    }
    for (const name of names.slice(0, 3)) {
      rows.push({
        name: `recall@10, clustered vectors (${bigRows.length} of the big user): ${name}`,
        value: recallClustered[name]!.recall,
        unit: 'ratio',
        ...(name === ours ? { target: '>= 0.95', pass: recallClustered[name]!.recall >= 0.95 } : {}),
        note: `${sz.recallQueries} queries vs exact; short of topK ${recallClustered[name]!.short}`,
      });
      rows.push({
        name: `recall@10, random unit vectors: ${name}`,
        value: recallRandom[name]?.recall ?? NaN,
        unit: 'ratio',
        note: recallRandom[name]
          ? `short of topK ${recallRandom[name].short}; load of this set ${fmt(loadRandom[name]!.s, 1)} s (plain ${fmt(loadRandom['plain pg']!.s, 1)} s)`
          : 'skipped',
      });
    }
    verdicts.push({
      measure: 'recall@10, clustered vectors (random unit vectors reported)',
      target: '≥ 0.95',
      value: `${fmt(recallClustered[ours]!.recall, 3)} (random ${fmt(recallRandom[ours]?.recall ?? NaN, 3)}; Mastra ${fmt(recallClustered.Mastra!.recall, 3)} / ${fmt(recallRandom.Mastra?.recall ?? NaN, 3)}; LangChain ${fmt(recallClustered.LangChain!.recall, 3)} / ${fmt(recallRandom.LangChain?.recall ?? NaN, 3)})`,
      holds: recallClustered[ours]!.recall >= 0.95,
    });

    // --- 1M without embeddings: ours vs plain COPY (full size only) ---------------------------
    if (sz.bulk > 0 && skip.has('bulk')) log('1M import skipped (MEMORY_BENCH_PEERS_SKIP)');
    if (sz.bulk > 0 && !skip.has('bulk')) {
      const bulk = await measureBulk(adminUrl, sz.bulk, log);
      params.bulk1M = bulk;
      const ratio = bulk.oursS / bulk.copyS;
      rows.push({
        name: `import ${sz.bulk.toLocaleString('en')} messages without embeddings: ours / plain COPY (time)`,
        value: ratio,
        unit: 'ratio',
        target: '<= 1.2',
        pass: ratio <= 1.2,
        note: `ours ${fmt(bulk.oursS, 1)} s (${bulk.how}), COPY ${fmt(bulk.copyS, 1)} s; ${bulk.stepRatios.length} interleaved steps, per step ${bulk.stepRatios.map((r) => fmt(r)).join(', ')}`,
      });
      verdicts.push({
        measure: `import ${sz.bulk.toLocaleString('en')} messages without embeddings (time × plain COPY)`,
        target: '≤ 1.2×',
        value: `${fmt(ratio)}× (${fmt(bulk.oursS, 1)} s vs ${fmt(bulk.copyS, 1)} s)`,
        holds: ratio <= 1.2,
      });
      chart.push({
        label: `import ${sz.bulk / 1_000_000}M, no vectors`,
        values: { '@memory/conversations': bulk.copyS / bulk.oursS, Mastra: NaN, LangChain: NaN },
        target: 1 / 1.2,
      });
    }
  } finally {
    if (main) await closeAll(main);
  }

  params.loadavg1mEnd = Number(loadavg()[0]!.toFixed(2));
  const name = size === 'full' ? 'peers' : 'peers-small';
  const ok = writeReport(name, params, rows);
  const table = [
    '',
    `### targets (issue 11), same-run ratios; load average ${params.loadavg1mStart} → ${params.loadavg1mEnd}`,
    '',
    '| measure | target | this run | verdict |',
    '|---|---|---|---|',
    ...verdicts.map((v) => `| ${v.measure} | ${v.target} | ${v.value} | ${v.holds ? 'holds' : 'misses'} |`),
    '',
  ].join('\n');
  console.log(table);
  appendFileSync(join(outDir(), `${name}.md`), table);
  const svg = peersChartSvg(
    `@memory/conversations vs Mastra and LangChain, × plain pg (${size} size)`,
    `${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, load average ${params.loadavg1mStart} → ${params.loadavg1mEnd} (2 shared cores)`,
    chart,
  );
  // The full run regenerates the chart the README shows; a small run writes beside its report.
  const svgPath = size === 'full' ? join(import.meta.dirname, '..', 'peers.svg') : join(outDir(), `${name}.svg`);
  writeFileSync(svgPath, svg);
  if (size === 'full') updateReadmeTable(table);
  log(`chart written to ${svgPath}`);
  return ok;
}

/** Replaces the block between the peers markers in the bench README with this run's target table. */
function updateReadmeTable(table: string): void {
  const path = join(import.meta.dirname, '..', 'README.md');
  const text = readFileSync(path, 'utf8');
  const start = '<!-- peers:start -->';
  const end = '<!-- peers:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${table.trim()}\n${text.slice(j)}`);
}

/**
 * 1M messages without embeddings in sessions of 1,000: our bulk path (importMessages, else
 * appendMessages of 1,000) into a migrated, live table with every index in place, vs plain `COPY`
 * into the plain table (with its same-columns indexes, HNSW included), in interleaved steps of
 * 100k messages. Fresh databases.
 */
async function measureBulk(
  adminUrl: string,
  count: number,
  log: (msg: string) => void,
): Promise<{ oursS: number; copyS: number; how: string; stepRatios: number[] }> {
  const perSession = 1000;
  const sessions = Array.from({ length: Math.ceil(count / perSession) }, () => randomUUID());
  const scratches: Scratch[] = [];
  const systems: System[] = [];
  try {
    const s1 = await createScratch(adminUrl, 'bulk_memory');
    scratches.push(s1);
    const memory = await memorySystem(s1.url);
    systems.push(memory);
    const hnswDef = await hnswIndexDefinition(memory.aux);
    const s2 = await createScratch(adminUrl, 'bulk_plain');
    scratches.push(s2);
    const plain = await plainSystem(s2.url, hnswDef);
    systems.push(plain);
    await plain.aux.query(`INSERT INTO sessions (id, user_id) SELECT unnest($1::uuid[]), 'u-bulk'`, [sessions]);
    await memory.aux.query(
      `INSERT INTO sessions (id, updated_at, status, user_id, created_at) SELECT unnest($1::uuid[]), now(), 1, 'u-bulk', now()`,
      [sessions],
    );
    await adminQuery(adminUrl, 'CHECKPOINT').catch(() => undefined);
    const rowsOf = (s: number): VectorRow[] =>
      Array.from({ length: perSession }, (_, j) => ({
        id: randomUUID(),
        sessionId: sessions[s]!,
        userId: 'u-bulk',
        role: roleAt(j),
        content: `imported message ${j}: ${CONTENT}`,
        vector: [],
      }));
    // Interleaved steps of 100 sessions (100k messages): one plain COPY stream, then our import
    // of the same number of messages (order alternating), so drift hits both alike.
    const STEP = 100;
    const copyStep = async (from: number, to: number) => {
      const client = await plain.pool.connect();
      try {
        const stream = client.query(copyFrom('COPY messages (id, session_id, role, content, model) FROM STDIN'));
        await pipeline(
          Readable.from(
            (function* () {
              for (let s = from; s < to; s++) {
                const lines: string[] = [];
                for (const r of rowsOf(s))
                  lines.push(
                    `${r.id}\t${r.sessionId}\t${r.role}\t${r.content}\t${r.role === 'assistant' ? 'gpt-4o' : '\\N'}\n`,
                  );
                yield lines.join('');
              }
            })(),
          ),
          stream,
        );
      } finally {
        client.release();
      }
    };
    let how = '';
    // The same messages as the COPY step, in one importMessages call per step (a stream of rows).
    const oursStep = async (from: number, to: number) => {
      const { path } = await memory.store.importMessages(
        (function* () {
          for (let s = from; s < to; s++)
            for (const r of rowsOf(s))
              yield {
                id: r.id,
                sessionId: r.sessionId,
                role: r.role === 'user' ? MessageRole.USER : MessageRole.ASSISTANT,
                content: r.content,
                model: r.role === 'assistant' ? 'gpt-4o' : null,
              };
        })(),
      );
      how = `importMessages (${path}), ${STEP} sessions a call`;
    };
    let copyMs = 0;
    let oursMs = 0;
    const stepRatios: number[] = [];
    for (let from = 0, step = 0; from < sessions.length; from += STEP, step++) {
      const to = Math.min(sessions.length, from + STEP);
      let c = 0;
      let o = 0;
      if (step % 2 === 0) {
        c = await timed(() => copyStep(from, to));
        o = await timed(() => oursStep(from, to));
      } else {
        o = await timed(() => oursStep(from, to));
        c = await timed(() => copyStep(from, to));
      }
      copyMs += c;
      oursMs += o;
      stepRatios.push(o / c);
    }
    log(`plain COPY of ${count} messages: ${(copyMs / 1000).toFixed(1)} s`);
    log(`ours, ${how}: ${(oursMs / 1000).toFixed(1)} s`);
    return { oursS: oursMs / 1000, copyS: copyMs / 1000, how, stepRatios };
  } finally {
    await closeAll({ systems, scratches });
  }
}
