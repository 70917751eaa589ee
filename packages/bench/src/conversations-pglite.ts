/**
 * `@memory/conversations` on embedded PGlite (the quickstart's default engine), reported apart
 * from the PostgreSQL figures: the targets are for a PostgreSQL server, so every row
 * here is informational. Each measurement runs beside plain hand-written SQL sent straight to the
 * PGlite instance (the baselines of the PostgreSQL `conversations` benchmark, never the store's own
 * statements), in interleaved rounds:
 *
 * 1. appends: one message per call, and batches of 100, vs one autocommit `INSERT` per message
 *    and one multi-row `INSERT` per batch;
 * 2. history: a 50-message page (newest, and older through `before`) of a table of 100k
 *    messages ('small': 10k), vs `ORDER BY created_at DESC, id DESC LIMIT 50` (keyset for the
 *    older page);
 * 3. search: 10k messages of 384 dimensions ('small': 2k) with an HNSW index, recall@10
 *    against an exact scan, p50.
 *
 * The database lives in a temporary directory on disk, as `pglite://./.data/...` does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { MessageRole } from '@memory/models';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { clusteredVectors, gaussianCentres, interleave, sum, timed, vectorLiteral } from './measure.js';
import { percentile, writeReport, type BenchRow } from './report.js';
import { hnswIndexDefinition } from './schema.js';
import { PLAIN_HISTORY_BEFORE_SQL, PLAIN_HISTORY_SQL, plainInsert } from './conversations/sql.js';

const DIMS = 384;
const PER_SESSION = 100;
const TOP_K = 10;

interface Sizes {
  history: number;
  vectors: number;
  rounds: number;
  singlePerRound: number;
  batchPerRound: number;
  historyPerRound: number;
  searchPerRound: number;
}

const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    history: 10_000,
    vectors: 2_000,
    rounds: 4,
    singlePerRound: 50,
    batchPerRound: 5,
    historyPerRound: 20,
    searchPerRound: 10,
  },
  full: {
    history: 100_000,
    vectors: 10_000,
    rounds: 6,
    singlePerRound: 100,
    batchPerRound: 10,
    historyPerRound: 40,
    searchPerRound: 20,
  },
};

/** The part of the PGlite instance the baseline uses. */
interface Pglite {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  transaction<T>(
    fn: (tx: { query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>,
  ): Promise<T>;
}

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const dir = await mkdtemp(join(tmpdir(), 'memory-bench-pglite-'));
  const log = (line: string) =>
    console.error(`[conversations-pglite ${new Date().toISOString().slice(11, 19)}] ${line}`);
  let db: MemoryDb | undefined;
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    ...sz,
    dims: DIMS,
    perSession: PER_SESSION,
    engine: 'PGlite on disk (temporary directory)',
  };
  try {
    db = createMemoryDb({ url: `pglite://${join(dir, 'db')}`, embeddingDimensions: DIMS });
    await db.initDb();
    const store: ConversationStore = createConversationStore(db);
    const pglite = await (
      db.orm.driver.getConnection() as unknown as { getNativeClient(): Promise<Pglite> }
    ).getNativeClient();

    // --- seed the history table --------------------------------------------------------------
    let started = performance.now();
    const sessions = Math.ceil(sz.history / PER_SESSION);
    await pglite.query(
      `INSERT INTO sessions (id, updated_at, status, title, user_id, created_at)
       SELECT md5('s' || i)::uuid, now(), 1, 'chat ' || i, 'u' || (i % 100), now() - interval '2 days' FROM generate_series(0, $1::int - 1) AS i`,
      [sessions],
    );
    await pglite.query(
      `INSERT INTO messages (id, session_id, role, content, model, created_at)
       SELECT md5('m' || i || '-' || j)::uuid, md5('s' || i)::uuid, CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
              repeat('message ' || j || ' of conversation ' || i || '. ', 4), CASE WHEN j % 2 = 1 THEN 'gpt-4o' END,
              now() - interval '2 days' + j * interval '1 minute' + i * interval '1 microsecond'
         FROM generate_series(0, $1::int - 1) AS j, generate_series(0, $2::int - 1) AS i ORDER BY j, i`,
      [PER_SESSION, sessions],
    );
    await pglite.query('VACUUM ANALYZE');
    log(`seeded ${sz.history} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const ids = (await pglite.query<{ id: string }>('SELECT id FROM sessions ORDER BY id LIMIT 40')).rows.map(
      (r) => r.id,
    );

    // --- history pages -----------------------------------------------------------------------
    let k = 0;
    const storeHistory = async () => {
      const out: number[] = [];
      for (let i = 0; i < sz.historyPerRound; i++) {
        const id = ids[k++ % ids.length]!;
        let cursor: string | null = null;
        out.push(
          await timed(async () => {
            cursor = (await store.getHistory(id, { limit: 50 })).olderCursor;
          }),
        );
        out.push(-(await timed(() => store.getHistory(id, { limit: 50, before: cursor! }))));
      }
      return out;
    };
    const bareHistory = async () => {
      const out: number[] = [];
      for (let i = 0; i < sz.historyPerRound; i++) {
        const id = ids[k++ % ids.length]!;
        let oldest: { created_at: string; id: string } | undefined;
        out.push(
          await timed(async () => {
            const page = await pglite.query<{ created_at: string; id: string }>(PLAIN_HISTORY_SQL, [id, 50]);
            oldest = page.rows[49];
          }),
        );
        out.push(
          -(await timed(() => pglite.query(PLAIN_HISTORY_BEFORE_SQL, [id, 50, oldest!.created_at, oldest!.id]))),
        );
      }
      return out;
    };
    await storeHistory();
    await bareHistory();
    const hist = await interleave(sz.rounds, { store: storeHistory, bare: bareHistory });
    const p50 = (xs: number[], before: boolean) =>
      percentile(xs.filter((x) => (before ? x < 0 : x > 0)).map(Math.abs), 50);
    for (const before of [false, true]) {
      const what = before ? 'history page, before cursor' : 'history page, newest';
      rows.push({
        name: `${what}, ${sz.history.toLocaleString('en')} rows: p50`,
        value: p50(hist.store!, before),
        unit: 'ms',
        note: `PGlite direct ${p50(hist.bare!, before).toFixed(2)} ms`,
      });
    }
    log('history measured');

    // --- appends -----------------------------------------------------------------------------
    const content = 'an appended message, about the length of a short chat turn. 你好.';
    const storeAppend = (perRound: number, batch: number) => async () => [
      await timed(async () => {
        for (let i = 0; i < perRound; i++) {
          const messages = Array.from({ length: batch }, (_, j) => ({
            role: j % 2 ? MessageRole.ASSISTANT : MessageRole.USER,
            content,
          }));
          await store.appendMessages(ids[k++ % ids.length]!, messages);
        }
      }),
    ];
    const bareAppend = (perRound: number, batch: number) => async () => [
      await timed(async () => {
        for (let i = 0; i < perRound; i++) {
          await pglite.query(...plainInsert(ids[k++ % ids.length]!, batch, content, null));
        }
      }),
    ];
    for (const [label, unit, perRound, batch] of [
      ['append 1 message per call', 'appends/s', sz.singlePerRound, 1],
      ['append batches of 100', 'messages/s', sz.batchPerRound, 100],
    ] as const) {
      await storeAppend(5, batch)();
      await bareAppend(5, batch)();
      const r = await interleave(sz.rounds, { store: storeAppend(perRound, batch), bare: bareAppend(perRound, batch) });
      const rate = (xs: number[]) => (sz.rounds * perRound * batch * 1000) / sum(xs);
      rows.push({
        name: `${label}: store`,
        value: rate(r.store!),
        unit,
        note: `PGlite direct, plain SQL ${rate(r.bare!).toFixed(0)}/s`,
      });
      rows.push({ name: `${label}: store / PGlite direct`, value: rate(r.store!) / rate(r.bare!), unit: 'ratio' });
    }
    log('appends measured');

    // --- search ------------------------------------------------------------------------------
    await pglite.query('TRUNCATE sessions, messages, session_summaries, messages_archive CASCADE');
    const next = clusteredVectors(7, gaussianCentres(5, 20, DIMS), 0.5);
    const vectorSessions = Math.ceil(sz.vectors / PER_SESSION);
    await pglite.query(
      `INSERT INTO sessions (id, updated_at, status, title, user_id, created_at)
       SELECT md5('v' || i)::uuid, now(), 1, 'chat ' || i, 'u-vec', now() FROM generate_series(0, $1::int - 1) AS i`,
      [vectorSessions],
    );
    const indexDef = await hnswIndexDefinition(pglite);
    await pglite.query('DROP INDEX ix_messages_embedding_hnsw');
    for (let from = 0; from < sz.vectors; from += 500) {
      const n = Math.min(500, sz.vectors - from);
      const sessionIdx = Array.from({ length: n }, (_, i) => (from + i) % vectorSessions);
      const vectors = Array.from({ length: n }, () => vectorLiteral(next()));
      await pglite.query(
        `INSERT INTO messages (id, session_id, role, content, embedding, created_at)
         SELECT gen_random_uuid(), md5('v' || t.s)::uuid, 'user', 'vector message ' || t.ord, t.e::vector, now() + t.ord * interval '1 millisecond'
           FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS t(s, e, ord)`,
        [sessionIdx, vectors],
      );
    }
    started = performance.now();
    await pglite.query(indexDef);
    const buildS = (performance.now() - started) / 1000;
    await pglite.query('VACUUM ANALYZE');
    log(`seeded ${sz.vectors} vectors, HNSW build ${buildS.toFixed(1)} s`);
    rows.push({ name: `HNSW build, ${sz.vectors.toLocaleString('en')} × ${DIMS}`, value: buildS, unit: 's' });

    const queries = Array.from({ length: sz.searchPerRound * sz.rounds }, () => next());
    let q = 0;
    const recalls: number[] = [];
    const searchTimes: number[] = [];
    for (let r = 0; r < sz.rounds; r++) {
      for (let i = 0; i < sz.searchPerRound; i++) {
        const vector = queries[q++]!;
        let hits: string[] = [];
        searchTimes.push(
          await timed(async () => {
            hits = (await store.searchMessages({ vector, userId: 'u-vec', topK: TOP_K })).map((h) => h.message.id);
          }),
        );
        const exact = await pglite.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_indexscan = off');
          return (
            await tx.query<{ id: string }>(
              'SELECT id FROM messages WHERE embedding IS NOT NULL ORDER BY embedding <=> $1::vector LIMIT $2',
              [vectorLiteral(vector), TOP_K],
            )
          ).rows.map((row) => row.id);
        });
        recalls.push(exact.filter((id) => hits.includes(id)).length / TOP_K);
      }
    }
    rows.push({
      name: `search ${sz.vectors.toLocaleString('en')} × ${DIMS}: p50`,
      value: percentile(searchTimes, 50),
      unit: 'ms',
      note: `p95 ${percentile(searchTimes, 95).toFixed(2)} ms`,
    });
    rows.push({
      name: 'search recall@10 vs exact scan',
      value: sum(recalls) / recalls.length,
      unit: 'ratio',
      note: `${recalls.length} queries`,
    });
    log('search measured');
    writeReport('conversations-pglite', params, rows);
    return true;
  } finally {
    await db?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
