import { createMemoryDb } from '../memory-db.js';
import { loadPgliteEngine, type PgliteEngine } from '../pglite-engine.js';

/**
 * Snapshots of PGlite data directories, made once per test worker: starting PGlite from a
 * snapshot skips initdb, which is most of its start-up time (seconds on a busy machine).
 */
const templates = new Map<string, Promise<Blob>>();

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
    template = make();
    templates.set(key, template);
    // A failed snapshot must not poison later attempts.
    template.catch(() => templates.delete(key));
  }
  return template;
}
