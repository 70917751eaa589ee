import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { parseDatabaseUrl } from '../database-url.js';
import { toMemoryError } from '../to-memory-error.js';

/** A database made for one test run, and how to get rid of it. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh `memory_test_<random>` name (lowercase, safe to use unquoted). */
export function scratchDatabaseName(): string {
  return `memory_test_${randomBytes(6).toString('hex')}`;
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const target = parseDatabaseUrl(adminUrl);
  if (target.kind !== 'postgres') throw new Error(`[memory/db/testing] the admin URL must be a postgres:// URL, got ${target.display}`);
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
 * Creates an empty database `memory_test_<random>` on the server of `adminUrl` (a URL whose
 * user may `CREATE DATABASE`) and returns its URL; `drop()` removes it, closing leftover
 * connections.
 */
export async function createPostgresScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = scratchDatabaseName();
  await withAdmin(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
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
    const pg = await PGlite.create({ dataDir, loadDataDir: seed, extensions: { vector } });
    await pg.close();
  }
  return {
    url: `pglite://${dataDir}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
