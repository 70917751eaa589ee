import { defineConfig } from 'vitest/config';

const reportFile = process.env.MEMORY_TEST_REPORT;

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    globalSetup: ['./scripts/vitest-global-setup.ts'],
    reporters: reportFile ? ['default', ['json', { outputFile: reportFile }]] : ['default'],
  },
});
