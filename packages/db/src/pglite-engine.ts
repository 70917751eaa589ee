import type { PGlite } from '@electric-sql/pglite';
import type { vector } from '@electric-sql/pglite-pgvector';
import { ConfigurationError } from '@memory/errors';
import type { MikroORM } from '@mikro-orm/pglite';

/**
 * The packages an embedded PGlite database needs. They are optional peer dependencies of
 * `@memory/db`, loaded only for `pglite://` URLs, so that a PostgreSQL deployment installs no WASM.
 */
export const PGLITE_PACKAGES = ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@mikro-orm/pglite'] as const;

/** The modules of the embedded engine, as {@link loadPgliteEngine} returns them. */
export interface PgliteEngine {
  PGlite: typeof PGlite;
  vector: typeof vector;
  MikroORM: typeof MikroORM;
}

let loading: Promise<PgliteEngine> | undefined;
let loaded: PgliteEngine | undefined;

/** The engine when an earlier {@link loadPgliteEngine} has loaded it, so later databases start synchronously. */
export function loadedPgliteEngine(): PgliteEngine | undefined {
  return loaded;
}

/**
 * Loads PGlite, its pgvector extension and MikroORM's PGlite driver (once per process). When one
 * of them is not installed, it fails with a {@link ConfigurationError} naming the packages to add.
 */
export function loadPgliteEngine(): Promise<PgliteEngine> {
  if (!loading) {
    const pending = Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
      import('@mikro-orm/pglite'),
    ]).then(
      ([pglite, pgvector, orm]): PgliteEngine =>
        (loaded = { PGlite: pglite.PGlite, vector: pgvector.vector, MikroORM: orm.MikroORM }),
      (error: unknown) => {
        throw missingEngineError(error);
      },
    );
    loading = pending;
    // A failed load is not remembered: the next pglite:// database tries again.
    pending.catch(() => {
      if (loading === pending) loading = undefined;
    });
  }
  return loading;
}

function missingEngineError(error: unknown): ConfigurationError {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') {
    return new ConfigurationError(`[memory/db] cannot load the embedded PGlite engine: ${message}`, { cause: error });
  }
  const named = PGLITE_PACKAGES.filter((name) => message.includes(`'${name}'`) || message.includes(`"${name}"`));
  if (named.length === 0) {
    return new ConfigurationError(
      `[memory/db] cannot load the embedded PGlite engine (${message}): reinstall ${PGLITE_PACKAGES.join(' ')}`,
      { details: { packages: [...PGLITE_PACKAGES] }, cause: error },
    );
  }
  return new ConfigurationError(
    `[memory/db] pglite:// URLs need the embedded engine, and ${named.join(', ')} ${named.length === 1 ? 'is' : 'are'} not installed: add ${PGLITE_PACKAGES.join(' ')} to your dependencies (or use a postgres:// URL)`,
    { details: { missingPackages: named, packages: [...PGLITE_PACKAGES] }, cause: error },
  );
}
