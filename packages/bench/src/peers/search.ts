/**
 * The filtered-search workload of the peers benchmark: the small user's searches in every system
 * with a store of vectors, in interleaved rounds, before and after a big thread (no vectors) is
 * added to the same database; recall@10 of the big user on the clustered vectors in between.
 */
import { randomUUID } from 'node:crypto';
import { createConversationStore } from '@memory/conversations';
import type { MemoryDb } from '@memory/db';
import { interleave, timed } from '../measure.js';
import { percentile } from '../report.js';
import { BIG_USER, SMALL_USER, THREAD_USER, TOP_K } from './config.js';
import type { vectorData } from './data.js';
import { exactTopK, recallOf, type Recall } from './recall.js';
import { fmt, type PeersRun } from './results.js';
import type { System } from './system.js';
import type { Opened } from './systems.js';

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

/**
 * Runs the search workload on `main`, loaded with `clustered`; returns the big thread's id (the
 * history workload reads it), the clustered recall of each system and the big user's message count.
 */
export async function measureSearch(
  run: PeersRun,
  main: Opened,
  clustered: ReturnType<typeof vectorData>,
  queries: number[][],
): Promise<{ threadId: string; recallClustered: Record<string, Recall>; bigUserMessages: number }> {
  const { sz, params, log, rows, verdicts } = run;
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
  const recallClustered: Record<string, Recall> = {};
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
  return { threadId, recallClustered, bigUserMessages: bigRows.length };
}
