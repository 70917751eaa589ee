// What the GloVe sentence-similarity channel (`gloveSimilarity()` of @memory/retrieval-glove)
// costs: loading its vectors (wall and CPU time, heap and resident memory after gc), and the warm
// time of a question on every seen set's users, with and without it, interleaved in one run
// (README: "A sentence-similarity channel"). Run with --expose-gc on a quiet machine:
//   node --expose-gc --import tsx --conditions=@memory/source eval/similarity-cost.ts
import { loadavg } from 'node:os';
import { gloveSimilarity } from '@memory/retrieval-glove';
import { createRetriever } from '../src/index.js';
import { loadSeenSets } from './seen.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const load = loadavg()[0]!.toFixed(2);

gc();
const before = process.memoryUsage();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const similarity = gloveSimilarity();
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
gc();
const after = process.memoryUsage();
process.stdout.write(
  `gloveSimilarity(): ${wall.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; ` +
    `heap +${mb(after.heapUsed - before.heapUsed)} MB, array buffers +${mb(after.arrayBuffers - before.arrayBuffers)} MB, ` +
    `RSS +${mb(after.rss - before.rss)} MB (load average ${load})\n`,
);

const sets = await loadSeenSets();
const plain = createRetriever();
const dense = createRetriever({ similarity });
const times: Record<'plain' | 'dense', number[]> = { plain: [], dense: [] };
let prepare = 0;
let users = 0;
// Each user's index (and the channel's vectors of its triples) is built by an untimed first
// question, except that the channel's preparation is timed once per user.
for (const set of sets.values())
  for (const user of set.triples.keys()) {
    await plain.retrieve(set.storage, user, 'what does she like');
    await dense.load(set.storage, user);
    const t = performance.now();
    await dense.retrieve(set.storage, user, 'what does she like');
    prepare += performance.now() - t;
    users++;
  }
for (let round = 0; round < 3; round++)
  for (const set of sets.values())
    for (const q of set.questions)
      for (const [name, retriever] of [
        ['plain', plain],
        ['dense', dense],
      ] as const) {
        const t = performance.now();
        await retriever.retrieve(set.storage, q.user, q.question);
        times[name].push(performance.now() - t);
      }
const p = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * q)]!;
process.stdout.write(
  `first question of a user with the channel (its triple vectors built): ${(prepare / users).toFixed(2)} ms on average over ${users} users\n` +
    `warm question, ${times.plain.length} each: p50 ${p(times.plain, 0.5).toFixed(3)} → ${p(times.dense, 0.5).toFixed(3)} ms, ` +
    `p95 ${p(times.plain, 0.95).toFixed(3)} → ${p(times.dense, 0.95).toFixed(3)} ms (load average ${load} → ${loadavg()[0]!.toFixed(2)})\n`,
);
