/** The history workload of the peers benchmark: the newest 50 messages of the big thread, every system, interleaved. */
import { interleave, timed } from '../measure.js';
import { percentile } from '../report.js';
import { NAMES, OURS } from './config.js';
import { fmt, type PeersRun } from './results.js';
import type { System } from './system.js';
import type { Opened } from './systems.js';

/** Reads the newest 50 of `threadId` (seeded by the search workload) through every system of `main`. */
export async function measureHistory(run: PeersRun, main: Opened, threadId: string): Promise<void> {
  const { sz, log, rows, verdicts, chart } = run;
  const names = NAMES;
  const ours = OURS;
  // --- newest 50 of the big thread -----------------------------------------------------------
  const historySide = (s: System) => async () => {
    const out: number[] = [];
    for (let i = 0; i < sz.historyPerRound; i++) {
      let n = 0;
      out.push(await timed(async () => (n = await s.newest50(threadId))));
      if (n !== 50) throw new Error(`${s.name}: history page of ${n} messages`);
    }
    return out;
  };
  const histSides = Object.fromEntries(main.systems.map((s) => [s.name, historySide(s)]));
  for (const fn of Object.values(histSides)) await fn();
  const hist = await interleave(sz.rounds, histSides);
  const hp50 = Object.fromEntries(names.map((n) => [n, percentile(hist[n]!, 50)]));
  for (const name of names)
    rows.push({
      name: `newest 50 of a ${sz.thread.toLocaleString('en')}-message thread: ${name} p50`,
      value: hp50[name]!,
      unit: 'ms',
      note: `p95 ${fmt(percentile(hist[name]!, 95))} ms; × plain ${fmt(hp50[name]! / hp50['plain pg']!)}`,
    });
  const histRatio = hp50[ours]! / hp50['plain pg']!;
  const histHolds = histRatio <= 2 && hp50[ours]! < hp50.Mastra! && hp50[ours]! < hp50.LangChain!;
  rows.push({
    name: 'newest 50: ours / plain (p50), and ahead of both peers',
    value: histRatio,
    unit: 'ratio',
    target: '<= 2 and < both peers',
    pass: histHolds,
    note: `Mastra ${fmt(hp50.Mastra! / hp50['plain pg']!)}×, LangChain ${fmt(hp50.LangChain! / hp50['plain pg']!)}×`,
  });
  verdicts.push({
    measure: `newest 50 of a ${sz.thread.toLocaleString('en')}-message thread (p50 × plain; ahead of both peers)`,
    target: '≤ 2×, < Mastra, < LangChain',
    value: `${fmt(histRatio)}× (${fmt(hp50[ours]!)} ms; Mastra ${fmt(hp50.Mastra!)}, LangChain ${fmt(hp50.LangChain!)}, plain ${fmt(hp50['plain pg']!)})`,
    holds: histHolds,
  });
  chart.push({
    label: `newest 50 of ${sz.thread / 1000}k thread`,
    values: Object.fromEntries(names.slice(0, 3).map((n) => [n, hp50['plain pg']! / hp50[n]!])),
    target: 0.5,
  });
  log('history measured');
}
