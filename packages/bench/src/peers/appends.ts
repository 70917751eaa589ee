/**
 * The append workload of the peers benchmark: single appends and batches of 100 through every
 * system's API, in interleaved rounds; plain `pg` sends one autocommit `INSERT` per message and
 * one multi-row `INSERT` per batch.
 */
import { randomUUID } from 'node:crypto';
import { interleave, sum, timed } from '../measure.js';
import { percentile } from '../report.js';
import { NAMES, OURS, roleAt } from './config.js';
import { fmt, type PeersRun } from './results.js';
import type { System } from './system.js';
import type { Opened } from './systems.js';

/** Appends to 20 fresh sessions of every system of `main`, after a CHECKPOINT of each database. */
export async function measureAppends(run: PeersRun, main: Opened): Promise<void> {
  const { sz, log, rows, verdicts, chart } = run;
  const names = NAMES;
  const ours = OURS;
  // --- appends -------------------------------------------------------------------------------
  const appendSessions = Array.from({ length: 20 }, () => ({ id: randomUUID(), userId: 'u-append' }));
  for (const s of main.systems) await s.createSessions(appendSessions);
  for (const s of main.systems) await s.aux.query('CHECKPOINT').catch(() => undefined);
  const appendSide = (s: System, perRound: number, batch: number) => {
    let k = 0;
    return async () => [
      await timed(async () => {
        for (let i = 0; i < perRound; i++) {
          const session = appendSessions[k++ % appendSessions.length]!;
          if (batch === 1) await s.appendOne(session.id, session.userId, roleAt(k));
          else await s.appendBatch(session.id, session.userId, batch);
        }
      }),
    ];
  };
  const appendMeasure = async (label: string, perRound: number, batch: number, target: number) => {
    const sides = Object.fromEntries(main.systems.map((s) => [s.name, appendSide(s, Math.min(perRound, 5), batch)]));
    for (const fn of Object.values(sides)) await fn(); // warm-up
    const r = await interleave(
      sz.appendRounds,
      Object.fromEntries(main.systems.map((s) => [s.name, appendSide(s, perRound, batch)])),
    );
    const rate = (xs: number[]) => (xs.length * perRound * batch * 1000) / sum(xs);
    const rates = Object.fromEntries(names.map((n) => [n, rate(r[n]!)]));
    const perRoundRatios = r[ours]!.map((ms, i) => r['plain pg']![i]! / ms);
    for (const name of names)
      rows.push({
        name: `${label}: ${name}`,
        value: rates[name]!,
        unit: 'msg/s',
        note: `× plain ${fmt(rates[name]! / rates['plain pg']!)}`,
      });
    const ratio = rates[ours]! / rates['plain pg']!;
    rows.push({
      name: `${label}: ours / plain`,
      value: ratio,
      unit: 'ratio',
      target: `>= ${target}`,
      pass: ratio >= target,
      note: `${sz.appendRounds} rounds; per round median ${fmt(percentile(perRoundRatios, 50))}, ${fmt(Math.min(...perRoundRatios))}–${fmt(Math.max(...perRoundRatios))}`,
    });
    verdicts.push({
      measure: `${label} (msg/s × plain)`,
      target: `≥ ${target}×`,
      value: `${fmt(ratio)}× (${fmt(rates[ours]!, 0)} vs ${fmt(rates['plain pg']!, 0)} msg/s; Mastra ${fmt(rates.Mastra! / rates['plain pg']!)}×, LangChain ${fmt(rates.LangChain! / rates['plain pg']!)}×)`,
      holds: ratio >= target,
    });
    chart.push({
      label,
      values: Object.fromEntries(names.slice(0, 3).map((n) => [n, rates[n]! / rates['plain pg']!])),
      target,
    });
  };
  await appendMeasure('single appends (autocommit INSERT)', sz.singlePerRound, 1, 0.8);
  await appendMeasure('batches of 100 (multi-row INSERT)', sz.batchPerRound, 100, 0.9);
  log('appends measured');
}
