/**
 * `@memory/conversations` on a Citus cluster beside single-node PostgreSQL on the same machine
 * (issue 16): the same store calls, on the same seeded data, against a scratch database on the
 * single server and one on the Citus coordinator (distributed by `distributeMemorySchema`, 32
 * shards), in the same run, in interleaved rounds. The single server is the baseline: every row is
 * a Citus / single ratio (throughput, so < 1 means Citus is slower), per round and its median,
 * beside each side's ops/s and p50 / p95 latency. No targets: on one machine the cluster's nodes
 * share its cores, so the figures say what the extra hop and the distributed planning cost, not
 * what a cluster of real machines gains.
 *
 * 1. history: the newest 50-message page of a session, and the page before it (`before` cursor),
 *    from a table of 100k messages ('small': 10k);
 * 2. appends: one message per call, and batches of 100, through `appendMessages`;
 * 3. search: `searchMessages` user-scoped with the store's defaults over 30k clustered 384-d
 *    vectors ('small': 5k) owned by users with 96 % (HNSW), 3 % and 1 % (exact scans) of them, and
 *    each side's recall@10 against exact search on its own database.
 *
 * Sessions carry their user's shard key in their ids, as `createSession` mints them on Citus
 * (`seed.ts`), so the store routes every call to one shard; the run checks that the seeded keys
 * are the ones `@memory/db` computes. The parts are the `conversations` benchmark's (`conversations/`).
 *
 * PostgreSQL from MEMORY_BENCH_PG_URL or MEMORY_TEST_PG_URL, the Citus coordinator from
 * MEMORY_BENCH_CITUS_URL or MEMORY_TEST_CITUS_URL (admin URLs; the coordinator's admin database must
 * list the workers, as `provision-citus.sh` leaves it). Scratch databases are created (on the
 * coordinator and every worker) and dropped.
 */
import { shardKeyOfSession, shardKeyOfUser } from '@memory/db';
import { CITUS_TEST_URL_ENV } from '@memory/db/testing';
import { interleave, sum, timed } from './measure.js';
import { benchLog, loadavg1m, percentile, writeReport, type BenchRow } from './report.js';
import { benchPgUrl } from './scratch-db.js';
import { storeAppender } from './conversations/appends.js';
import { DIMS, TOP_K } from './conversations/config.js';
import { storeHistory } from './conversations/history.js';
import { seedSearch, storeSearches } from './conversations/search.js';
import { exactTopK, storeRecall } from './conversations/search-recall.js';
import { seedHistory, sessionIds } from './conversations/seed.js';
import { CITUS_SHARD_COUNT, closeTarget, openTarget, type Target } from './conversations/target.js';

interface Sizes {
  history: number;
  vectors: number;
  rounds: number;
  historyPerRound: number;
  singlePerRound: number;
  batchPerRound: number;
  searchPerRound: number;
  recallQueries: number;
}

const SIZES: Record<'small' | 'full', Sizes> = {
  small: {
    history: 10_000,
    vectors: 5_000,
    rounds: 4,
    historyPerRound: 10,
    singlePerRound: 30,
    batchPerRound: 3,
    searchPerRound: 10,
    recallQueries: 20,
  },
  full: {
    history: 100_000,
    vectors: 30_000,
    rounds: 8,
    historyPerRound: 25,
    singlePerRound: 100,
    batchPerRound: 10,
    searchPerRound: 20,
    recallQueries: 50,
  },
};

const USERS = ['u-big', 'u-mid', 'u-small'] as const;

/** The Citus coordinator's admin URL: MEMORY_BENCH_CITUS_URL or MEMORY_TEST_CITUS_URL, else an error naming them. */
function benchCitusUrl(): string {
  const url = process.env.MEMORY_BENCH_CITUS_URL ?? process.env[CITUS_TEST_URL_ENV];
  if (!url)
    throw new Error(
      `the conversations-citus benchmark needs a Citus coordinator: set MEMORY_BENCH_CITUS_URL or ${CITUS_TEST_URL_ENV} to its admin URL`,
    );
  return url;
}

/** `xs` cut into consecutive runs of `n` (a side's values, one run per round). */
const perRound = (xs: number[], n: number) =>
  Array.from({ length: xs.length / n }, (_, r) => xs.slice(r * n, r * n + n));

