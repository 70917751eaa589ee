#!/usr/bin/env node
// Same-run benchmark ratios at two commits, run in interleaved rounds: the check behind issue 12's
// "benchmarks after the refactor within 10 % of before, as same-run ratios". Each benchmark
// already compares ours with its baseline inside one run (a ratio); this script runs it at both
// commits, round after round (which commit goes first alternates), and compares the ratios.
//
//   node scripts/bench-compare.mjs                          # 01c225e vs HEAD, 2 rounds, small size
//   node scripts/bench-compare.mjs --before REV --after REV --rounds 3 longterm-s3 archive
//   node scripts/bench-compare.mjs --write                  # also put the table in packages/bench/README.md
//   node scripts/bench-compare.mjs --retable --dir DIR      # the table again from DIR's reports, nothing run
//
// Each commit gets a temporary worktree (`git worktree add --detach`, `pnpm install --offline`),
// removed at the end (`--keep` keeps them). Benchmarks named by `--shared-bench` (default
// `conversations`, whose baseline changed from the store's own SQL to plain SQL after 01c225e) run
// one benchmark code in both worktrees, so both sides measure the same thing against the same
// baseline: the after commit's `packages/bench/src`, or the folder given by `--bench-src` (e.g. this
// checkout's `packages/bench/src`, to measure with a benchmark fixed since). The others run each
// commit's own benchmark code. PostgreSQL from
// MEMORY_BENCH_PG_URL, MEMORY_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres.
//
// Compared rows: every row of unit `ratio`, and every timed row whose note names its baseline's
// time in the same run ("plain SQL 1.23 ms", "PGlite direct 0.5 ms"), as ours ÷ baseline. The value
// of a commit is the median over rounds; change is after ÷ before − 1, signed so that + is better.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const valued = new Set(['--before', '--after', '--rounds', '--size', '--shared-bench', '--bench-src', '--dir']);
const benches = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
const work = option('--dir', mkdtempSync(join(tmpdir(), 'bench-compare-')));
// --retable: tabulate the reports a run left in --dir again (e.g. after changing what is compared).
const retable = args.includes('--retable');
const saved = retable ? JSON.parse(readFileSync(join(work, 'results.json'), 'utf8')) : undefined;
const names =
  benches.length > 0
    ? benches
    : saved
      ? Object.keys(saved.results)
      : ['longterm-s3', 'semantics-retrieval', 'archive', 'conversations-pglite', 'conversations'];
const before = option('--before', '01c225e');
const after = option('--after', 'HEAD');
const rounds = saved?.rounds ?? Number(option('--rounds', '2'));
const size = saved?.size ?? option('--size', 'small');
const shared = new Set(option('--shared-bench', 'conversations').split(',').filter(Boolean));
const keep = args.includes('--keep');
const pgUrl =
  process.env.MEMORY_BENCH_PG_URL ?? process.env.MEMORY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (msg) => console.log(`[bench-compare ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const git = (...a) => execFileSync('git', ['-C', root, ...a], { encoding: 'utf8' }).trim();

/** A detached worktree of `rev` with its dependencies installed (the shared toolchain linked in). */
function worktree(label, rev) {
  const dir = join(work, label);
  const sha = git('rev-parse', '--short', rev);
  if (!existsSync(dir)) {
    git('worktree', 'add', '--detach', dir, sha);
    if (existsSync(join(root, '.tools'))) symlinkSync(resolve(root, '.tools'), join(dir, '.tools'));
    const install = spawnSync('pnpm', ['install', '--frozen-lockfile', '--offline'], { cwd: dir, stdio: 'inherit' });
    if (install.status !== 0) throw new Error(`pnpm install failed in ${dir}`);
  }
  return { label, rev: sha, dir, bench: join(dir, 'packages', 'bench') };
}

const sides = saved?.sides ?? [worktree('before', before), worktree('after', after)];
// One copy of the benchmark sources for the shared benches in each worktree (beside its own `src`,
// so imports resolve to that worktree's packages).
const sharedSrc = 'src-shared';
const benchSrc = resolve(option('--bench-src', join(sides[1].bench, 'src')));
if (shared.size > 0 && !retable)
  for (const side of sides) {
    rmSync(join(side.bench, sharedSrc), { recursive: true, force: true });
    cpSync(benchSrc, join(side.bench, sharedSrc), { recursive: true });
  }

/** Runs one benchmark in one worktree; returns the rows of the reports it wrote and the load around it. */
function runOnce(side, name, round) {
  const out = join(work, 'reports', `${side.label}-${name}-r${round}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const src = shared.has(name) ? sharedSrc : 'src';
  const load0 = loadavg()[0];
  const t0 = performance.now();
  const child = spawnSync(
    join(side.bench, 'node_modules', '.bin', 'tsx'),
    ['--conditions=@memory/source', join(src, 'run.ts'), name, '--size', size],
    {
      cwd: side.bench,
      env: {
        ...process.env,
        MEMORY_BENCH_OUT: out,
        MEMORY_BENCH_PG_URL: pgUrl,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim(),
      },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  writeFileSync(join(out, 'log.txt'), `${child.stdout}\n${child.stderr}`);
  const load1 = loadavg()[0];
  const seconds = (performance.now() - t0) / 1000;
  const rows = reportRows(out);
  log(
    `${name} at ${side.label} (${side.rev}), round ${round + 1}: ${seconds.toFixed(0)} s, load ${load0.toFixed(1)} → ${load1.toFixed(1)}, ${rows.length} rows${child.status === 0 || rows.length > 0 ? '' : ', FAILED (see log.txt)'}`,
  );
  return { rows, load: [load0, load1] };
}

/** The ratios a report holds: `ratio` rows, and timed rows against the baseline time their note names. */
function ratios(rows) {
  const out = {};
  for (const r of rows) {
    if (r.unit === 'ratio') out[r.name] = r.value;
    const m = /(?:^|; )(?:exact scan; )?(plain SQL|PGlite direct|bare pg) ([\d.]+) ms/.exec(r.note ?? '');
    if (r.unit === 'ms' && m && Number(m[2]) > 0) out[`${r.name} ÷ ${m[1]}`] = r.value / Number(m[2]);
  }
  return out;
}

/** Whether a larger value of this ratio is better: throughput ratios are; time ratios are not. */
const higherIsBetter = (bench, row) =>
  /append|batches|throughput vs baseline/.test(row) && !/p50|÷/.test(row) && bench !== 'longterm-s3';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The rows of the reports one run left. */
const reportRows = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).rows);

