import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MEMORY_TABLES, type defineMemoryEntities } from '@memory/models';
import type { LoggerNamespace, MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { PgliteTarget, PostgresTarget } from './database-url.js';
import type { AppEntity, MemoryDbOptions } from './memory-types.js';
import { MEMORY_MIGRATIONS_TABLE, memoryMigrations } from './migrations/index.js';
import { loadedPgliteEngine, loadPgliteEngine, type PgliteEngine } from './pglite-engine.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The options both engines share: entities, migrations, schema guard, logging. */
export type CommonOrmOptions = ReturnType<typeof commonOrmOptions>;

/** The MikroORM options of a memory database, whatever the engine. */
export function commonOrmOptions(
  options: MemoryDbOptions,
  memory: ReturnType<typeof defineMemoryEntities>,
  appEntities: readonly AppEntity[],
  embeddingDimensions: number,
) {
  const debug = options.debug ?? (options.logger ? (['query', 'info'] as LoggerNamespace[]) : false);
  return {
    entities: [...memory.entities, ...appEntities],
    discovery: { onMetadata: memory.discovery.onMetadata },
    extensions: [Migrator],
    migrations: {
      tableName: MEMORY_MIGRATIONS_TABLE,
      migrationsList: memoryMigrations(embeddingDimensions),
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
    // An application's `orm.schema.update()` must never touch the tables the migrations own.
    schemaGenerator: { skipTables: [...MEMORY_TABLES, MEMORY_MIGRATIONS_TABLE] },
    // MikroORM would otherwise CREATE DATABASE on connect when the name is wrong: a typo in the
    // URL must fail, not silently start an empty database.
    ensureDatabase: false,
    debug,
    ...(options.logger ? { logger: options.logger } : {}),
  };
}

/** A MikroORM instance on a PostgreSQL server (nothing is sent until the first query). */
export function buildPostgresOrm(
  target: PostgresTarget,
  options: MemoryDbOptions,
  common: CommonOrmOptions,
): PostgresMikroORM {
  return new PostgresMikroORM({
    ...common,
    host: target.host,
    port: target.port,
    ...(target.user !== undefined ? { user: target.user } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    dbName: target.database,
    ...(options.pool ? { pool: options.pool } : {}),
    driverOptions: {
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(target.ssl ? { ssl: target.ssl } : {}),
    },
  });
}

/**
 * A MikroORM instance on an embedded PGlite: at once when an earlier database of the process has
 * loaded the optional engine packages (see `pglite-engine.ts`), else once they are loaded. PGlite
 * itself starts on the first query.
 */
export function buildPgliteOrm(
  target: PgliteTarget,
  options: MemoryDbOptions,
  common: CommonOrmOptions,
): MikroORM | Promise<MikroORM> {
  const engine = loadedPgliteEngine();
  if (engine) return pgliteOrm(engine, target, options, common);
  return loadPgliteEngine().then((loaded) => pgliteOrm(loaded, target, options, common));
}

function pgliteOrm(
  engine: PgliteEngine,
  target: PgliteTarget,
  options: MemoryDbOptions,
  common: CommonOrmOptions,
): MikroORM {
  const dataDir = target.dataDir === undefined ? undefined : resolve(target.dataDir);
  return new engine.MikroORM({
    ...common,
    // With no `driverOptions.dataDir`, MikroORM uses dbName as the PGlite cluster location.
    dbName: dataDir ?? 'memory://',
    // A function, because MikroORM deep-clones option objects and a cloned Blob (loadDataDir)
    // breaks; it runs on connect, so that is also when the parent directory is made.
    driverOptions: (() => {
      if (dataDir) mkdirSync(dirname(dataDir), { recursive: true });
      return { ...options.pglite, extensions: { vector: engine.vector } };
    }) as unknown as Record<string, unknown>,
  }) as unknown as MikroORM;
}
