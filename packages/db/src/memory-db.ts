import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import {
  type AuditLog,
  assertNoNul,
  DEFAULT_EMBEDDING_DIMENSIONS,
  MEMORY_TABLES,
  defineMemoryEntities,
  validateEmbeddingDimensions,
} from '@memory/models';
import { InvalidInputError } from '@memory/errors';
import {
  RequestContext,
  type AnyEntity,
  type EntityClass,
  type EntitySchema,
  type LoggerNamespace,
  type MikroORM,
} from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { CompiledQuery } from 'kysely';
import { MikroORM as PgliteMikroORM } from '@mikro-orm/pglite';
import { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { logAudit, type AuditEntry } from './audit.js';
import { parseDatabaseUrl, type DatabaseKind, type DatabaseTarget } from './database-url.js';
import { reconcileEmbeddingColumns } from './embedding-columns.js';
import { MEMORY_MIGRATIONS_TABLE, memoryMigrations } from './migrations/index.js';
import { driverCode, toMemoryError } from './to-memory-error.js';

/** The EntityManager a {@link MemoryDb} hands out (the SQL flavour, with `execute` and query builders). */
export type MemoryEntityManager = SqlEntityManager;

/** The statements of a {@link MemoryDb.transaction}. */
export interface SqlTransaction {
  /** Runs one statement in the transaction (`$1`, `$2`… placeholders) and returns its rows. */
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** An entity an application registers beside the memory entities: a `defineEntity` schema or class. */
export type AppEntity = EntitySchema<any, any> | EntityClass<AnyEntity>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Options of {@link createMemoryDb}. */
export interface MemoryDbOptions {
  /**
   * Where the database is: `postgres://user:password@host:5432/db` (also `postgresql://` and the
   * original's `postgresql+asyncpg://` / `postgresql+psycopg2://`), `pglite://memory` or
   * `pglite://<dir>`.
   */
  url: string;
  /** The dimension of the deployment's embeddings (the `vector(N)` columns). Default 1536. */
  embeddingDimensions?: number;
  /** The application's own entities, registered beside the memory entities; `initDb()` creates their tables. */
  entities?: readonly AppEntity[];
  /** Connection pool of a PostgreSQL server (ignored for PGlite, which has one connection). */
  pool?: { min?: number; max?: number; idleTimeoutMillis?: number };
  /** Receives MikroORM's log lines (queries without parameters, by default). */
  logger?: (message: string) => void;
  /** Which MikroORM log namespaces to enable; default `['query', 'info']` when `logger` is set, else none. */
  debug?: boolean | LoggerNamespace[];
  /** How long to wait for a PostgreSQL connection, in milliseconds. Default 10000. */
  connectTimeoutMs?: number;
  /**
   * Extra options for an embedded PGlite (ignored for PostgreSQL), e.g. `loadDataDir` to start
   * from a `dumpDataDir()` snapshot instead of running initdb (the test helper does this).
   */
  pglite?: Omit<PGliteOptions, 'extensions' | 'dataDir' | 'parsers' | 'database'>;
}

/**
 * A connection to the memory database: the MikroORM instance with the memory entities (and the
 * application's) registered, plus the unit-of-work helpers. Build one with {@link createMemoryDb}.
 */
export interface MemoryDb {
  /** `'postgres'` for a PostgreSQL server, `'pglite'` for embedded PGlite. */
  readonly kind: DatabaseKind;
  /** The URL with the password masked (safe to log). */
  readonly url: string;
  /** The dimension of the `vector(N)` columns. */
  readonly embeddingDimensions: number;
  /** The MikroORM instance, for anything this interface does not cover. */
  readonly orm: MikroORM;
  /**
   * Creates the `vector` extension, checks the dimension of existing vector columns and runs the
   * memory migrations, then creates the tables of the application's entities (never dropping or
   * changing anything else). Safe to call on every start: a second call changes nothing.
   */
  initDb(): Promise<void>;
  /**
   * Runs `fn` with a fresh EntityManager in a transaction: commits (after flushing) when `fn`
   * resolves, rolls back and rethrows when it throws. Inside `fn`, {@link MemoryDb.em} returns the
   * same EntityManager. Driver errors come out as `DatabaseError` / `InvalidInputError`.
   *
   * Called inside another scope, it nests: a savepoint in the outer transaction, rolled back
   * alone when `fn` throws, committed with the outer one otherwise.
   *
   * @example
   * ```ts
   * const id = await db.scope(async (em) => em.create(Session, { title: 'Chat' }).id);
   * ```
   */
  scope<T>(fn: (em: MemoryEntityManager) => Promise<T> | T): Promise<T>;
  /** The EntityManager of the current {@link MemoryDb.scope} (or MikroORM `RequestContext`), else a fresh fork. */
  em(): MemoryEntityManager;
  /** A fresh EntityManager with its own identity map, outside any transaction. Flush it yourself. */
  fork(): MemoryEntityManager;
  /**
   * Adds an audit row to `em`'s unit of work (written at its next flush, e.g. when the scope
   * ends) and returns it. Like the original `log_audit(session, ...)`.
   */
  logAudit(em: MemoryEntityManager, entry: AuditEntry): AuditLog;
  /**
   * Runs raw SQL and returns the rows. Parameters are `?` placeholders (write a literal `?`, such
   * as jsonb's `?` operator, as `\\?`). Runs in `em`'s transaction when given, else in the
   * transaction of the current {@link MemoryDb.scope}, else on its own.
   *
   * On PGlite (a single connection) never run SQL outside the transaction you are in (for
   * example `em.getConnection().execute()` without the transaction context inside a scope): it
   * waits for that transaction to end, which never comes.
   *
   * @example
   * ```ts
   * const rows = await db.execute<{ n: number }>('select count(*)::int as n from messages where session_id = ?', [id]);
   * ```
   */
  execute<T extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    em?: MemoryEntityManager,
  ): Promise<T[]>;
  /**
   * Runs one SQL statement with `$1`, `$2`… placeholders whose values are bound by the driver
   * (never spliced into the SQL), and returns the rows. Prefer it to {@link MemoryDb.execute} for
   * values that come from users. Joins the transaction of `em` or of the current scope, like
   * `execute`. A vector goes in as its text form: `$1::vector` with `'[1,2,3]'`.
   *
   * @example
   * ```ts
   * const rows = await db.query<{ id: string }>('select id from sessions where user_id = $1 order by updated_at desc limit $2', [userId, 20]);
   * ```
   */
  query<T extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    em?: MemoryEntityManager,
  ): Promise<T[]>;
  /**
   * Runs `fn` in one transaction of plain SQL statements, sent through `tx.query` (`$1`, `$2`…
   * placeholders, as in {@link MemoryDb.query}): committed when `fn` resolves, rolled back when it
   * throws. It is the light sibling of {@link MemoryDb.scope}: no EntityManager, no unit of work,
   * no flush, so a short transaction costs little more than its statements. On PostgreSQL it
   * holds one pooled connection for its length.
   *
   * Inside a scope (or a MikroORM `RequestContext` in a transaction) it nests as a savepoint of
   * that transaction, so it commits or rolls back with the caller's work. On PGlite it always
   * runs as a scope: there is one connection, and statements sent outside the open transaction
   * would wait for it for ever.
   *
   * Only statements sent through `tx` belong to the transaction (other calls on `db` may run on
   * another connection), and `tx` refuses statements once the transaction has ended.
   *
   * @example
   * ```ts
   * await db.transaction(async (tx) => {
   *   const [row] = await tx.query<{ status: number }>('select status from sessions where id = $1 for update', [id]);
   *   if (row?.status === 1) await tx.query('update sessions set title = $2 where id = $1', [id, title]);
   * });
   * ```
   */
  transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Closes the connections (and an in-memory PGlite, whose data is then gone). Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The advisory lock key that serializes `initDb()`: the bytes of "memorydb" as a 64-bit number. */
const INIT_LOCK_KEY = '7882827048211276898';

/** The parts of the `pg` pool (MikroORM's own, with its type parsers) that `@memory/db` uses directly. */
interface NativePool {
  options?: { max?: number };
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  connect(): Promise<NativeClient>;
  on(event: 'acquire', listener: (client: NativeClient) => void): unknown;
  on(event: 'release', listener: (error: Error | undefined, client: NativeClient) => void): unknown;
}

interface NativeClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** With an error, the connection is destroyed instead of going back to the pool. */
  release(error?: Error): void;
  /** `end`: the connection closed (ended by us, by the server, or cut). */
  once(event: 'end', listener: () => void): unknown;
}

