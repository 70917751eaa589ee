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
 *
 * The parts live in `peers/`: each system's set-up (`memory-system.ts`, `mastra-system.ts`,
 * `langchain-system.ts`, `plain-system.ts`, behind `system.ts`; opened by `systems.ts`), the data
 * (`data.ts`), one file per workload (`load.ts`, `search.ts`, `recall.ts`, `history.ts`,
 * `appends.ts`, `bulk.ts`), and the report, chart and README table (`results.ts`).
 */
import { clusteredVectors, gaussianCentres } from './measure.js';
import { benchLog, loadavg1m } from './report.js';
import { benchPgUrl } from './scratch-db.js';
import { measureAppends } from './peers/appends.js';
import { bulkImport } from './peers/bulk.js';
import { CLUSTERS, DIMS, NOISE, PER_SESSION, POOL, SIZES, TOP_K } from './peers/config.js';
import { vectorData } from './peers/data.js';
import { measureHistory } from './peers/history.js';
import { measureLoad } from './peers/load.js';
import { measureRandomRecall, reportRecall } from './peers/recall.js';
import { writePeersReport, type PeersRun } from './peers/results.js';
import { measureSearch } from './peers/search.js';
import { closeAll, openAll, type Opened } from './peers/systems.js';

/**
 * Runs the peers benchmark at `size`; prints and writes the report (and, at full size, the chart
 * and the README's targets table). Returns false when one of issue 11's targets misses.
 */
export async function run(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = benchPgUrl('peers', 'postgres://postgres@127.0.0.1:5432/postgres');
  // Phases to leave out, comma-separated: `random` (recall on random unit vectors, a second load
  // of every system) and `bulk` (the 1M import); for a shorter full-size run. Recorded in the report.
  const skip = new Set(
    (process.env.MEMORY_BENCH_PEERS_SKIP ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
  // `MEMORY_BENCH_PEERS_ONLY=bulk` runs the bulk import alone (any size; its count from
  // `MEMORY_BENCH_PEERS_BULK`, else the size's, else 100k): a report of its own, the README's
  // table and chart untouched. `appends` runs the append phase alone (below).
  const only = process.env.MEMORY_BENCH_PEERS_ONLY?.trim() || null;
  if (only !== null && only !== 'bulk' && only !== 'appends')
    throw new Error(`MEMORY_BENCH_PEERS_ONLY=${only}: the phases that run alone are bulk and appends`);
  const bulkCount = Number(process.env.MEMORY_BENCH_PEERS_BULK ?? (sz.bulk || 100_000));
  if (!Number.isInteger(bulkCount) || bulkCount < 1000)
    throw new Error(
      `MEMORY_BENCH_PEERS_BULK=${process.env.MEMORY_BENCH_PEERS_BULK}: give a whole number of messages, at least 1000`,
    );
  const log = benchLog('peers');
  const params: Record<string, unknown> = {
    ...sz,
    dims: DIMS,
    topK: TOP_K,
    perSession: PER_SESSION,
    pool: POOL,
    clusters: CLUSTERS,
    noise: NOISE,
    loadavg1mStart: loadavg1m(),
    skipped: [...skip],
    only,
  };
  const run: PeersRun = { sz, params, log, rows: [], verdicts: [], chart: [] };
  if (only === 'bulk') {
    params.bulk = bulkCount;
    await bulkImport(run, adminUrl, bulkCount);
    return writePeersReport(size, run, 'bulk');
  }

  const centres = gaussianCentres(7, CLUSTERS, DIMS);
  const clustered = vectorData(sz.vectors, clusteredVectors(11, centres, NOISE));
  const queryGen = clusteredVectors(99, centres, NOISE);
  const queries = Array.from({ length: Math.max(sz.searchPerRound, sz.recallQueries) }, () => queryGen());

  let main: Opened | undefined = await openAll(adminUrl, 'main');
  // `MEMORY_BENCH_PEERS_ONLY=appends`: the append phase alone, on empty databases (no load,
  // search or history before it), printed and not written over the report, chart or README.
  if (only === 'appends') {
    try {
      await measureAppends(run, main);
    } finally {
      await closeAll(main);
    }
    params.loadavg1mEnd = loadavg1m();
    console.log(JSON.stringify({ params, rows: run.rows, verdicts: run.verdicts }, null, 2));
    return run.verdicts.every((v) => v.holds);
  }
  try {
    log(`four databases ready; loading ${sz.vectors} messages with ${DIMS}-d embeddings into each`);
    // Load 20k with embeddings into a table with its HNSW index, then in the same databases:
    // filtered search (with recall on the clustered vectors), newest 50 of the big thread, appends.
    await measureLoad(run, main.systems, clustered);
    const { threadId, recallClustered, bigUserMessages } = await measureSearch(run, main, clustered, queries);
    await measureHistory(run, main, threadId);
    await measureAppends(run, main);
    await closeAll(main);
    main = undefined;

    // Recall@10 on random unit vectors, fresh databases.
    const random = await measureRandomRecall(run, adminUrl, skip.has('random'));
    reportRecall(run, bigUserMessages, recallClustered, random);

    // 1M without embeddings: ours vs plain COPY (full size only, or alone: MEMORY_BENCH_PEERS_ONLY=bulk).
    if (sz.bulk > 0 && skip.has('bulk')) log('1M import skipped (MEMORY_BENCH_PEERS_SKIP)');
    if (sz.bulk > 0 && !skip.has('bulk')) await bulkImport(run, adminUrl, bulkCount);
  } finally {
    if (main) await closeAll(main);
  }
  return writePeersReport(size, run);
}
