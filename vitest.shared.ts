import { defineConfig } from 'vitest/config';

// No `module` condition: some dependencies (the AWS SDK) map it to builds Node cannot load
// once vitest externalizes them; Node's own conditions pick the loadable build.
const conditions = ['@memory/source', 'node', 'development|production'];

/**
 * The vitest settings every package shares: tests run against sibling packages' TypeScript
 * sources (the `@memory/source` export condition), so no build is needed before `pnpm test`.
 */
export function packageConfig(name: string, overrides: { testTimeout?: number; hookTimeout?: number } = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: overrides.hookTimeout ?? 120_000,
    },
  });
}