/**
 * Connects to the memory database at `options.url`. Nothing is sent to the server until the
 * first query (or {@link MemoryDb.initDb}); a bad URL fails here with `ConfigurationError`.
 *
 * @example
 * ```ts
 * const db = createMemoryDb({ url: process.env.DATABASE_URL ?? 'pglite://memory', embeddingDimensions: 1024 });
 * await db.initDb();
 * await db.scope(async (em) => {
 *   const session = em.create(Session, { title: 'Chat', userId: 'u1' });
 *   em.create(Message, { session, role: MessageRole.USER, content: '你好' });
 * });
 * await db.close();
 * ```
 */
export function createMemoryDb(options: MemoryDbOptions): MemoryDb {
  const target = parseDatabaseUrl(options.url);
  const embeddingDimensions = validateEmbeddingDimensions(options.embeddingDimensions ?? DEFAULT_EMBEDDING_DIMENSIONS);
  const memory = defineMemoryEntities({ embeddingDimensions });
  const appEntities = [...(options.entities ?? [])];
  const orm = buildOrm(target, options, memory, appEntities, embeddingDimensions);
  return new MikroMemoryDb(target, embeddingDimensions, orm, appEntities.length > 0);
}

function buildOrm(
  target: DatabaseTarget,
  options: MemoryDbOptions,
  memory: ReturnType<typeof defineMemoryEntities>,
  appEntities: AppEntity[],
  embeddingDimensions: number,
): MikroORM {
  const debug = options.debug ?? (options.logger ? (['query', 'info'] as LoggerNamespace[]) : false);
  const common = {
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
  try {
    if (target.kind === 'pglite') {
      const dataDir = target.dataDir === undefined ? undefined : resolve(target.dataDir);
      return new PgliteMikroORM({
        ...common,
        // With no `driverOptions.dataDir`, MikroORM uses dbName as the PGlite cluster location.
        dbName: dataDir ?? 'memory://',
        // A function, because MikroORM deep-clones option objects and a cloned Blob (loadDataDir)
        // breaks; it runs on connect, so that is also when the parent directory is made.
        driverOptions: (() => {
          if (dataDir) mkdirSync(dirname(dataDir), { recursive: true });
          return { ...options.pglite, extensions: { vector } };
        }) as unknown as Record<string, unknown>,
      }) as unknown as MikroORM;
    }
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
    }) as unknown as MikroORM;
  } catch (error) {
    throw toMemoryError(error, target, 'configure the ORM');
  }
}

