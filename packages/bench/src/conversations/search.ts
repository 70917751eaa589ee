/**
 * The search part: `sz.vectors` clustered vectors of 384 dimensions, owned by users with 96 %, 3 %
 * and 1 % of them; the store's `searchMessages` with its defaults beside pgvector's filtered search
 * written by hand (`SET LOCAL hnsw.ef_search`, `hnsw.iterative_scan = strict_order`, one
 * `ORDER BY embedding <=> $1 LIMIT 10`), in interleaved rounds; then recall ({@link measureRecall});
 * then the big user's search again once `backfillMessageUserIds` filled `messages.user_id` (the
 * seeded rows have none, as in a database adopted before its backfill).
 */
import { backfillMessageUserIds } from '@memory/conversations';
import { clusteredVectors, gaussian, interleave, timed, vectorLiteral } from '../measure.js';
import { percentile } from '../report.js';
import { inTransaction } from '../scratch-db.js';
import { CLUSTERS, DIMS, NOISE, TOP_K, type PartRun } from './config.js';
import { measureRecall } from './search-recall.js';
import { seedVectors } from './seed.js';
import {
  EF_SEARCH,
  EXACT_THRESHOLD,
  PLAIN_SEARCH_SETTINGS,
  PLAIN_SEARCH_SQL,
  SEARCH_SETTINGS_SQL,
  SEARCH_SETUP_SQL,
  SEARCH_SQL,
} from './sql.js';
import type { Target } from './target.js';

/**
 * Empties `t` and seeds it with `vectors` clustered vectors ({@link seedVectors}: users with 96 %,
 * 3 % and 1 % of them), the HNSW index rebuilt after the load; returns the build and whole-seed
 * times, each user's message count, and `queryCount` query vectors drawn around the same centres
 * (rounded as `vectorLiteral` writes them, so every side searches for exactly the same vectors).
 * The same data for the same arguments on every target.
 */
export async function seedSearch(
  t: Target,
  vectors: number,
  queryCount: number,
): Promise<{ buildMs: number; seedMs: number; owned: Record<string, number>; queries: number[][] }> {
  await t.pool.query('TRUNCATE sessions, messages, session_summaries, messages_archive CASCADE');
  const g = gaussian(7);
  const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIMS }, () => g()));
  const started = performance.now();
  const buildMs = await seedVectors(t.pool, vectors, clusteredVectors(11, centres, NOISE));
  const seedMs = performance.now() - started;
  const { rows: owners } = await t.pool.query<{ user_id: string; n: number }>(
    `SELECT s.user_id, count(*)::int AS n FROM messages m JOIN sessions s ON s.id = m.session_id AND s.shard_key = m.shard_key GROUP BY s.user_id`,
  );
  const queryGen = clusteredVectors(99, centres, NOISE);
  const queries = Array.from({ length: queryCount }, () => queryGen().map((x) => Number(x.toFixed(6))));
  return { buildMs, seedMs, owned: Object.fromEntries(owners.map((o) => [o.user_id, o.n])), queries };
}

/**
 * One side of a search measurement: the store's `searchMessages` (its defaults, `topK` 10) for
 * `userId` with each of `queries`, each timed; each search's hit count is pushed to `hits`.
 */
export const storeSearches = (t: Target, queries: number[][], userId: string, hits: number[]) => async () => {
  const out: number[] = [];
  for (const vector of queries) {
    let n = 0;
    out.push(await timed(async () => (n = (await t.store.searchMessages({ vector, userId, topK: TOP_K })).length)));
    hits.push(n);
  }
  return out;
};

/**
 * The search part: `sz.vectors` clustered vectors in `S` (emptied first), then in interleaved
 * rounds the store's `searchMessages` with its defaults beside pgvector's search written by hand, for
 * three users: 96 % of the messages (HNSW), 3 % (at the exact-search threshold in the full size)
 * and 1 % (exact scan). Recall against exact search; informational: the store's HNSW SQL for the small
 * users (the plan before the exact path), the cost of the scope count, recall at other
 * `ef_search` values.
 */
