/**
 * `@memory/conversations` on PostgreSQL, each measurement beside a bare `pg.Pool` baseline of
 * plain hand-written SQL on the same tables (what a user would write by hand, never the package's
 * own statements), in the same run, in interleaved rounds (so drift from a busy machine hits
 * both sides alike):
 *
 * 1. appends: one message per call, and batches of 100, through `store.appendMessages`, vs one
 *    autocommit `INSERT` per message and one multi-row `INSERT` per batch (issue 11). Targets:
 *    throughput >= 0.8 (single) and >= 0.9 (batches) of the baseline's. A hand-written append
 *    with the store's guarantees (lock, ordered timestamps, `updated_at`) is reported beside it
 *    for context: the price of those guarantees in SQL, not a target.
 * 2. history: a 50-message page (newest, and older through the `before` cursor) from tables of
 *    1M and 100k messages ('full'; 'small': 100k and 10k), two scratch databases queried in
 *    alternation; baseline a plain `ORDER BY created_at DESC, id DESC LIMIT 50` (and a keyset
 *    `(created_at, id) <` for the older page). Targets: p50 <= 3 ms, p50(large) / p50(small) <= 1.5.
 * 3. search: 100k messages of 384 dimensions ('small': 10k), 50 gaussian clusters plus noise,
 *    normalized, owned by users with 96 %, 3 % and 1 % of them. Targets: recall@10 >= 0.95
 *    against exact search, p50 <= 15 ms (96 % and 1 % users), and `topK` hits for every search.
 *    Baseline: a hand-written pgvector search (join on `sessions.user_id`, `ORDER BY embedding <=>
 *    $1 LIMIT 10`, `SET LOCAL hnsw.ef_search` to the store's default and `hnsw.iterative_scan =
 *    strict_order`, as pgvector's README advises for filtered queries). Rows marked "the store's
 *    SQL" are informational analyses of the store's own plan, not baselines.
 *    `pnpm bench conversations-search` runs this part alone.
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL (required): scratch databases
 * `memory_bench_<random>` are created and dropped.
 *
 * The parts live in `conversations/`: set-up (`target.ts`), seeding (`seed.ts`), the SQL of the
 * baselines and of the store's plan analyses (`sql.ts`), and one file per workload (`history.ts`,
 * `appends.ts`, `search.ts`, `search-recall.ts`).
 */
import { benchLog, loadavg1m, writeReport, type BenchRow } from './report.js';
import { benchPgUrl } from './scratch-db.js';
import { measureAppends } from './conversations/appends.js';
import { CLUSTERS, DIMS, NOISE, PER_SESSION, SIZES } from './conversations/config.js';
import { measureHistory } from './conversations/history.js';
import { measureSearch } from './conversations/search.js';
import { seedHistory } from './conversations/seed.js';
import { closeTarget, openTarget, type Target } from './conversations/target.js';

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = benchPgUrl('conversations');
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    ...sz,
    dims: DIMS,
    perSession: PER_SESSION,
    clusters: CLUSTERS,
    noise: NOISE,
    loadavg1mStart: loadavg1m(),
  };
  const log = benchLog('conversations');
  const part = { sz, rows, params, log };
  let large: Target | undefined;
  let small: Target | undefined;
  try {
    large = await openTarget(adminUrl);
    small = await openTarget(adminUrl);

    // --- 2. history ----------------------------------------------------------------------------
    await measureHistory(part, large, small);

    // --- 1. appends (on the large table) -----------------------------------------------------
    await measureAppends(part, large, adminUrl);
    await closeTarget(large);
    large = undefined;

    // --- 3. search (the small target, refilled) -------------------------------------------------
    await measureSearch(part, small);
    params.loadavg1mEnd = loadavg1m();
    return writeReport(size === 'full' ? 'conversations' : 'conversations-small', params, rows);
  } finally {
    await closeTarget(large);
    await closeTarget(small);
  }
}

/** Runs only the append part (`pnpm bench conversations-appends`): one scratch database with the large history table, no history pages or search. */
export async function runAppends(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = benchPgUrl('conversations');
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    historyLarge: sz.historyLarge,
    appendRounds: sz.appendRounds,
    singlePerRound: sz.singlePerRound,
    batchPerRound: sz.batchPerRound,
    loadavg1mStart: loadavg1m(),
  };
  const log = benchLog('conversations-appends');
  let target: Target | undefined;
  try {
    target = await openTarget(adminUrl);
    await seedHistory(target.pool, sz.historyLarge);
    log(`seeded a history table of ${sz.historyLarge} messages`);
    await measureAppends({ sz, rows, params, log }, target, adminUrl);
    params.loadavg1mEnd = loadavg1m();
    return writeReport(size === 'full' ? 'conversations-appends' : 'conversations-appends-small', params, rows);
  } finally {
    await closeTarget(target);
  }
}

/** Runs only the search part (`pnpm bench conversations-search`): one scratch database, no history or appends. */
export async function runSearch(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const adminUrl = benchPgUrl('conversations');
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    vectors: sz.vectors,
    rounds: sz.rounds,
    searchPerRound: sz.searchPerRound,
    recallQueries: sz.recallQueries,
    dims: DIMS,
    perSession: PER_SESSION,
    clusters: CLUSTERS,
    noise: NOISE,
    loadavg1mStart: loadavg1m(),
  };
  const log = benchLog('conversations-search');
  let target: Target | undefined;
  try {
    target = await openTarget(adminUrl);
    await measureSearch({ sz, rows, params, log }, target);
    params.loadavg1mEnd = loadavg1m();
    return writeReport(size === 'full' ? 'conversations-search' : 'conversations-search-small', params, rows);
  } finally {
    await closeTarget(target);
  }
}
