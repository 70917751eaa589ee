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
      const distributed = await distributedTables(steps.raw);
      if (distributed.size === 0) await steps.orm.schema.update({ safe: true, dropTables: false });
      else {
        // On Citus after distributeMemorySchema, keys and foreign keys of distributed tables include
        // the distribution column, unlike the entities': only the additive part of the diff runs.
        const sql = await steps.orm.schema.getUpdateSchemaSQL({ safe: true, dropTables: false, wrap: false });
        for (const statement of splitStatements(sql)) {
          if (keepOnDistributed(statement, distributed)) await steps.raw(statement);
        }
      }
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

/** Distributed tables and their distribution columns (empty off Citus). */
async function distributedTables(raw: InitSteps['raw']): Promise<Map<string, string>> {
  const [citus] = await raw(`select to_regclass('pg_catalog.pg_dist_partition') is not null as citus`);
  if (citus?.citus !== true) return new Map();
  const rows = await raw(
    `select logicalrelid::regclass::text as t, column_to_column_name(logicalrelid, partkey) as col from pg_dist_partition`,
  );
  return new Map(rows.map((r) => [String(r.t).replaceAll('"', ''), String(r.col ?? '')]));
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s.length > 0);
}

/**
 * Whether a schema-update statement may run on a distributed database: not one that changes a
 * distributed table's keys or foreign keys, or its distribution column, and not a foreign key to
 * a distributed table (`distributeMemorySchema` made those with the distribution column; the
 * entities' single-column versions cannot exist there).
 */
function keepOnDistributed(statement: string, distributed: Map<string, string>): boolean {
  const referenced = /references\s+"?([a-z0-9_]+)"?/i.exec(statement)?.[1];
  if (referenced && distributed.has(referenced)) return false;
  const table = /^alter\s+table\s+"?([a-z0-9_]+)"?/i.exec(statement)?.[1];
  if (!table || !distributed.has(table)) return true;
  if (/\b(drop|add)\s+constraint\b|\b(add|drop)\s+primary\s+key\b/i.test(statement)) return false;
  const column = /\balter\s+column\s+"?([a-z0-9_]+)"?/i.exec(statement)?.[1];
  return column === undefined || column !== distributed.get(table);
}
