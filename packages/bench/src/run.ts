import { spawnSync } from 'node:child_process';

/**
 * Runs benchmarks: `pnpm bench [name ...] [--size small|full]`. Each benchmark module exports
 * `run(size): Promise<boolean>` (false when a target failed). With no name, all run (not the
 * parts listed in `partsOnly`, e.g. `conversations-search`, which `conversations` includes, and
 * the ones in `needsCitus` unless MEMORY_BENCH_CITUS_URL or MEMORY_TEST_CITUS_URL is set). Several
 * benchmarks run one per child process, so memory figures (peak RSS, heap growth) are each
 * benchmark's own and not what an earlier one left behind.
 */
const registry: Record<string, () => Promise<{ run: (size: 'small' | 'full') => Promise<boolean> }>> = {
  'longterm-s3': () => import('./longterm-s3.js'),
  'ai-sdk-middleware': () => import('./ai-sdk-middleware.js'),
  'semantics-retrieval': () => import('./semantics-retrieval.js'),
  archive: () => import('./archive.js'),
  conversations: () => import('./conversations.js'),
  'conversations-pglite': () => import('./conversations-pglite.js'),
  'conversations-citus': () => import('./conversations-citus.js'),
  'message-path': () => import('./message-path.js'),
  'conversations-appends': () => import('./conversations.js').then((m) => ({ run: m.runAppends })),
  'conversations-search': () => import('./conversations.js').then((m) => ({ run: m.runSearch })),
  peers: () => import('./peers.js'),
  'sql-build': () => import('./sql-build.js'),
};
/** Parts of a benchmark above, runnable by name but not in "all" (they would run twice). */
const partsOnly = new Set(['conversations-appends', 'conversations-search']);
/** Benchmarks that need a Citus cluster: in "all" only when one is named. */
const needsCitus = new Set(['conversations-citus']);
const citusNamed = Boolean(process.env.MEMORY_BENCH_CITUS_URL ?? process.env.MEMORY_TEST_CITUS_URL);

const args = process.argv.slice(2);
const sizeArg = args.indexOf('--size');
const size = (sizeArg >= 0 ? args[sizeArg + 1] : (process.env.MEMORY_BENCH_SIZE ?? 'full')) as 'small' | 'full';
const names = args.filter((a, i) => !a.startsWith('--') && (sizeArg < 0 || i !== sizeArg + 1));
const selected =
  names.length > 0
    ? names
    : Object.keys(registry).filter((name) => !partsOnly.has(name) && (citusNamed || !needsCitus.has(name)));
if (names.length === 0 && !citusNamed)
  console.error(`[bench] not run (no MEMORY_BENCH_CITUS_URL or MEMORY_TEST_CITUS_URL): ${[...needsCitus].join(', ')}`);
const unknown = selected.filter((name) => !registry[name]);
if (unknown.length > 0) {
  console.error(`unknown benchmark "${unknown.join('", "')}"; known: ${Object.keys(registry).join(', ')}`);
  process.exit(2);
}
let ok = true;
if (selected.length === 1) {
  const mod = await registry[selected[0]!]!();
  ok = await mod.run(size);
} else {
  for (const name of selected) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, name, '--size', size], {
      stdio: 'inherit',
    });
    if (child.status !== 0) ok = false;
  }
}
process.exit(ok ? 0 : 1);
