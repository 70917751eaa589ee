import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

/** One row of a benchmark table: a named measurement, its value, and the target it must meet. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. `>= 0.95` or `<= 5 ms`. */
  target?: string;
  /** Whether the target holds; undefined when the row is informational. */
  pass?: boolean;
  note?: string;
}

/** Directory reports go to: `$MEMORY_BENCH_OUT` or `<repo>/bench-results`. */
export function outDir(): string {
  return process.env.MEMORY_BENCH_OUT ?? join(import.meta.dirname, '..', '..', '..', 'bench-results');
}

/** Prints the rows as a table and writes `<name>.json` and `<name>.md`. Returns false when a target failed. */
export function writeReport(name: string, params: Record<string, unknown>, rows: BenchRow[]): boolean {
  const dir = outDir();
  mkdirSync(dir, { recursive: true });
  const when = new Date().toISOString();
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ name, when, node: process.version, params, rows }, null, 2),
  );
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4));
  const lines = [
    `## ${name}`,
    '',
    `${when}, Node ${process.version}, params: \`${JSON.stringify(params)}\``,
    '',
    '| measurement | value | unit | target | ok | note |',
    '|---|---:|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : 'NO'} | ${r.note ?? ''} |`,
    ),
    '',
  ];
  writeFileSync(join(dir, `${name}.md`), lines.join('\n'));
  console.log(lines.join('\n'));
  return rows.every((r) => r.pass !== false);
}

/** Percentile (0..100) of a list of numbers, by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** The 1-minute load average, two decimals: recorded beside every timing (the machine is shared). */
export const loadavg1m = () => Number(loadavg()[0]!.toFixed(2));

/** A progress line printer: `[name HH:MM:SS] message`. */
export type Log = (msg: string) => void;
export const benchLog =
  (name: string): Log =>
  (msg) =>
    console.log(`[${name} ${new Date().toISOString().slice(11, 19)}] ${msg}`);
