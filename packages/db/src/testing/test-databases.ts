import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../database-url.js';
import { loadPgliteEngine } from '../pglite-engine.js';
import { toMemoryError } from '../to-memory-error.js';

/** A database made for one test run, and how to get rid of it. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** How old a scratch database must be before {@link sweepStaleScratchDatabases} drops it by default. */
export const STALE_SCRATCH_AGE_MS = 6 * 60 * 60 * 1000;

const SCRATCH_NAME = /^memory_test_([0-9a-z]{1,11})_[0-9a-f]{12}$/;

/**
 * A fresh `memory_test_<created>_<random>` name (lowercase, safe to use unquoted). `<created>` is
 * the creation time in seconds, base 36, so a later run can tell a database left by a crashed
 * process from one a concurrent run is using.
 */
export function scratchDatabaseName(now = Date.now()): string {
  return `memory_test_${Math.floor(now / 1000).toString(36)}_${randomBytes(6).toString('hex')}`;
}

/** When a scratch database named by {@link scratchDatabaseName} was created (ms), or `undefined` for another name. */
export function scratchDatabaseCreatedAt(name: string): number | undefined {
  const match = SCRATCH_NAME.exec(name);
  return match ? Number.parseInt(match[1]!, 36) * 1000 : undefined;
}

/**
 * Drops the scratch databases that test processes killed before their clean-up left behind:
 * those named by {@link scratchDatabaseName} more than `maxAgeMs` ago (default
 * {@link STALE_SCRATCH_AGE_MS}) that nobody is connected to. A database in use is never dropped
 * (no `FORCE`), and names of another form are left alone. Returns the names dropped.
 */
export async function sweepStaleScratchDatabases(
  adminUrl: string,
  options: { maxAgeMs?: number; now?: number } = {},
): Promise<string[]> {
  const cutoff = (options.now ?? Date.now()) - (options.maxAgeMs ?? STALE_SCRATCH_AGE_MS);
  return withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database d
        where datname like 'memory\\_test\\_%'
          and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
    );
    const dropped: string[] = [];
    for (const { datname } of rows) {
      const created = scratchDatabaseCreatedAt(datname);
      if (created === undefined || created > cutoff) continue;
      // Without FORCE: if a client connected since the check above, the drop fails and the database stays.
      const ok = await client.query(`drop database if exists ${datname}`).then(
        () => true,
        () => false,
      );
      if (ok) dropped.push(datname);
    }
    return dropped;
  });
}

const swept = new Set<string>();

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const target = parseDatabaseUrl(adminUrl);
  if (target.kind !== 'postgres')
    throw new Error(`[memory/db/testing] the admin URL must be a postgres:// URL, got ${target.display}`);
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
    return await fn(client);
  } catch (error) {
    throw toMemoryError(error, target, 'test database admin');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `DROP DATABASE ... WITH (FORCE)`, tried again while the server says the database is still in
 * use (`55006`). FORCE ends the sessions it finds, but a background worker may connect in
 * between (Citus's maintenance daemon does, on every database with the extension), and the
 * drop then fails although nothing of the test holds it; a suite's clean-up failed that way.
 */
export async function dropScratchDatabase(client: pg.Client, name: string, attempts = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`drop database if exists ${name} with (force)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/**
 * Creates an empty database `memory_test_<created>_<random>` on the server of `adminUrl` (a URL
 * whose user may `CREATE DATABASE`) and returns its URL; `drop()` removes it, closing leftover
 * connections. The first call of a process also drops stale scratch databases that killed runs
 * left ({@link sweepStaleScratchDatabases}).
 */
export async function createPostgresScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  // Once per process and server: clear what killed runs left, so they do not pile up.
  if (!swept.has(adminUrl)) {
    swept.add(adminUrl);
    await sweepStaleScratchDatabases(adminUrl).catch(() => undefined);
  }
  const name = scratchDatabaseName();
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => dropScratchDatabase(client, name)),
  };
}

/**
 * Creates a temporary directory for a file-backed PGlite and returns its `pglite://` URL. With
 * `seed` (a `dumpDataDir()` snapshot) the directory is filled from it, which is much faster than
 * the initdb PGlite otherwise runs when it first opens an empty directory.
 */
export async function createPgliteScratchDatabase(seed?: Blob): Promise<ScratchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-test-pglite-'));
  const dataDir = join(dir, 'db');
  if (seed) {
    const { PGlite, vector } = await loadPgliteEngine();
    const pg = await PGlite.create({ dataDir, loadDataDir: seed, extensions: { vector } });
    await pg.close();
  }
  return {
    url: `pglite://${dataDir}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
