/**
 * Recall of the search part against exact search (the store's fenced exact SQL), hits short of
 * `topK`, and, informational: recall and latency of the store's HNSW statement at other
 * `hnsw.ef_search` values, and the plan PostgreSQL picks for it per user.
 */
import { vectorLiteral } from '../measure.js';
import { percentile } from '../report.js';
import { inTransaction } from '../scratch-db.js';
import { TOP_K, type PartRun } from './config.js';
import { EF_SEARCH, EXACT_SEARCH_SQL, SEARCH_SETTINGS_SQL, SEARCH_SQL } from './sql.js';
import type { Target } from './target.js';

/**
 * The exact top 10 of `userId`'s messages for each of `queries` (the store's fenced exact SQL
 * without a shard key: on Citus it reads every shard, so it is the truth wherever a row landed);
 * each statement's time is pushed to `ms`.
 */
export async function exactTopK(t: Target, userId: string, queries: number[][], ms: number[]): Promise<Set<string>[]> {
  const out: Set<string>[] = [];
  for (const v of queries) {
    const t0 = performance.now();
    const { rows: found } = await t.pool.query<{ id: string }>(EXACT_SEARCH_SQL, [vectorLiteral(v), userId, TOP_K]);
    ms.push(performance.now() - t0);
    out.push(new Set(found.map((r) => r.id)));
  }
  return out;
}

/** The store's recall@10 for `userId` over `queries` against `truth` ({@link exactTopK}), and how many searches came back short of topK. */
export async function storeRecall(
  t: Target,
  userId: string,
  queries: number[][],
  truth: Set<string>[],
): Promise<{ recall: number; short: number }> {
  let hit = 0;
  let total = 0;
  let short = 0;
  for (let i = 0; i < queries.length; i++) {
    const got = await t.store.searchMessages({ vector: queries[i]!, userId, topK: TOP_K });
    if (got.length < TOP_K) short++;
    total += truth[i]!.size;
    hit += got.filter((h) => truth[i]!.has(h.message.id)).length;
  }
  return { recall: hit / total, short };
}

/**
 * `queries` are the search part's query vectors, `hitsSeen` the hit counts of its timed store
 * searches, `pct` a user's share of the messages as the report prints it.
 */
export async function measureRecall(
  run: PartRun,
  S: Target,
  queries: number[][],
  hitsSeen: number[],
  pct: (userId: string) => string,
): Promise<void> {
  const { sz, rows, params, log } = run;
  const p = (xs: number[] | undefined, q: number) => percentile(xs!, q);
  const ms = (xs: number[] | undefined) => `${p(xs, 50).toFixed(2)} ms`;
  // Recall against exact search (the fenced exact SQL), and hit counts.
  const exactMs: Record<string, number[]> = {};
  const qs = queries.slice(0, sz.recallQueries);
  const truth: Record<string, Set<string>[]> = {};
  for (const userId of ['u-big', 'u-mid', 'u-small'])
    truth[userId] = await exactTopK(S, userId, qs, (exactMs[userId] = []));
  const recall = (userId: string) => storeRecall(S, userId, qs, truth[userId]!);
  const big = await recall('u-big');
  const mid = await recall('u-mid');
  const tiny = await recall('u-small');
  for (const [userId, { recall: value }, note] of [
    [
      'u-big',
      big,
      `${sz.recallQueries} queries vs exact search (p50 ${ms(exactMs['u-big'])}); the store's default ef_search ${EF_SEARCH}`,
    ],
    [
      'u-small',
      tiny,
      `exact search p50 ${ms(exactMs['u-small'])}; user with ${pct('u-mid')}: ${mid.recall.toFixed(3)}`,
    ],
  ] as const)
    rows.push({
      name: `search recall@10, user with ${pct(userId)}`,
      value,
      unit: 'ratio',
      target: '>= 0.95',
      pass: value >= 0.95,
      note,
    });
  const shortAll = big.short + mid.short + tiny.short + hitsSeen.filter((x) => x < TOP_K).length;
  rows.push({
    name: 'searches with fewer than topK hits (all users)',
    value: shortAll,
    unit: 'queries',
    target: '0',
    pass: shortAll === 0,
    note: `of ${3 * sz.recallQueries + hitsSeen.length}; the ${pct('u-small')} user: ${tiny.short}`,
  });
  // Informational: recall and latency at other hnsw.ef_search values (bare pg, the store's HNSW SQL).
  // 1000 (the maximum) shows the ceiling of this index build: what no ef_search can exceed.
  for (const ef of [40, 100, 150, EF_SEARCH, 300, 1000]) {
    let hit = 0;
    const efMs: number[] = [];
    for (let i = 0; i < qs.length; i++) {
      const t0 = performance.now();
      const got = await inTransaction(S.pool, async (c) => {
        await c.query(SEARCH_SETTINGS_SQL, [String(ef)]);
        return (await c.query<{ id: string }>(SEARCH_SQL, [vectorLiteral(qs[i]!), 'u-big', TOP_K])).rows;
      });
      efMs.push(performance.now() - t0);
      hit += got.filter((r) => truth['u-big']![i]!.has(r.id)).length;
    }
    rows.push({
      name: `search recall@10, user with ${pct('u-big')}, the store's HNSW SQL with ef_search ${ef}`,
      value: hit / (TOP_K * sz.recallQueries),
      unit: 'ratio',
      note: `informational; p50 ${ms(efMs)}, p95 ${p(efMs, 95).toFixed(2)} ms`,
    });
  }

  // Which plan PostgreSQL itself picks for the HNSW statement (store settings), per user.
  const plan = async (userId: string) =>
    inTransaction(S.pool, async (c) => {
      await c.query(SEARCH_SETTINGS_SQL, [String(EF_SEARCH)]);
      const { rows: lines } = await c.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${SEARCH_SQL.replace(/\$1/g, `'${vectorLiteral(queries[0]!)}'`)
          .replace('$2', `'${userId}'`)
          .replace('$3', String(TOP_K))}`,
      );
      const text = lines.map((l) => l['QUERY PLAN']).join('\n');
      return text.includes('ix_messages_embedding_hnsw')
        ? 'HNSW index scan (iterative_scan relaxed_order)'
        : text.includes('Seq Scan on messages')
          ? 'exact: seq scan + sort'
          : 'exact: via session index + sort';
    });
  params.plannerChoiceForHnswSql = {
    'u-big': await plan('u-big'),
    'u-mid': await plan('u-mid'),
    'u-small': await plan('u-small'),
  };
  log(`planner's own choice for the HNSW statement: ${JSON.stringify(params.plannerChoiceForHnswSql)}`);
}
