import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PGLITE_SNAPSHOT_DIR_ENV } from './pglite-templates.js';

/** A fresh copy of the module, as the next test file of the run gets it (empty in-memory map). */
const freshModule = async () => {
  vi.resetModules();
  return import('./pglite-templates.js');
};

describe('PGlite snapshots shared between the test files of a run', () => {
  const saved = process.env[PGLITE_SNAPSHOT_DIR_ENV];
  let dir: string | undefined;
  afterEach(async () => {
    if (saved === undefined) delete process.env[PGLITE_SNAPSHOT_DIR_ENV];
    else process.env[PGLITE_SNAPSHOT_DIR_ENV] = saved;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('stores a snapshot in the run directory and reads it back in a later file instead of making it again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'memory-snapshot-test-'));
    process.env[PGLITE_SNAPSHOT_DIR_ENV] = dir;
    const made = await (await freshModule()).emptyPgliteTemplate();
    expect(await readdir(dir)).toEqual(['empty.tar']);
    const stored = await readFile(join(dir, 'empty.tar'));
    expect(stored.byteLength).toBe(made.size);

    // A later file finds the stored bytes: replace them with a marker to see they are what it returns.
    await writeFile(join(dir, 'empty.tar'), 'marker');
    const read = await (await freshModule()).emptyPgliteTemplate();
    expect(await read.text()).toBe('marker');
  });

  it('makes snapshots per file when no run directory is set', async () => {
    delete process.env[PGLITE_SNAPSHOT_DIR_ENV];
    const snapshot = await (await freshModule()).emptyPgliteTemplate();
    expect(snapshot.size).toBeGreaterThan(1_000_000);
  });
});
