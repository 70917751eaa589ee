/**
 * What a peers run collects (the report's rows, issue 11's verdicts, the chart's groups) and its
 * output: the report, the targets table, the chart, and at full size the README's table.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg1m, outDir, writeReport, type BenchRow, type Log } from '../report.js';
import { peersChartSvg, type ChartGroup } from '../peers-chart.js';
import type { Sizes } from './config.js';

/** One of issue 11's targets and how this run did. */
interface Verdict {
  measure: string;
  target: string;
  value: string;
  holds: boolean;
}

/** A run in progress: its sizes, params, log, and what the workloads add to the report. */
export interface PeersRun {
  sz: Sizes;
  params: Record<string, unknown>;
  log: Log;
  rows: BenchRow[];
  verdicts: Verdict[];
  chart: ChartGroup[];
}

export const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/**
 * Prints and writes the report, the targets table and the chart (and, at full size, the README's
 * table). A run of one phase (`only`) writes `peers-<only>` beside the others and leaves the
 * README and its chart alone.
 */
export function writePeersReport(size: 'small' | 'full', run: PeersRun, only?: string): boolean {
  const { params, rows, verdicts, chart, log } = run;
  params.loadavg1mEnd = loadavg1m();
  const name = `${size === 'full' ? 'peers' : 'peers-small'}${only ? `-${only}` : ''}`;
  const ok = writeReport(name, params, rows);
  const table = [
    '',
    `### targets (issue 11), same-run ratios; load average ${params.loadavg1mStart} → ${params.loadavg1mEnd}`,
    '',
    '| measure | target | this run | verdict |',
    '|---|---|---|---|',
    ...verdicts.map((v) => `| ${v.measure} | ${v.target} | ${v.value} | ${v.holds ? 'holds' : 'misses'} |`),
    '',
  ].join('\n');
  console.log(table);
  appendFileSync(join(outDir(), `${name}.md`), table);
  const svg = peersChartSvg(
    `@memory/conversations vs Mastra and LangChain, × plain pg (${size} size)`,
    `${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, load average ${params.loadavg1mStart} → ${params.loadavg1mEnd} (2 shared cores)`,
    chart,
  );
  // The full run regenerates the chart the README shows; a small run writes beside its report.
  const svgPath =
    size === 'full' && !only ? join(import.meta.dirname, '..', '..', 'peers.svg') : join(outDir(), `${name}.svg`);
  writeFileSync(svgPath, svg);
  if (size === 'full' && !only) updateReadmeTable(table);
  log(`chart written to ${svgPath}`);
  return ok;
}

/** Replaces the block between the peers markers in the bench README with this run's target table. */
function updateReadmeTable(table: string): void {
  const path = join(import.meta.dirname, '..', '..', 'README.md');
  const text = readFileSync(path, 'utf8');
  const start = '<!-- peers:start -->';
  const end = '<!-- peers:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${table.trim()}\n${text.slice(j)}`);
}
