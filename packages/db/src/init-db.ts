import type { MikroORM } from '@mikro-orm/core';
import type { Pool } from 'pg';
import type { DatabaseTarget } from './database-url.js';
import { reconcileEmbeddingColumns } from './embedding-columns.js';
import { driverCode, toMemoryError } from './to-memory-error.js';

/** The advisory lock key that serializes `initDb()`: the bytes of "memorydb" as a 64-bit number. */
const INIT_LOCK_KEY = '7882827048211276898';

/** What {@link initializeSchema} works on. */
export interface InitSteps {
  orm: MikroORM;
  target: DatabaseTarget;
  embeddingDimensions: number;
  hasAppEntities: boolean;
  /** Runs one statement (`?` placeholders) in the current context. */
  raw(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** The `pg` pool, on PostgreSQL. */
  pool?: () => Promise<Pool>;
}

/**
 * The body of `initDb()`: the `vector` extension, the dimension check of existing vector columns,
 * the memory migrations, then the application's tables (additive only), under the advisory lock
 * on PostgreSQL.
 */
export async function initializeSchema(steps: InitSteps): Promise<void> {
  await withInitLock(steps.pool, async () => {
    await steps.raw('create extension if not exists vector').catch((error: unknown) => {
      throw extensionHint(error, steps.target);
    });
    await reconcileEmbeddingColumns((sql, params) => steps.raw(sql, params), steps.embeddingDimensions);
    await steps.orm.migrator.up();
    if (steps.hasAppEntities) {
      // The application's tables, like the original's `create_all`: add what is missing, never drop.
      await steps.orm.schema.update({ safe: true, dropTables: false });
    }
  });
}

/**
 * Serializes `initDb()` across processes on a PostgreSQL server with an advisory lock held on a
 * connection of its own (the migrations use other pooled connections), so replicas starting
 * together do not race on creating the tables. PGlite is one process: nothing to do.
 */
async function withInitLock(getPool: (() => Promise<Pool>) | undefined, fn: () => Promise<void>): Promise<void> {
  if (!getPool) return fn();
  const pool = await getPool();
  if ((pool.options?.max ?? 10) < 2) return fn(); // the lock connection would starve the migrations
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [INIT_LOCK_KEY]);
    try {
      await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [INIT_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

function extensionHint(error: unknown, target: DatabaseTarget): unknown {
  const mapped = toMemoryError(error, target, 'initDb (create extension vector)');
  const code = driverCode(error);
  // 58P01: no control file (pgvector not installed); 42501: not allowed to create it.
  if (target.kind === 'postgres' && (code === '58P01' || code === '42501') && mapped instanceof Error) {
    mapped.message +=
      ': install pgvector on the server (https://github.com/pgvector/pgvector), or have a superuser run CREATE EXTENSION vector in this database';
  }
  return mapped;
}
