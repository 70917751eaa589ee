/**
 * The load workload of the peers benchmark: the same messages with 384-d embeddings loaded into
 * every system through its batching API, into tables with their HNSW index in place, interleaved.
 */
import { interleaveOrder, timed } from '../measure.js';
import { percentile } from '../report.js';
import { DIMS, NAMES, PER_SESSION } from './config.js';
import type { vectorData } from './data.js';
import { fmt, type PeersRun } from './results.js';
import type { System } from './system.js';

/** Each system's load time in seconds, how it loaded, and the time of each interleaved step in ms. */
export type LoadTimes = Record<string, { s: number; how: string; steps: number[] }>;

/** Sessions per step of the interleaved load (1,000 messages). */
const LOAD_STEP_SESSIONS = 10;

/**
 * Loads the same data into every system in interleaved steps of {@link LOAD_STEP_SESSIONS}
 * sessions (the order rotating from step to step, {@link interleaveOrder}), so a busy machine's
 * drift hits every system alike; each system's time is the sum of its steps. Then VACUUM ANALYZE.
 */
export async function loadAll(systems: System[], data: ReturnType<typeof vectorData>): Promise<LoadTimes> {
  const out: LoadTimes = Object.fromEntries(systems.map((s) => [s.name, { s: 0, how: '', steps: [] }]));
  for (const s of systems) await s.createSessions(data.sessions);
  const byName = Object.fromEntries(systems.map((s) => [s.name, s]));
  for (let step = 0; step * LOAD_STEP_SESSIONS < data.rows.length; step++) {
    const chunk = data.rows.slice(step * LOAD_STEP_SESSIONS, (step + 1) * LOAD_STEP_SESSIONS);
    for (const name of interleaveOrder(Object.keys(byName), step)) {
      const entry = out[name]!;
      const ms = await timed(async () => (entry.how = await byName[name]!.loadVectors(chunk)));
      entry.steps.push(ms);
      entry.s += ms / 1000;
    }
  }
  for (const s of systems) await s.aux.query('VACUUM ANALYZE');
  return out;
}

/**
 * Runs the peers benchmark at `size`; prints and writes the report (and, at full size, the chart
 * and the README's targets table). Returns false when one of issue 11's targets misses.
 */

/** Loads `clustered` into every system ({@link loadAll}) and reports the times, ours ÷ plain's the target. */
export async function measureLoad(run: PeersRun, systems: System[], clustered: ReturnType<typeof vectorData>) {
  const { sz, params, log, rows, verdicts, chart } = run;
  const names = NAMES;
  const load = await loadAll(systems, clustered);
  params.load = Object.fromEntries(Object.entries(load).map(([n, l]) => [n, { s: l.s, how: l.how }]));
  log(`loaded: ${JSON.stringify(params.load)}`);
  const loadStepRatios = load['@memory/conversations']!.steps.map((ms, i) => ms / load['plain pg']!.steps[i]!);
  const plainLoad = load['plain pg']!.s;
  for (const name of names) {
    rows.push({
      name: `load ${sz.vectors.toLocaleString('en')} × ${DIMS}-d, HNSW in place: ${name}`,
      value: load[name]!.s,
      unit: 's',
      note: `${load[name]!.how}; × plain ${fmt(load[name]!.s / plainLoad)}`,
    });
  }
  const loadRatio = load['@memory/conversations']!.s / plainLoad;
  rows.push({
    name: `load ${sz.vectors.toLocaleString('en')} with embeddings: ours / plain multi-row INSERT (time)`,
    value: loadRatio,
    unit: 'ratio',
    target: '<= 1.2',
    pass: loadRatio <= 1.2,
    note: `${load['@memory/conversations']!.how}; ${loadStepRatios.length} interleaved steps of ${LOAD_STEP_SESSIONS * PER_SESSION}, per step median ${fmt(percentile(loadStepRatios, 50))}, ${fmt(Math.min(...loadStepRatios))}–${fmt(Math.max(...loadStepRatios))}`,
  });
  verdicts.push({
    measure: `load ${sz.vectors.toLocaleString('en')} messages with ${DIMS}-d embeddings (time × plain multi-row INSERT)`,
    target: '≤ 1.2×',
    value: `${fmt(loadRatio)}×`,
    holds: loadRatio <= 1.2,
  });
  chart.push({
    label: `load ${sz.vectors / 1000}k × ${DIMS}-d`,
    values: Object.fromEntries(names.slice(0, 3).map((n) => [n, plainLoad / load[n]!.s])),
    target: 1 / 1.2,
  });
}
