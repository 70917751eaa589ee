import { defineConfig, type Options } from 'tsup';

/**
 * The build every published package shares: ESM only, `.d.ts` beside it, for Node 22+. The
 * declarations resolve sibling packages through their built output, not the `@memory/source`
 * condition the tests and typecheck use, so a package's types never inline another's sources.
 */
export function packageBuild(entry: Options['entry'] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { compilerOptions: { customConditions: [] } },
    sourcemap: true,
    clean: true,
    target: 'node22',
    ...extra,
  });
}