class MikroMemoryDb implements MemoryDb {
  readonly kind: DatabaseKind;
  readonly url: string;
  readonly embeddingDimensions: number;
  readonly orm: MikroORM;
  readonly #target: DatabaseTarget;
  readonly #hasAppEntities: boolean;
  #closed: Promise<void> | undefined;
  #pool: Promise<NativePool> | undefined;
  /** Pooled clients checked out now, and those whose connection has closed (see `close`). */
  readonly #checkedOut = new Set<NativeClient>();
  readonly #ended = new WeakSet<NativeClient>();
  readonly #watched = new WeakSet<NativeClient>();
  /** Whether MikroORM logs queries (then statements go through it, so they are logged too). */
  readonly #logsQueries: boolean;
  #initQueue: Promise<void> = Promise.resolve();
  readonly #scopeEm = new AsyncLocalStorage<MemoryEntityManager>();

  constructor(target: DatabaseTarget, embeddingDimensions: number, orm: MikroORM, hasAppEntities: boolean) {
    this.kind = target.kind;
    this.url = target.display;
    this.embeddingDimensions = embeddingDimensions;
    this.orm = orm;
    this.#target = target;
    this.#hasAppEntities = hasAppEntities;
    const debug = orm.config.get('debug');
    this.#logsQueries = debug === true || (Array.isArray(debug) && debug.includes('query'));
  }

