import { mergeConfig } from 'vitest/config';
import { packageConfig } from '../../vitest.shared.js';

// The integration tests start PGlite, which is slow; with one worker that keeps its modules
// between files, the @memory/db/testing snapshot of an initialized database is made once per run.
export default mergeConfig(packageConfig('conversations'), {
  test: { isolate: false, fileParallelism: false },
});
