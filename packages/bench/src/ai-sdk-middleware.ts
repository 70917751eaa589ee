/**
 * The memory middleware's own work per model call (`@memory/ai-sdk`), for a user with a
 * 10,000-message session ('full'; 1,000 'small') and 5,000 knowledge triples (500), on
 * PostgreSQL with file storage and the hashing embedder. The model is a mock that answers at
 * once, and the middleware's hooks are called directly, so only memory work is timed.
 *
 * Baseline in the same run, interleaved: the store calls a person would make by hand for the
 * same turn: a history page (20 messages), a semantic search of the user's messages, the
 * profile read and the knowledge retrieval (and, for the full turn, the append of the two new
 * messages with their embeddings). Target: p50 of the middleware ≤ 1.5× the baseline's.
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL (a scratch database is created and
 * dropped); without one it runs on in-memory PGlite and the ratio is informational.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemory, memoryMiddleware } from '@memory/ai-sdk';
import { createMemoryDb } from '@memory/db';
import { createPostgresScratchDatabase, type ScratchDatabase } from '@memory/db/testing';
import { createLongTermStorage } from '@memory/longterm-core';
import { createHashingEmbedder } from '@memory/knowledge-index';
import { loadUserProfile, saveKnowledgeTriples, saveUserProfile, type Triple } from '@memory/semantics';
import { retrieveRelevantKnowledge } from '@memory/retrieval';
import { MockLanguageModelV4 } from 'ai/test';
import { interleave } from './measure.js';
import { percentile, writeReport, type BenchRow } from './report.js';

const DIMS = 256;
const TOPICS = ['database', 'kyoto trip', 'cello lessons', 'tax return', 'garden', 'kubernetes', 'recipes', 'running'];

type Middleware = ReturnType<typeof memoryMiddleware>;
type Params = Parameters<NonNullable<Middleware['transformParams']>>[0]['params'];

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const messages = size === 'full' ? 10_000 : 1_000;
  const triples = size === 'full' ? 5_000 : 500;
  const rounds = size === 'full' ? 150 : 30;
  const adminUrl = process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL;
  let scratch: ScratchDatabase | null = null;
  if (adminUrl) scratch = await createPostgresScratchDatabase(adminUrl);
  const dir = await mkdtemp(join(tmpdir(), 'bench-ai-sdk-'));
  const db = createMemoryDb({ url: scratch?.url ?? 'pglite://memory', embeddingDimensions: DIMS });
  try {
    await db.initDb();
    const storage = await createLongTermStorage(`file://${dir}`);
    const embeddings = createHashingEmbedder({ dimensions: DIMS });
    const memory = createMemory({ db, storage, embeddings });
    const userId = 'bench-user';
    const sessionId = randomUUID();
    const other = randomUUID();

    // Seed: the long session, an earlier one (for recall), the profile and the triples.
    const say = (i: number) =>
      `message ${i} about ${TOPICS[i % TOPICS.length]}: ${i % 2 ? 'here is what I found' : 'can you help me with this'} (${i})`;
    for (let from = 0; from < messages; from += 500) {
      const batch = Array.from({ length: Math.min(500, messages - from) }, (_, k) => ({
        role: (from + k) % 2 ? ('assistant' as const) : ('user' as const),
        content: say(from + k),
      }));
      await memory.record(sessionId, batch, { userId });
    }
    await memory.record(
      other,
      Array.from({ length: 200 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: say(i + 7) }) as const),
      { userId },
    );
    await saveUserProfile(storage, userId, {
      user_id: userId,
      traits: { communication_style: 'concise', preferred_topics: ['databases', 'travel'] },
    });
    const facts: Triple[] = Array.from({ length: triples }, (_, i) => [
      'user',
      `fact ${i % 50}`,
      `${TOPICS[i % TOPICS.length]} detail ${i}`,
    ]);
    await saveKnowledgeTriples(storage, userId, facts);
    await db.query('ANALYZE sessions, messages');

    const model = new MockLanguageModelV4({
      doGenerate: {
        content: [{ type: 'text', text: 'Sure, here is a short answer.' }],
        finishReason: { unified: 'stop', raw: undefined },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 1, text: 1, reasoning: undefined },
        },
        warnings: [],
      },
    });
    const mw = memoryMiddleware({
      memory,
      userId,
      sessionId,
      budget: { maxTokens: 2000 },
      onError: (e) => {
        throw e;
      },
    });
    const params = (q: string, turnKey: string): Params => ({
      prompt: [{ role: 'user', content: [{ type: 'text', text: q }] }],
      providerOptions: { memory: { turnKey } },
    });
    const question = (i: number) => `what did we decide about the ${TOPICS[i % TOPICS.length]}?`;
    let turn = 0;

    const contextOnly = async () => {
      const p = params(question(turn), `ctx-${turn++}`);
      const t0 = performance.now();
      await mw.transformParams!({ params: p, type: 'generate', model });
      return [performance.now() - t0];
    };
    const fullTurn = async () => {
      const p = params(question(turn), `full-${turn++}`);
      const t0 = performance.now();
      const transformed = await mw.transformParams!({ params: p, type: 'generate', model });
      await mw.wrapGenerate!({
        doGenerate: () => model.doGenerate(transformed),
        doStream: () => model.doStream(transformed),
        params: transformed,
        model,
      });
      return [performance.now() - t0];
    };
    const reads = async (q: string) => {
      await Promise.all([
        memory.store.getHistory(sessionId, { limit: 20 }),
        memory.store.searchMessages({ text: q, provider: embeddings, userId, topK: 3 }),
        loadUserProfile(storage, userId),
        retrieveRelevantKnowledge(storage, userId, q, { topK: 8, includeEnded: false }),
      ]);
    };
    const directReads = async () => {
      const q = question(turn++);
      const t0 = performance.now();
      await reads(q);
      return [performance.now() - t0];
    };
    const directTurn = async () => {
      const q = question(turn++);
      const t0 = performance.now();
      await reads(q);
      await memory.record(sessionId, [
        { id: randomUUID(), role: 'user', content: q },
        { id: randomUUID(), role: 'assistant', content: 'Sure, here is a short answer.' },
      ]);
      return [performance.now() - t0];
    };

    // Warm-up (connection pool, caches, JIT), not measured.
    await interleave(3, { contextOnly, fullTurn, directReads, directTurn });
    const lat = await interleave(rounds, { contextOnly, fullTurn, directReads, directTurn });
    const p50 = (xs: number[]) => percentile(xs, 50);
    const ratioContext = p50(lat.contextOnly!) / p50(lat.directReads!);
    const ratioTurn = p50(lat.fullTurn!) / p50(lat.directTurn!);
    const onPg = scratch !== null;
    const rows: BenchRow[] = [
      { name: 'middleware context (transformParams) p50', value: p50(lat.contextOnly!), unit: 'ms' },
      { name: 'middleware context p95', value: percentile(lat.contextOnly!, 95), unit: 'ms' },
      { name: 'baseline: direct reads p50', value: p50(lat.directReads!), unit: 'ms' },
      {
        name: 'context / direct reads (p50)',
        value: ratioContext,
        unit: 'x',
        target: '<= 1.5',
        ...(onPg ? { pass: ratioContext <= 1.5 } : { note: 'PGlite: informational' }),
      },
      { name: 'middleware full turn (context + record) p50', value: p50(lat.fullTurn!), unit: 'ms' },
      { name: 'baseline: direct reads + append p50', value: p50(lat.directTurn!), unit: 'ms' },
      {
        name: 'full turn / direct turn (p50)',
        value: ratioTurn,
        unit: 'x',
        target: '<= 1.5',
        ...(onPg ? { pass: ratioTurn <= 1.5 } : { note: 'PGlite: informational' }),
      },
    ];
    return writeReport(
      'ai-sdk-middleware',
      { size, messages, triples, rounds, dims: DIMS, database: onPg ? 'postgresql' : 'pglite', storage: 'file' },
      rows,
    );
  } finally {
    await db.close();
    await scratch?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
