import { defineConfig } from 'vitest/config';

const reportFile = process.env.MEMORY_TEST_REPORT;
// Test files at once (vitest's default is one less than the cores: one on a 2-core machine, where
// the database suites mostly wait on PostgreSQL). CI sets 2 (.ci/run).
const workers = Number(process.env.MEMORY_TEST_WORKERS) || undefined;

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    ...(workers ? { maxWorkers: workers } : {}),
    reporters: reportFile ? ['default', ['json', { outputFile: reportFile }]] : ['default'],
  },
});