  initDb(): Promise<void> {
    // Calls on one instance run one after the other (the second finds nothing to do).
    // In a RequestContext of our own: MikroORM's migrator and schema generator use the global
    // EntityManager, which would otherwise resolve to whatever context the caller is in.
    const run = this.#initQueue.then(() =>
      this.#guard('initDb', () => RequestContext.create(this.fork(), () => this.#withInitLock(() => this.#init()))),
    );
    this.#initQueue = run.catch(() => undefined);
    return run;
  }

  async #init(): Promise<void> {
    await this.#raw('create extension if not exists vector').catch((error: unknown) => {
      throw this.#extensionHint(error);
    });
    await reconcileEmbeddingColumns((sql, params) => this.#raw(sql, params), this.embeddingDimensions);
    await this.orm.migrator.up();
    if (this.#hasAppEntities) {
      // The application's tables, like the original's `create_all`: add what is missing, never drop.
      await this.orm.schema.update({ safe: true, dropTables: false });
    }
  }

  /**
   * Serializes `initDb()` across processes on a PostgreSQL server with an advisory lock held on a
   * connection of its own (the migrations use other pooled connections), so replicas starting
   * together do not race on creating the tables. PGlite is one process: nothing to do.
   */
  async #withInitLock(fn: () => Promise<void>): Promise<void> {
    if (this.kind !== 'postgres') return fn();
    const pool = await this.#nativePool();
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

  async scope<T>(fn: (em: MemoryEntityManager) => Promise<T> | T): Promise<T> {
    // Inside another scope, nest (a savepoint) instead of opening a second transaction: it keeps
    // one unit of work, and on PGlite (one connection) a second transaction would wait forever.
    const outer = this.#current();
    const em = outer?.isInTransaction() ? outer : this.fork();
    try {
      // The pool is watched from its first use, so close() can find connections a failed scope
      // left behind; after that, a scope costs no extra await.
      if (this.kind === 'postgres' && !this.#pool && !this.#closed) await this.#nativePool();
      return await em.transactional((tx) =>
        this.#scopeEm.run(tx as MemoryEntityManager, () => fn(tx as MemoryEntityManager)),
      );
    } catch (error) {
      throw toMemoryError(error, this.#target, 'scope');
    }
  }

  em(): MemoryEntityManager {
    return this.#current() ?? this.fork();
  }

  fork(): MemoryEntityManager {
    // Without disableContextResolution, MikroORM forks whatever EntityManager a RequestContext
    // holds under the same name, even one of another ORM in the process.
    return this.orm.em.fork({ disableContextResolution: true }) as unknown as MemoryEntityManager;
  }

  logAudit(em: MemoryEntityManager, entry: AuditEntry): AuditLog {
    return logAudit(em, entry);
  }

  async execute<T extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    em?: MemoryEntityManager,
  ): Promise<T[]> {
    // A NUL in a text parameter breaks the wire protocol (08P01) instead of a clear refusal.
    assertNoNul(sql, 'execute: sql', 'memory/db');
    params.forEach((param, i) => assertNoNul(param, `execute: parameter ${i + 1}`, 'memory/db'));
    try {
      return (await this.#raw(sql, params, em)) as T[];
    } catch (error) {
      throw toMemoryError(error, this.#target, 'execute');
    }
  }

  async query<T extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    em?: MemoryEntityManager,
  ): Promise<T[]> {
    params.forEach((param, i) => assertNoNul(param, `query: parameter $${i + 1}`, 'memory/db'));
    const inScope = (em ?? this.#current()) as unknown as SqlEntityManager | undefined;
    try {
      // Outside a scope on PostgreSQL, straight to the pool: the same connections and type parsers
      // as MikroORM's, without a fork and a query builder round per statement.
      const pool = inScope ? undefined : await this.#fastPool();
      if (pool) return (await pool.query(sql, [...params])).rows as T[];
      // A scope's EntityManager reaches its transaction; outside one, a fork reaches the pool.
      const kysely = (inScope ?? (this.fork() as unknown as SqlEntityManager)).getKysely();
      const result = await kysely.executeQuery<T>(CompiledQuery.raw(sql, [...params]));
      return [...result.rows];
    } catch (error) {
      throw toMemoryError(error, this.#target, 'query');
    }
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const outer = this.#current();
    const pool = outer?.isInTransaction() ? undefined : await this.#guard('transaction', () => this.#fastPool());
    if (!pool) return this.scope((em) => this.#runTransaction(fn, (sql, params) => this.query(sql, params, em)));
    const client = await this.#guard('transaction (connect)', () => pool.connect());
    const send = async (sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> => {
      params.forEach((param, i) => assertNoNul(param, `query: parameter $${i + 1}`, 'memory/db'));
      try {
        return (await client.query(sql, [...params])).rows;
      } catch (error) {
        throw toMemoryError(error, this.#target, 'query');
      }
    };
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.#runTransaction(fn, send);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // After a failed COMMIT the server has already rolled back; ROLLBACK then only warns.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw toMemoryError(error, this.#target, 'transaction');
    } finally {
      client.release(broken);
    }
  }

  /** Runs `fn` with a {@link SqlTransaction} over `send` that refuses statements once `fn` has settled. */
  async #runTransaction<T>(
    fn: (tx: SqlTransaction) => Promise<T>,
    send: (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>,
  ): Promise<T> {
    let open = true;
    const tx: SqlTransaction = {
      query: async <R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
        if (!open)
          throw new InvalidInputError(
            '[memory/db] transaction: this transaction has ended; send statements only while its function runs',
          );
        return (await send(sql, params)) as R[];
      },
    };
    try {
      return await fn(tx);
    } finally {
      open = false;
    }
  }

  close(): Promise<void> {
    this.#closed ??= this.#releaseEndedClients()
      .then(() => this.orm.close(true))
      .catch((error: unknown) => {
        throw toMemoryError(error, this.#target, 'close');
      });
    return this.#closed;
  }

  /**
   * Hands back to the pool (destroyed) every checked-out client whose connection has closed.
   * When a connection breaks inside a `scope`, MikroORM's rollback fails and Kysely never
   * releases the client (kysely 0.29: `ControlledTransaction.rollback` releases only after a
   * successful ROLLBACK), and the pool's `end()` would wait for it for ever.
   */
  async #releaseEndedClients(): Promise<void> {
    if (!this.#pool) return;
    await this.#pool.catch(() => undefined);
    for (const client of [...this.#checkedOut]) {
      if (!this.#ended.has(client)) continue;
      this.#checkedOut.delete(client);
      client.release(new Error('[memory/db] the connection closed while checked out'));
    }
  }

  /** Tracks which clients are checked out and which connections have closed. */
  #watch(pool: NativePool): void {
    pool.on('acquire', (client) => {
      this.#checkedOut.add(client);
      if (this.#watched.has(client)) return;
      this.#watched.add(client);
      client.once('end', () => this.#ended.add(client));
    });
    pool.on('release', (_error, client) => this.#checkedOut.delete(client));
  }

  async #raw(
    sql: string,
    params: readonly unknown[] = [],
    em?: MemoryEntityManager,
  ): Promise<Record<string, unknown>[]> {
    // Inside a scope, run in its transaction: on PGlite (one connection) a statement outside it
    // would wait for the transaction to end, forever.
    const manager = (em ?? this.#current() ?? this.fork()) as unknown as SqlEntityManager;
    const ctx = manager.getTransactionContext();
    return (await manager.getConnection().execute(sql, [...params], 'all', ctx)) as Record<string, unknown>[];
  }

  /** MikroORM's `pg` pool (PostgreSQL only). */
  #nativePool(): Promise<NativePool> {
    if (!this.#pool) {
      const pending = (this.orm.driver.getConnection() as unknown as { getNativeClient(): Promise<NativePool> })
        .getNativeClient()
        .then((pool) => {
          this.#watch(pool);
          return pool;
        });
      this.#pool = pending;
      // A failed connect is not remembered: the next call tries again.
      pending.catch(() => {
        if (this.#pool === pending) this.#pool = undefined;
      });
    }
    return this.#pool;
  }

  /** The pool for statements that may skip MikroORM: PostgreSQL, open, and no query logging asked for. */
  async #fastPool(): Promise<NativePool | undefined> {
    if (this.kind !== 'postgres' || this.#logsQueries || this.#closed) return undefined;
    return this.#nativePool();
  }

  /** The EntityManager of the scope we are in: ours, or a MikroORM `RequestContext` one. */
  #current(): MemoryEntityManager | undefined {
    const own = this.#scopeEm.getStore();
    if (own) return own;
    const fromContext = RequestContext.getEntityManager(this.orm.em.name) as MemoryEntityManager | undefined;
    // A RequestContext of another ORM in the same process is not ours to use.
    return fromContext && fromContext.getDriver() === this.orm.driver ? fromContext : undefined;
  }

  async #guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toMemoryError(error, this.#target, operation);
    }
  }

  #extensionHint(error: unknown): unknown {
    const mapped = toMemoryError(error, this.#target, 'initDb (create extension vector)');
    const code = driverCode(error);
    // 58P01: no control file (pgvector not installed); 42501: not allowed to create it.
    if (this.kind === 'postgres' && (code === '58P01' || code === '42501') && mapped instanceof Error) {
      mapped.message +=
        ': install pgvector on the server (https://github.com/pgvector/pgvector), or have a superuser run CREATE EXTENSION vector in this database';
    }
    return mapped;
  }
}
