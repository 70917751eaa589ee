import { afterAll, beforeAll, describe } from 'vitest';
import { DEFAULT_EMBEDDING_DIMENSIONS } from '@memory/models';
import type { DatabaseKind } from '../database-url.js';
import { createMemoryDb, type MemoryDb, type MemoryDbOptions } from '../memory-db.js';
import { emptyPgliteTemplate, initializedPgliteTemplate } from './pglite-templates.js';
import { createPgliteScratchDatabase, createPostgresScratchDatabase, type ScratchDatabase } from './test-databases.js';
import { citusEngine } from '../citus/citus-testing.js';

/** The environment variable naming the PostgreSQL server to test against (an admin URL). */
export const PG_TEST_URL_ENV = 'MEMORY_TEST_PG_URL';

/** Options of {@link DatabaseTestContext.createDb}. */
export interface TestDbOptions extends Partial<MemoryDbOptions> {
  /**
   * Run `initDb()` before returning (default `true`). Pass `false` to prepare the database
   * yourself first, e.g. with a fixture in the original library's schema.
   */
  init?: boolean;
}

/** What a {@link describeEachDatabase} suite receives, once per engine. */
export interface DatabaseTestContext {
  /** The engine of this run. */
  readonly kind: DatabaseKind;
  /** `[pglite]` or `[postgres]`, as it appears in the test names. */
  readonly label: string;
  /**
   * The URL of this suite's own empty database, created before the first test and removed after
   * the last. On PGlite it is a `pglite://<temp dir>` URL: open at most one {@link MemoryDb} on it
   * at a time (close one before opening the next).
   */
  readonly url: string;
  /**
   * Returns a {@link MemoryDb}, initialized unless `init: false`. Without `url`, each call gets a
   * new empty database of its own (an in-memory PGlite, or a new `memory_test_<created>_<random>` database
   * on the server). Everything is closed and dropped after the suite.
   *
   * @example
   * ```ts
   * const db = await ctx.createDb({ embeddingDimensions: 3 });
   * ```
   */
  createDb(options?: TestDbOptions): Promise<MemoryDb>;
  /**
   * Returns the URL of a new empty database (dropped after the suite), without keeping a
   * connection to it. On PGlite it is a directory, filled from a snapshot (fast to open).
   */
  createDatabaseUrl(): Promise<string>;
  /**
   * One initialized {@link MemoryDb} (default options) shared by the tests of this suite that ask
   * for it: created on first use, closed after the suite. Cheaper than a database per test, so
   * prefer it for tests that only add rows with fresh ids and do not count whole tables.
   */
  sharedDb(): Promise<MemoryDb>;
}

/** Options of {@link describeEachDatabase}. */
export interface DescribeEachDatabaseOptions {
  /** Limit the engines (default both; PostgreSQL only when `MEMORY_TEST_PG_URL` is set). */
  engines?: readonly DatabaseKind[];
  /** The PostgreSQL admin URL; default `process.env.MEMORY_TEST_PG_URL`. */
  postgresUrl?: string;
  /**
   * The PGlite snapshots to make before the first test (in `beforeAll`, under the hook timeout)
   * rather than in the first test that needs them: embedding dimensions for initialized
   * databases, `'empty'` for `createDb({ init: false })`. Default: the default dimension (1536).
   */
  pgliteSnapshots?: readonly (number | 'empty')[];
}

/**
 * Declares the suite `fn` once per database engine: on PGlite (in memory, always) and on the
 * PostgreSQL server named by `MEMORY_TEST_PG_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`)
 * when it is set; the PostgreSQL run is reported as skipped otherwise. The engine is part of every
 * test name (`name [pglite] > …`, `name [postgres] > …`). On PostgreSQL every database the suite
 * uses is created as `memory_test_<created>_<random>` and dropped at the end, so runs never see each
 * other's rows.
 *
 * @example
 * ```ts
 * describeEachDatabase('sessions', (ctx) => {
 *   it('stores a session', async () => {
 *     const db = await ctx.createDb();
 *     await db.scope(async (em) => { em.create(Session, { title: 't' }) });
 *   });
 * });
 * ```
 */
