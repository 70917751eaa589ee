import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Must match PGLITE_SNAPSHOT_DIR_ENV in packages/db/src/testing/pglite-templates.ts (not
// imported: the global setup runs before vite resolves the workspace's source condition).
const SNAPSHOT_DIR_ENV = 'MEMORY_TEST_PGLITE_SNAPSHOT_DIR';

/**
 * One directory per `vitest run` where the database test files share PGlite snapshots (see
 * pglite-templates.ts): test workers inherit the variable; the directory goes with the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env[SNAPSHOT_DIR_ENV]) return async () => undefined;
  const dir = await mkdtemp(join(tmpdir(), 'memory-test-pglite-snapshots-'));
  process.env[SNAPSHOT_DIR_ENV] = dir;
  return async () => {
    delete process.env[SNAPSHOT_DIR_ENV];
    await rm(dir, { recursive: true, force: true });
  };
}
