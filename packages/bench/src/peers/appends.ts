/**
 * The append workload of the peers benchmark: single appends and batches of 100 through every
 * system's API, in interleaved rounds. Plain `pg` runs twice:
 * - the baseline of issue 11's targets, which asks that "the plain baseline reads and writes the
 *   same columns": one autocommit `INSERT` per message (one multi-row `INSERT` per batch) of the
 *   columns ours writes (`id, session_id, role, content, model, created_at, user_id, shard_key`)
 *   into `messages_same`, a table of our table's columns, keys and indexes (as the bulk import's
 *   baseline, `mirrorMessages`);
 * - for information, the baseline of earlier runs: five columns (`id, session_id, role, content,
 *   model`) into the peers' plain table (primary key, `(session_id, created_at)`, HNSW), which
 *   has no `user_id` and two indexes fewer than ours.
 */
import { randomUUID } from 'node:crypto';
import { interleave, sum, timed } from '../measure.js';
import { percentile } from '../report.js';
import { mirrorMessages } from './bulk.js';
import { NAMES, OURS, roleAt } from './config.js';
import { fmt, type PeersRun } from './results.js';
import type { System } from './system.js';
import type { Opened } from './systems.js';

/** The side of the same-table baseline (issue 11's targets). */
const SAME = 'plain pg, same columns and table';
/** The side of the five-column baseline of earlier runs (information). */
const NARROW = 'plain pg';

type AppendSide = Pick<System, 'name' | 'appendOne' | 'appendBatch'>;

/** Appends to 20 fresh sessions of every system of `main`, after a CHECKPOINT of each database. */
export async function measureAppends(run: PeersRun, main: Opened): Promise<void> {
  const { sz, log, rows, verdicts, chart } = run;
  const ours = OURS;
  // --- appends -------------------------------------------------------------------------------
  const appendSessions = Array.from({ length: 20 }, () => ({ id: randomUUID(), userId: 'u-append' }));
  for (const s of main.systems) await s.createSessions(appendSessions);
  await mirrorMessages(main.memory.aux, main.plain.aux, 'messages_same');
  // The baseline's table holds what ours holds when the appends start (in a full run, the loaded
  // messages with their embeddings and the big thread): the plain side's rows, copied untimed,
  // with their sessions' user ids, then vacuumed and analyzed as the load and search phases left
  // every other table. An empty table would be a best case no deployment has.
  const copied = await main.plain.aux.query(
    `INSERT INTO messages_same (id, session_id, role, content, model, embedding, created_at, user_id, shard_key)
     SELECT m.id, m.session_id, m.role, m.content, m.model, m.embedding, m.created_at, s.user_id,
            ('x' || right(m.session_id::text, 4))::bit(16)::int
       FROM messages m JOIN sessions s ON s.id = m.session_id`,
  );
  await main.plain.aux.query('VACUUM ANALYZE messages_same');
  log(`same-table baseline: ${copied.rowCount ?? 0} rows copied from the plain table`);
  const same: AppendSide = {
    name: SAME,
    appendOne: (sessionId, userId, role) => main.plain.appendOneSame(sessionId, userId, role),
    appendBatch: (sessionId, userId, n) => main.plain.appendBatchSame(sessionId, userId, n),
  };
  const sides: AppendSide[] = [...main.systems, same];
  const names = sides.map((s) => s.name);
  for (const s of main.systems) await s.aux.query('CHECKPOINT').catch(() => undefined);
  const appendSide = (s: AppendSide, perRound: number, batch: number) => {
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
    for (const s of sides) await appendSide(s, Math.min(perRound, 5), batch)(); // warm-up
    const r = await interleave(
      sz.appendRounds,
      Object.fromEntries(sides.map((s) => [s.name, appendSide(s, perRound, batch)])),
    );
    const rate = (xs: number[]) => (xs.length * perRound * batch * 1000) / sum(xs);
    const rates = Object.fromEntries(names.map((n) => [n, rate(r[n]!)]));
    const perRoundRatios = r[ours]!.map((ms, i) => r[SAME]![i]! / ms);
    for (const name of names)
      rows.push({
        name: `${label}: ${name}`,
        value: rates[name]!,
        unit: 'msg/s',
        note: `× plain (same columns and table) ${fmt(rates[name]! / rates[SAME]!)}; × plain (five columns) ${fmt(rates[name]! / rates[NARROW]!)}`,
      });
    const ratio = rates[ours]! / rates[SAME]!;
    const narrowRatio = rates[ours]! / rates[NARROW]!;
    rows.push({
      name: `${label}: ours / plain (same columns and table)`,
      value: ratio,
      unit: 'ratio',
      target: `>= ${target}`,
      pass: ratio >= target,
      note: `${sz.appendRounds} rounds; per round median ${fmt(percentile(perRoundRatios, 50))}, ${fmt(Math.min(...perRoundRatios))}–${fmt(Math.max(...perRoundRatios))}`,
    });
    rows.push({
      name: `${label}: ours / plain (five columns into the peers' plain table, the earlier baseline; information)`,
      value: narrowRatio,
      unit: 'ratio',
      note: `the same-table INSERT runs at ${fmt(rates[SAME]! / rates[NARROW]!)} × the five-column one`,
    });
    verdicts.push({
      measure: `${label} (msg/s × plain, same columns and table)`,
      target: `≥ ${target}×`,
      value: `${fmt(ratio)}× (${fmt(rates[ours]!, 0)} vs ${fmt(rates[SAME]!, 0)} msg/s; Mastra ${fmt(rates.Mastra! / rates[SAME]!)}×, LangChain ${fmt(rates.LangChain! / rates[SAME]!)}×; × the five-column plain INSERT: ${fmt(narrowRatio)}×)`,
      holds: ratio >= target,
    });
    chart.push({
      label,
      values: Object.fromEntries(NAMES.slice(0, 3).map((n) => [n, rates[n]! / rates[SAME]!])),
      target,
    });
  };
  await appendMeasure('single appends (autocommit INSERT)', sz.singlePerRound, 1, 0.8);
  await appendMeasure('batches of 100 (multi-row INSERT)', sz.batchPerRound, 100, 0.9);
  log('appends measured');
}