const results = {}; // bench -> side -> [{ratios, load}]
if (saved)
  for (const [name, bySide] of Object.entries(saved.results))
    for (const [label, runs] of Object.entries(bySide))
      (results[name] ??= {})[label] = runs.map((r, round) => ({
        ratios: ratios(reportRows(join(work, 'reports', `${label}-${name}-r${round}`))),
        load: r.load,
      }));
try {
  for (let round = 0; round < (retable ? 0 : rounds); round++) {
    for (const name of names) {
      const order = (round + names.indexOf(name)) % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const { rows, load } = runOnce(side, name, round);
        ((results[name] ??= {})[side.label] ??= []).push({ ratios: ratios(rows), load });
        writeFileSync(
          join(work, 'results.json'),
          JSON.stringify({ before, after, sides, rounds, size, results }, null, 2),
        );
      }
    }
  }
} finally {
  if (!keep && !retable) {
    for (const side of sides) {
      try {
        git('worktree', 'remove', '--force', side.dir);
      } catch (error) {
        log(`could not remove ${side.dir}: ${error.message}`);
      }
    }
  }
}

const fmt = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const lines = [
  `Same-run ratios at ${sides[0].rev} (before) and ${sides[1].rev} (after), ${size} size, ${rounds} interleaved rounds, median of the rounds (each round's value in brackets). Change: after ÷ before − 1, + is better. Load: 1-minute load average at the start and end of that bench's runs (2 cores).`,
  '',
  '| bench | ratio | before | after | change | load |',
  '|---|---|---|---|---|---|',
];
for (const name of names) {
  const b = results[name]?.before ?? [];
  const a = results[name]?.after ?? [];
  const rowNames = [...new Set([...b, ...a].flatMap((x) => Object.keys(x.ratios)))];
  const loads = [...b, ...a].flatMap((x) => x.load);
  const load = loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : 'n/a';
  for (const row of rowNames) {
    const bs = b.map((x) => x.ratios[row]).filter((v) => v !== undefined);
    const as = a.map((x) => x.ratios[row]).filter((v) => v !== undefined);
    const bm = bs.length ? median(bs) : NaN;
    const am = as.length ? median(as) : NaN;
    const raw = am / bm - 1;
    const change = higherIsBetter(name, row) ? raw : -raw;
    const pct = Number.isFinite(change) ? `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(0)} %` : 'n/a';
    lines.push(
      `| ${name}${shared.has(name) ? ' ¹' : ''} | ${row} | ${fmt(bm)} (${bs.map(fmt).join(', ')}) | ${fmt(am)} (${as.map(fmt).join(', ')}) | ${pct} | ${load} |`,
    );
  }
}
if ([...shared].some((s) => names.includes(s)))
  lines.push(
    '',
    `¹ run with one benchmark code at both commits (same baseline on both sides): ${option('--bench-src') ? `\`${option('--bench-src')}\`` : "the after commit's"}.`,
  );
const table = lines.join('\n');
console.log(`\n${table}\n`);
writeFileSync(join(work, 'table.md'), `${table}\n`);
log(`reports, logs and results.json in ${work}`);

if (args.includes('--write')) {
  const readme = join(root, 'packages', 'bench', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench-compare:start -->';
  const end = '<!-- bench-compare:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) log(`no ${start} … ${end} block in ${readme}: table not written`);
  else writeFileSync(readme, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`);
}
