/**
 * `@memory/db/compat`: the original Python library's module-level API (`set_database_url`,
 * `get_engine`, `get_session_factory`, `init_db`, `session_scope`, `sync_session_scope`) over one
 * process-wide default {@link MemoryDb}, for code ported from it. New code should create its own
 * database with `createMemoryDb()` from `@memory/db` and pass it where it is needed.
 *
 * @module
 */
import { ConfigurationError } from '@memory/errors';
import type { MikroORM } from '@mikro-orm/core';
import { parseDatabaseUrl } from './database-url.js';
import { createMemoryDb, type MemoryDb, type MemoryDbOptions, type MemoryEntityManager } from './memory-db.js';

export { logAudit, type AuditEntry } from './audit.js';

/** The environment variable read when no URL was set with {@link setDatabaseUrl}. */
export const DATABASE_URL_ENV = 'DATABASE_URL';

/** Options for the default instance: everything {@link createMemoryDb} takes except the URL. */
export type DefaultDbOptions = Omit<MemoryDbOptions, 'url'>;

let configured: { url: string; options: DefaultDbOptions } | undefined;
let defaultDb: MemoryDb | undefined;
const workerDbs = new Map<string, MemoryDb>();

/**
 * Sets the URL (and options) of the default instance, at application start. Like the original,
 * the first URL wins: once a URL is set, later calls change nothing and return `false`. (Call
 * {@link resetDefaultDb} first to switch, e.g. in tests.) The URL is checked right away.
 *
 * @example
 * ```ts
 * setDatabaseUrl(process.env.DATABASE_URL ?? 'pglite://./.data/memory', { embeddingDimensions: 1024 });
 * await initDb();
 * ```
 */
export function setDatabaseUrl(url: string, options: DefaultDbOptions = {}): boolean {
  parseDatabaseUrl(url);
  if (configured) return false;
  configured = { url, options };
  return true;
}

/**
 * The default instance, created on first use from the URL given to {@link setDatabaseUrl}, or
 * else from the `DATABASE_URL` environment variable. Throws {@link ConfigurationError} when
 * neither is set.
 */
export function getDefaultDb(): MemoryDb {
  if (defaultDb) return defaultDb;
  if (!configured) {
    const fromEnv = process.env[DATABASE_URL_ENV];
    if (!fromEnv) {
      throw new ConfigurationError(
        `[memory/db] no database URL configured: call setDatabaseUrl('postgres://user:password@host:5432/db') at startup or set the ${DATABASE_URL_ENV} environment variable (pglite://memory or pglite://<dir> for an embedded database)`,
      );
    }
    configured = { url: fromEnv, options: {} };
  }
  defaultDb = createMemoryDb({ ...configured.options, url: configured.url });
  return defaultDb;
}

/** The MikroORM instance of the default database (the original's `get_engine()`). */
export function getEngine(): MikroORM {
  return getDefaultDb().orm;
}

/**
 * A factory of fresh EntityManagers on the default database (the original's
 * `get_session_factory()`). Each call of the returned function gives a new unit of work.
 */
export function getSessionFactory(): () => MemoryEntityManager {
  const db = getDefaultDb();
  return () => db.fork();
}

/** Creates the extension and runs the migrations on the default database (the original's `init_db()`). */
export async function initDb(): Promise<void> {
  return getDefaultDb().initDb();
}

/**
 * Runs `fn` in a transaction on the default database: commit on success, rollback and rethrow on
 * error (the original's `session_scope()`).
 *
 * @example
 * ```ts
 * await sessionScope(async (em) => { em.create(Session, { title: 'Chat' }) });
 * ```
 */
export async function sessionScope<T>(fn: (em: MemoryEntityManager) => Promise<T> | T): Promise<T> {
  return getDefaultDb().scope(fn);
}

/**
 * Runs `fn` in a transaction on the database at `url`, for background workers that are handed a
 * URL (the original's `sync_session_scope(database_url)`). One connection pool per URL is kept
 * for the life of the process (closed by {@link resetDefaultDb}); the default instance is reused
 * when `url` is its URL. It does not run migrations: the application's `initDb()` does.
 */
export async function workerScope<T>(
  url: string,
  fn: (em: MemoryEntityManager) => Promise<T> | T,
  options: DefaultDbOptions = {},
): Promise<T> {
  if (configured?.url === url) return getDefaultDb().scope(fn);
  let db = workerDbs.get(url);
  if (!db) {
    db = createMemoryDb({ ...options, url });
    workerDbs.set(url, db);
  }
  return db.scope(fn);
}

/**
 * Closes the default instance and the worker connections and forgets the configured URL, so the
 * next {@link setDatabaseUrl} takes effect. For tests and orderly shutdown.
 */
export async function resetDefaultDb(): Promise<void> {
  const dbs = [...(defaultDb ? [defaultDb] : []), ...workerDbs.values()];
  configured = undefined;
  defaultDb = undefined;
  workerDbs.clear();
  const results = await Promise.allSettled(dbs.map((db) => db.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
