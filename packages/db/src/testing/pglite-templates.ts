import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMemoryDb } from '../memory-db.js';
import { loadPgliteEngine, type PgliteEngine } from '../pglite-engine.js';

/**
 * Snapshots of PGlite data directories, made once per test worker: starting PGlite from a
 * snapshot skips initdb, which is most of its start-up time (seconds on a busy machine).
 */
const templates = new Map<string, Promise<Blob>>();

/**
 * The environment variable naming a directory where this test run's snapshots are shared
 * between test files. vitest runs every file in a fresh module graph, so the in-memory map
 * above lives for one file only, and each database test file paid initdb and the migrations
 * again (10-20 s a file on a loaded 2-core machine). The root vitest config's global setup
 * (`scripts/vitest-global-setup.ts`) makes a directory for the run and removes it afterwards,
 * so a snapshot never outlives the code that made it. Unset (a package's tests run on their
 * own), snapshots are made per file as before.
 */
export const PGLITE_SNAPSHOT_DIR_ENV = 'MEMORY_TEST_PGLITE_SNAPSHOT_DIR';

/** A snapshot of a new, empty PGlite database (no extension, no tables). */
export function emptyPgliteTemplate(): Promise<Blob> {
  return memo('empty', async () => {
    const { PGlite, vector } = await loadPgliteEngine();
    const pg = await PGlite.create({ extensions: { vector } });
    try {
      return await pg.dumpDataDir('none');
    } finally {
      await pg.close();
    }
  });
}

/**
 * A snapshot of a PGlite database after `initDb()` with the memory entities and vector columns
 * of `embeddingDimensions` dimensions.
 */
export function initializedPgliteTemplate(embeddingDimensions: number): Promise<Blob> {
  return memo(`init:${embeddingDimensions}`, async () => {
    // From the empty snapshot when there is one already, else from scratch (one initdb, not two).
    const empty = templates.get('empty');
    const db = createMemoryDb({
      url: 'pglite://memory',
      embeddingDimensions,
      ...(empty ? { pglite: { loadDataDir: await empty } } : {}),
    });
    try {
      await db.initDb();
      // MikroORM's documented way to its driver's client; for PGlite, the PGlite instance.
      const client = (await db.orm.driver.getConnection().getNativeClient()) as InstanceType<PgliteEngine['PGlite']>;
      return await client.dumpDataDir('none');
    } finally {
      await db.close();
    }
  });
}

function memo(key: string, make: () => Promise<Blob>): Promise<Blob> {
  let template = templates.get(key);
  if (!template) {
    template = shared(key, make);
    templates.set(key, template);
    // A failed snapshot must not poison later attempts.
    template.catch(() => templates.delete(key));
  }
  return template;
}

/** `make()`, or the snapshot another test file of this run already made under `key`. */
async function shared(key: string, make: () => Promise<Blob>): Promise<Blob> {
  const dir = process.env[PGLITE_SNAPSHOT_DIR_ENV];
  if (!dir) return make();
  const file = join(dir, `${key.replace(/[^a-z0-9]+/gi, '-')}.tar`);
  const stored = await readFile(file).catch(() => undefined);
  if (stored) return new Blob([stored]);
  const made = await make();
  // Written aside and renamed, so a file running beside this one reads a whole snapshot or none.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(partial, new Uint8Array(await made.arrayBuffer()));
    await rename(partial, file);
  } catch {
    await rm(partial, { force: true });
  }
  return made;
}