export async function measureSearch(run: PartRun, S: Target): Promise<void> {
  const { sz, rows, params, log } = run;
  const { buildMs, seedMs, owned, queries } = await seedSearch(
    S,
    sz.vectors,
    Math.max(sz.searchPerRound, sz.recallQueries),
  );
  log(`seeded ${sz.vectors} vectors in ${(seedMs / 1000).toFixed(1)} s, HNSW build ${(buildMs / 1000).toFixed(1)} s`);
  rows.push({
    name: `HNSW build, ${sz.vectors.toLocaleString('en')} × ${DIMS}`,
    value: buildMs / 1000,
    unit: 's',
    note: `maintenance_work_mem 512MB; whole seed ${(seedMs / 1000).toFixed(1)} s`,
  });
  params.messagesPerUser = owned;
  params.efSearch = EF_SEARCH;
  params.exactSearchThreshold = EXACT_THRESHOLD;
  // HNSW builds are randomized (levels; parallel workers interleave), so recall varies from build to build.
  params.maxParallelMaintenanceWorkers = (
    await S.pool.query<{ max_parallel_maintenance_workers: string }>('SHOW max_parallel_maintenance_workers')
  ).rows[0]!.max_parallel_maintenance_workers;

  const roundQueries = queries.slice(0, sz.searchPerRound);
  const hitCounts: Record<string, number[]> = {};
  const storeSearch = (userId: string) => storeSearches(S, roundQueries, userId, (hitCounts[userId] ??= []));
  /** The baseline: pgvector's filtered search written by hand (settings, then one ORDER BY ... LIMIT). */
  const plainHits: Record<string, number[]> = {};
  const bareSearch = (userId: string) => async () => {
    const out: number[] = [];
    for (const v of roundQueries) {
      let n = 0;
      out.push(
        await timed(() =>
          inTransaction(S.pool, async (c) => {
            await c.query(PLAIN_SEARCH_SETTINGS(EF_SEARCH));
            n = (await c.query(PLAIN_SEARCH_SQL, [vectorLiteral(v), userId, TOP_K])).rows.length;
          }),
        ),
      );
      (plainHits[userId] ??= []).push(n);
    }
    return out;
  };
  /** Bare pg, the store's SQL, HNSW only (informational): the store's plan before the exact path (ef_search as given). */
  const bareHnsw = (userId: string, ef: number) => async () => {
    const out: number[] = [];
    for (const v of roundQueries) {
      out.push(
        await timed(() =>
          inTransaction(S.pool, async (c) => {
            await c.query(SEARCH_SETTINGS_SQL, [String(ef)]);
            await c.query(SEARCH_SQL, [vectorLiteral(v), userId, TOP_K]);
          }),
        ),
      );
    }
    return out;
  };
  /** The first statement alone, with and without the count, for the big user: what the count costs. */
  const setupOnly = (withCount: boolean) => async () => {
    const out: number[] = [];
    for (let i = 0; i < roundQueries.length; i++) {
      out.push(
        await timed(() =>
          withCount
            ? S.pool.query(SEARCH_SETUP_SQL, [String(EF_SEARCH), 'u-big', EXACT_THRESHOLD + 1])
            : S.pool.query(SEARCH_SETTINGS_SQL, [String(EF_SEARCH)]),
        ),
      );
    }
    return out;
  };
  // Three groups of interleaved rounds, so that the small users' scans (which read other pages)
  // do not churn the buffer cache between the big user's searches, and each comparison is fair.
  const groups: Record<string, () => Promise<number[]>>[] = [
    { storeBig: storeSearch('u-big'), bareBig: bareSearch('u-big') },
    {
      storeSmall: storeSearch('u-small'),
      bareSmall: bareSearch('u-small'),
      bareSmallHnsw40: bareHnsw('u-small', 40),
      storeMid: storeSearch('u-mid'),
      bareMidHnsw: bareHnsw('u-mid', EF_SEARCH),
    },
    { setupWithCount: setupOnly(true), setupWithoutCount: setupOnly(false) },
  ];
  const search: Record<string, number[]> = {};
  for (const sides of groups) {
    for (const fn of Object.values(sides)) await fn();
    Object.assign(search, await interleave(sz.rounds, sides));
  }
  const hitsSeen = Object.values(hitCounts).flat();
  const shortOf = (userId: string) =>
    `${(plainHits[userId] ?? []).filter((n) => n < TOP_K).length} of ${(plainHits[userId] ?? []).length} short of topK`;
  const p = (xs: number[] | undefined, q: number) => percentile(xs!, q);
  const ms = (xs: number[] | undefined) => `${p(xs, 50).toFixed(2)} ms`;
  const pct = (userId: string) => `${((100 * (owned[userId] ?? 0)) / sz.vectors).toFixed(0)} %`;
  const n = sz.vectors.toLocaleString('en');
  const bigP50 = p(search.storeBig, 50);
  rows.push({
    name: `search ${n} × ${DIMS}, user with ${pct('u-big')}: p50`,
    value: bigP50,
    unit: 'ms',
    target: '<= 15',
    pass: bigP50 <= 15,
    note: `plain SQL ${ms(search.bareBig)} (${shortOf('u-big')}); p95 ${p(search.storeBig, 95).toFixed(2)} ms; HNSW, ef_search ${EF_SEARCH}`,
  });
  const smallP50 = p(search.storeSmall, 50);
  rows.push({
    name: `search, user with ${pct('u-small')} (${owned['u-small']} messages): p50`,
    value: smallP50,
    unit: 'ms',
    target: '<= 15',
    pass: smallP50 <= 15,
    note: `exact scan; plain SQL ${ms(search.bareSmall)} (${shortOf('u-small')}); p95 ${p(search.storeSmall, 95).toFixed(2)} ms; the store's SQL, HNSW only (the plan before, ef_search 40) ${ms(search.bareSmallHnsw40)}`,
  });
  rows.push({
    name: `search, user with ${pct('u-mid')} (${owned['u-mid']} messages): p50`,
    value: p(search.storeMid, 50),
    unit: 'ms',
    note: `informational (threshold ${EXACT_THRESHOLD}: ${(owned['u-mid'] ?? 0) <= EXACT_THRESHOLD ? 'exact scan' : 'HNSW'}); the store's SQL, HNSW only, ef_search ${EF_SEARCH}: ${ms(search.bareMidHnsw)}`,
  });
  const countMs = p(search.setupWithCount, 50) - p(search.setupWithoutCount, 50);
  rows.push({
    name: `cost of the scope count (up to ${EXACT_THRESHOLD + 1}) for the ${pct('u-big')} user: p50 difference`,
    value: countMs,
    unit: 'ms',
    note: `informational; setup statement p50 ${ms(search.setupWithCount)} with, ${ms(search.setupWithoutCount)} without`,
  });

  await measureRecall(run, S, queries, hitsSeen, pct);

  // The same database once `messages.user_id` is filled. The rows above were seeded without it
  // (as the original library wrote them: an adopted database before its backfill), so the
  // store's user filter had to reach them through their sessions. Informational.
  const t0 = performance.now();
  const filled = await backfillMessageUserIds(S.db, { batchSize: 50_000 });
  await S.pool.query('VACUUM ANALYZE messages');
  log(`backfilled ${filled.updated} messages' user_id in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const afterBackfill = { storeBig: storeSearch('u-big'), bareBig: bareSearch('u-big') };
  for (const fn of Object.values(afterBackfill)) await fn();
  const backfilled = await interleave(sz.rounds, afterBackfill);
  const ratio = (store: number[] | undefined, bare: number[] | undefined) => p(store, 50) / p(bare, 50);
  rows.push({
    name: `search, user with ${pct('u-big')}, after backfillMessageUserIds: p50 ÷ plain SQL`,
    value: ratio(backfilled.storeBig, backfilled.bareBig),
    unit: 'ratio',
    note: `informational; store ${ms(backfilled.storeBig)}, plain SQL ${ms(backfilled.bareBig)}; before the backfill (the rows above) ${ratio(search.storeBig, search.bareBig).toFixed(2)}`,
  });
}
