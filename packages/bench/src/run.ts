/**
 * Runs benchmarks: `pnpm bench [name ...] [--size small|full]`. Each benchmark module exports
 * `run(size): Promise<boolean>` (false when a target failed). With no name, all run.
 */
const registry: Record<string, () => Promise<{ run: (size: 'small' | 'full') => Promise<boolean> }>> = {
  'longterm-s3': () => import('./longterm-s3.js'),
  'semantics-retrieval': () => import('./semantics-retrieval.js'),
  archive: () => import('./archive.js'),
};

const args = process.argv.slice(2);
const sizeArg = args.indexOf('--size');
const size = (sizeArg >= 0 ? args[sizeArg + 1] : process.env.MEMORY_BENCH_SIZE ?? 'full') as 'small' | 'full';
const names = args.filter((a, i) => !a.startsWith('--') && (sizeArg < 0 || i !== sizeArg + 1));
const selected = names.length > 0 ? names : Object.keys(registry);
let ok = true;
for (const name of selected) {
  const load = registry[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(registry).join(', ')}`);
    process.exit(2);
  }
  const mod = await load();
  if (!(await mod.run(size))) ok = false;
}
process.exit(ok ? 0 : 1);
