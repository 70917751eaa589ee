import { mergeConfig } from 'vitest/config';
import { packageConfig } from '../../vitest.shared.js';

// One module graph per worker across files (the integration tests load PGlite and the ORM, which
// is slow to import again for every file). The PGlite snapshots themselves are shared between the
// files of a run by the root config's global setup.
export default mergeConfig(packageConfig('conversations'), {
  test: { isolate: false },
});
