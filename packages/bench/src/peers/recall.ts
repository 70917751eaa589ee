/**
 * Recall@10 in the peers benchmark: each system's search against an exact top 10 computed here,
 * on the clustered vectors (scored by the search workload) and on random unit vectors (a second
 * load of every system into fresh databases).
 */
import { BIG_USER, DIMS, NAMES, OURS, TOP_K } from './config.js';
import { randomUnitVectors, vectorData } from './data.js';
import { loadAll, type LoadTimes } from './load.js';
import { fmt, type PeersRun } from './results.js';
import type { System, VectorRow } from './system.js';
import { closeAll, openAll } from './systems.js';

/** Recall@10 of one system and how many of its searches came back short of `topK`. */
export interface Recall {
  recall: number;
  short: number;
}

/** The exact top-k ids by cosine distance among `rows` (unit vectors: the largest dot products). */
export function exactTopK(rows: VectorRow[], q: number[]): Set<string> {
  const scored = rows.map((r) => {
    let dot = 0;
    for (let d = 0; d < DIMS; d++) dot += r.vector[d]! * q[d]!;
    return { id: r.id, dot };
  });
  scored.sort((a, b) => b.dot - a.dot);
  return new Set(scored.slice(0, TOP_K).map((s) => s.id));
}

/** The big user's searches for `qs` through `s`, scored against `truthSets`. */
export async function recallOf(s: System, truthSets: Set<string>[], qs: number[][]): Promise<Recall> {
  let hit = 0;
  let shortOnes = 0;
  for (let i = 0; i < qs.length; i++) {
    const got = await s.search(qs[i]!, BIG_USER);
    if (got.length < TOP_K) shortOnes++;
    hit += got.filter((id) => truthSets[i]!.has(id)).length;
  }
  return { recall: hit / (TOP_K * qs.length), short: shortOnes };
}

/** Recall@10 on random unit vectors, in fresh databases (`memory_bench_peers_random_*`); empty when `skipped`. */
export async function measureRandomRecall(
  run: PeersRun,
  adminUrl: string,
  skipped: boolean,
): Promise<{ recallRandom: Record<string, Recall>; loadRandom: LoadTimes }> {
  const { sz, params, log } = run;
  const recallRandom: Record<string, Recall> = {};
  let loadRandom: LoadTimes = {};
  if (skipped) log('random-vector phase skipped (MEMORY_BENCH_PEERS_SKIP)');
  else {
    const random = vectorData(sz.vectors, randomUnitVectors(23));
    const rq = randomUnitVectors(57);
    const randomQs = Array.from({ length: sz.recallQueries }, () => rq());
    const main = await openAll(adminUrl, 'random');
    try {
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
    } finally {
      await closeAll(main);
    }
  }
  return { recallRandom, loadRandom };
}

/** The recall rows of the report (clustered and random, every system) and issue 11's recall verdict. */
export function reportRecall(
  run: PeersRun,
  bigUserMessages: number,
  recallClustered: Record<string, Recall>,
  { recallRandom, loadRandom }: { recallRandom: Record<string, Recall>; loadRandom: LoadTimes },
): void {
  const { sz, rows, verdicts } = run;
  const names = NAMES;
  const ours = OURS;
  for (const name of names.slice(0, 3)) {
    rows.push({
      name: `recall@10, clustered vectors (${bigUserMessages} of the big user): ${name}`,
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
}
