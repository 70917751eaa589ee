import { defineConfig } from 'vitest/config';

const reportFile = process.env.MEMORY_TEST_REPORT;

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: reportFile ? ['default', ['json', { outputFile: reportFile }]] : ['default'],
  },
});