export async function run(size: 'small' | 'full'): Promise<boolean> {
  const sz = SIZES[size];
  const pgUrl = benchPgUrl('conversations-citus');
  const citusUrl = benchCitusUrl();
  const log = benchLog('conversations-citus');
  const rows: BenchRow[] = [];
  const params: Record<string, unknown> = {
    ...sz,
    dims: DIMS,
    shardCount: CITUS_SHARD_COUNT,
    loadavg1mStart: loadavg1m(),
  };

  /**
   * The rows of one operation: `values` are each side's latencies (ms), `calls` of them a round,
   * each call `perCall` units (messages) of `unit`.
   */
  const compare = (
    label: string,
    unit: string,
    values: { single: number[]; citus: number[] },
    calls: number,
    perCall = 1,
  ) => {
    const rate = (ms: number[]) => (ms.length * perCall * 1000) / sum(ms);
    const rounds = { single: perRound(values.single, calls), citus: perRound(values.citus, calls) };
    // Each round's two blocks ran back to back: their ratio is what one round saw.
    const ratios = rounds.citus.map((ms, r) => sum(rounds.single[r]!) / sum(ms));
    const side = (xs: number[]) =>
      `${rate(xs).toFixed(0)} ${unit}, p50 ${percentile(xs, 50).toFixed(2)} ms, p95 ${percentile(xs, 95).toFixed(2)} ms`;
    rows.push({
      name: `${label}: Citus / single (throughput, median of rounds)`,
      value: percentile(ratios, 50),
      unit: 'ratio',
      note: `per round ${ratios.map((x) => x.toFixed(2)).join(', ')}; whole run ${(rate(values.citus) / rate(values.single)).toFixed(2)}`,
    });
    rows.push({ name: `${label}: single`, value: rate(values.single), unit, note: side(values.single) });
    rows.push({ name: `${label}: Citus`, value: rate(values.citus), unit, note: side(values.citus) });
  };

  let single: Target | undefined;
  let citus: Target | undefined;
  try {
    single = await openTarget(pgUrl);
    citus = await openTarget(citusUrl, 'citus');
    const C = citus;
    const { rows: nodes } = await C.pool.query<{ workers: number; version: string }>(
      `SELECT (SELECT count(*)::int FROM pg_dist_node WHERE groupid <> 0 AND isactive) AS workers,
              (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS version`,
    );
    params.citus = { version: nodes[0]!.version, workers: nodes[0]!.workers };
    const both = { single, citus };
    log(`single-node PostgreSQL and Citus ${nodes[0]!.version} (${nodes[0]!.workers} workers) scratch databases ready`);

    // --- 1. history ----------------------------------------------------------------------------
    for (const [name, t] of Object.entries(both)) {
      const ms = await timed(() => seedHistory(t.pool, sz.history));
      params[`historySeedS_${name}`] = Number((ms / 1000).toFixed(1));
      log(`${name}: seeded ${sz.history} messages in ${(ms / 1000).toFixed(1)} s`);
    }
    // The seed is deterministic: the same sessions on both sides (the check also reads them on Citus).
    const ids = await sessionIds(single.pool, sz.historyPerRound);
    if ((await sessionIds(C.pool, sz.historyPerRound)).join() !== ids.join())
      throw new Error('the two targets were seeded with different sessions');
    const { rows: keys } = await C.pool.query<{ id: string; shard_key: number; user_id: string }>(
      'SELECT id, shard_key, user_id FROM sessions WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const misplaced = keys.filter(
      (k) => k.shard_key !== shardKeyOfSession(k.id) || k.shard_key !== shardKeyOfUser(k.user_id),
    );
    if (keys.length !== ids.length || misplaced.length > 0)
      throw new Error(
        `the seed's shard keys differ from @memory/db's for ${misplaced.length} of ${ids.length} sessions`,
      );
    const historySides = { single: storeHistory(single, ids), citus: storeHistory(C, ids) };
    for (const fn of Object.values(historySides)) await fn();
    const hist = await interleave(sz.rounds, historySides);
    // Each side's values alternate newest, before (negative) per session.
    for (const before of [false, true]) {
      const pick = (xs: number[]) => xs.filter((x) => (before ? x < 0 : x > 0)).map(Math.abs);
      compare(
        `history page of 50, ${before ? 'before cursor' : 'newest'} (${sz.history.toLocaleString('en')} messages)`,
        'pages/s',
        { single: pick(hist.single!), citus: pick(hist.citus!) },
        ids.length,
      );
    }
    log('history measured');

    // --- 2. appends --------------------------------------------------------------------------
    // Checkpoints first, so the seed's WAL is not flushed during some rounds and not others.
    await single.pool.query('CHECKPOINT');
    await C.pool.query(`SELECT run_command_on_workers('CHECKPOINT')`);
    await C.pool.query('CHECKPOINT');
    const appendSessions = await sessionIds(single.pool, 20, sz.historyPerRound);
    const appendCalls = (t: Target, batch: number, calls: number) => {
      const append = storeAppender(t);
      let k = 0;
      return async () => {
        const out: number[] = [];
        for (let i = 0; i < calls; i++) {
          const sessionId = appendSessions[k++ % appendSessions.length]!;
          out.push(await timed(() => append(sessionId, batch)));
        }
        return out;
      };
    };
    for (const [label, unit, calls, batch] of [
      ['append 1 message per call', 'appends/s', sz.singlePerRound, 1],
      ['append batches of 100', 'messages/s', sz.batchPerRound, 100],
    ] as const) {
      for (const t of [single, C]) await appendCalls(t, batch, 5)();
      const r = await interleave(sz.rounds, {
        single: appendCalls(single, batch, calls),
        citus: appendCalls(C, batch, calls),
      });
      compare(label, unit, { single: r.single!, citus: r.citus! }, calls, batch);
    }
    log('appends measured');

    // --- 3. search ---------------------------------------------------------------------------
    const queryCount = Math.max(sz.searchPerRound, sz.recallQueries);
    const seeded = {
      single: await seedSearch(single, sz.vectors, queryCount),
      citus: await seedSearch(C, sz.vectors, queryCount),
    };
    for (const [name, s] of Object.entries(seeded))
      log(
        `${name}: seeded ${sz.vectors} vectors in ${(s.seedMs / 1000).toFixed(1)} s, HNSW build ${(s.buildMs / 1000).toFixed(1)} s`,
      );
    rows.push({
      name: `HNSW build, ${sz.vectors.toLocaleString('en')} × ${DIMS}: Citus / single (time)`,
      value: seeded.citus.buildMs / seeded.single.buildMs,
      unit: 'ratio',
      note: `single ${(seeded.single.buildMs / 1000).toFixed(1)} s, Citus ${(seeded.citus.buildMs / 1000).toFixed(1)} s (${CITUS_SHARD_COUNT} shards built on the workers)`,
    });
    const owned = seeded.single.owned;
    if (USERS.some((u) => owned[u] !== seeded.citus.owned[u]))
      throw new Error(
        `the targets own different vectors: ${JSON.stringify(owned)} vs ${JSON.stringify(seeded.citus.owned)}`,
      );
    params.messagesPerUser = owned;
    const queries = seeded.single.queries;
    const roundQueries = queries.slice(0, sz.searchPerRound);
    const hits: number[] = [];
    for (const userId of USERS) {
      const sides = {
        single: storeSearches(single, roundQueries, userId, hits),
        citus: storeSearches(C, roundQueries, userId, hits),
      };
      for (const fn of Object.values(sides)) await fn();
      const r = await interleave(sz.rounds, sides);
      const share = `${((100 * (owned[userId] ?? 0)) / sz.vectors).toFixed(0)} %`;
      compare(
        `search, user with ${share} (${owned[userId]} messages, ${(owned[userId] ?? 0) > 3000 ? 'HNSW' : 'exact scan'})`,
        'searches/s',
        { single: r.single!, citus: r.citus! },
        roundQueries.length,
      );
    }
    log('search latency measured');
    const recallQueries = queries.slice(0, sz.recallQueries);
    let short = hits.filter((n) => n < TOP_K).length;
    let searches = hits.length;
    for (const userId of USERS) {
      const exactMs: Record<string, number[]> = { single: [], citus: [] };
      const result: Record<string, { recall: number; short: number }> = {};
      for (const [name, t] of Object.entries(both)) {
        const truth = await exactTopK(t, userId, recallQueries, exactMs[name]!);
        result[name] = await storeRecall(t, userId, recallQueries, truth);
        short += result[name].short;
        searches += recallQueries.length;
      }
      rows.push({
        name: `search recall@10, ${userId}: Citus`,
        value: result.citus!.recall,
        unit: 'ratio',
        note: `single ${result.single!.recall.toFixed(3)}; ${recallQueries.length} queries vs exact search on each (exact p50 single ${percentile(exactMs.single!, 50).toFixed(1)} ms, Citus ${percentile(exactMs.citus!, 50).toFixed(1)} ms, all shards)`,
      });
    }
    rows.push({
      name: 'searches with fewer than topK hits (both sides, all users)',
      value: short,
      unit: 'queries',
      note: `of ${searches}`,
    });
    log('recall measured');
    params.loadavg1mEnd = loadavg1m();
    return writeReport(size === 'full' ? 'conversations-citus' : 'conversations-citus-small', params, rows);
  } finally {
    await closeTarget(single);
    await closeTarget(citus);
  }
}