export function describeEachDatabase(
  name: string,
  fn: (ctx: DatabaseTestContext) => void,
  options: DescribeEachDatabaseOptions = {},
): void {
  const engines = options.engines ?? ['pglite', 'postgres'];
  const adminUrl = options.postgresUrl ?? process.env[PG_TEST_URL_ENV];
  if (!options.engines)
    citusEngine.declare<DisposableContext>(name, fn, (url) => createContext('postgres', url, citusEngine)); // [citus] when MEMORY_TEST_CITUS_URL is set
  for (const kind of engines) {
    const label = `[${kind}]`;
    if (kind === 'postgres' && !adminUrl) {
      describe.skip(`${name} ${label} (set ${PG_TEST_URL_ENV} to run)`, () => fn(createContext(kind, undefined)));
      continue;
    }
    describe(`${name} ${label}`, () => {
      const ctx = createContext(kind, adminUrl);
      beforeAll(() => ctx.prepare(options.pgliteSnapshots ?? [DEFAULT_EMBEDDING_DIMENSIONS]));
      afterAll(() => ctx.dispose());
      fn(ctx);
    });
  }
}

interface DisposableContext extends DatabaseTestContext {
  prepare(snapshots: readonly (number | 'empty')[]): Promise<void>;
  dispose(): Promise<void>;
}

function createContext(
  kind: DatabaseKind,
  adminUrl: string | undefined,
  citus?: typeof citusEngine,
): DisposableContext {
  const dbs: MemoryDb[] = [];
  const scratch: ScratchDatabase[] = [];
  let suiteUrl: string | undefined;
  let shared: Promise<MemoryDb> | undefined;

  const newDatabase = async (seeded = true): Promise<string> => {
    const created =
      kind === 'postgres'
        ? await (citus?.scratch ?? createPostgresScratchDatabase)(adminUrl as string)
        : await createPgliteScratchDatabase(seeded ? await emptyPgliteTemplate() : undefined);
    scratch.push(created);
    return created.url;
  };

  const ctx: DisposableContext = {
    kind,
    label: citus ? '[citus]' : `[${kind}]`,
    get url(): string {
      if (suiteUrl === undefined) {
        throw new Error(
          '[memory/db/testing] ctx.url is known once the suite runs: read it inside a test or a hook, not while declaring tests',
        );
      }
      return suiteUrl;
    },
    async createDb(options: TestDbOptions = {}): Promise<MemoryDb> {
      const { init = true, url, ...rest } = options;
      let db: MemoryDb;
      if (url === undefined && kind === 'pglite') {
        // A new in-memory PGlite, started from a snapshot (see pglite-templates.ts).
        const dims = rest.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
        const loadDataDir = init ? await initializedPgliteTemplate(dims) : await emptyPgliteTemplate();
        db = createMemoryDb({ ...rest, url: 'pglite://memory', pglite: { ...rest.pglite, loadDataDir } });
      } else {
        db = createMemoryDb({ ...rest, url: url ?? (await newDatabase()) });
      }
      dbs.push(db);
      if (init) await db.initDb();
      else await db.ready();
      if (init && citus) await citus.distribute(db);
      return db;
    },
    createDatabaseUrl: () => newDatabase(),
    sharedDb(): Promise<MemoryDb> {
      shared ??= ctx.createDb();
      shared.catch(() => (shared = undefined));
      return shared;
    },
    async prepare(snapshots): Promise<void> {
      // Not seeded on PGlite: the suite may never open it, and seeding needs the empty snapshot.
      suiteUrl = await newDatabase(false);
      if (kind !== 'pglite') return;
      // Several initialized snapshots are cheaper made from an empty one than each from scratch.
      if (snapshots.filter((s) => s !== 'empty').length > 1) await emptyPgliteTemplate();
      for (const snapshot of snapshots) {
        await (snapshot === 'empty' ? emptyPgliteTemplate() : initializedPgliteTemplate(snapshot));
      }
    },
    async dispose(): Promise<void> {
      const results = await Promise.allSettled(dbs.map((db) => db.close()));
      const dropped = await Promise.allSettled(scratch.map((s) => s.drop()));
      const failure = [...results, ...dropped].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
  return ctx;
}
