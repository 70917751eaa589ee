import { defineConfig } from 'vitest/config';

const conditions = ['@memory/source', 'module', 'node', 'development|production'];

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
