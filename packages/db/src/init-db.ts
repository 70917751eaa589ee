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
  if (target.kind !== 'postgres' || !(mapped instanceof Error)) return mapped;
  const code = driverCode(error);
  const message = mapped.message;
  // Not installed: PostgreSQL 15 cannot open the control file (58P01); 16 and newer say the
  // extension "is not available" (0A000 on some builds). Nobody may create it until it is installed.
  if (code === '58P01' || (code === '0A000' && /is not available/i.test(message))) {
    mapped.message = `${message}: pgvector is not installed on the database server: install it on the machine PostgreSQL runs on (https://github.com/pgvector/pgvector#installation, e.g. apt install postgresql-<major>-pgvector), then start the service again`;
  } else if (code === '42501') {
    // Installed, but this role may not create it (pgvector is not a trusted extension).
    mapped.message = `${message}: pgvector is installed on the server, but the role ${target.user ? `"${target.user}"` : 'of the URL'} may not create extensions in this database: have a superuser run CREATE EXTENSION vector in this database once (e.g. psql -U postgres -d ${target.database} -c 'CREATE EXTENSION vector'), or connect as a role that may`;
  }
  return mapped;
}
