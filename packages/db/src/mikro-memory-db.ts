import { AsyncLocalStorage } from 'node:async_hooks';
import { type AuditLog, assertNoNul } from '@memory/models';
import { ConfigurationError } from '@memory/errors';
import { RequestContext, type MikroORM } from '@mikro-orm/core';
import type { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { CompiledQuery } from 'kysely';
import type { Pool } from 'pg';
import { logAudit, type AuditEntry } from './audit.js';
import type { DatabaseKind, DatabaseTarget } from './database-url.js';
import { initializeSchema } from './init-db.js';
import type { MemoryDb, MemoryEntityManager, NamedStatement, SqlStatement } from './memory-types.js';
import { PostgresPool } from './postgres-pool.js';
import { runPgTransaction, runWithTransaction, statementParts, type SqlTransaction } from './sql-transaction.js';
import { toMemoryError } from './to-memory-error.js';

/**
 * The {@link MemoryDb} of {@link createMemoryDb}: MikroORM for the unit of work and migrations,
 * and, on PostgreSQL, MikroORM's own `pg` pool for the plain-SQL fast paths (`query` outside a
 * scope, `transaction`), which skip a fork and a query-builder round per statement.
 */
export class MikroMemoryDb implements MemoryDb {
  readonly kind: DatabaseKind;
  readonly url: string;
  readonly embeddingDimensions: number;
  readonly #target: DatabaseTarget;
  readonly #hasAppEntities: boolean;
  /** Set at once for PostgreSQL; for PGlite, once the engine has loaded. */
  #orm: MikroORM | undefined;
  /** The engine load (PGlite), or its failure, for the calls that come before or after it. */
  readonly #loading: Promise<MikroORM> | undefined;
  #loadError: unknown;
  /** PostgreSQL only. */
  readonly #pool: PostgresPool | undefined;
  #closed: Promise<void> | undefined;
  /** Whether MikroORM logs queries (then statements go through it, so they are logged too). */
  #logsQueries = false;
  #initQueue: Promise<void> = Promise.resolve();
  /** `MemoryDbOptions.preparedStatements`: whether a NamedStatement is sent with its name. */
  readonly #prepares: boolean;
  readonly #scopeEm = new AsyncLocalStorage<MemoryEntityManager>();

  constructor(
    target: DatabaseTarget,
    embeddingDimensions: number,
    engine: { postgres: PostgresMikroORM } | { pglite: MikroORM | Promise<MikroORM> },
    hasAppEntities: boolean,
    preparedStatements: boolean,
  ) {
    this.kind = target.kind;
    this.url = target.display;
    this.embeddingDimensions = embeddingDimensions;
    this.#target = target;
    this.#hasAppEntities = hasAppEntities;
    this.#prepares = preparedStatements;
    if ('postgres' in engine) {
      this.#adopt(engine.postgres as unknown as MikroORM);
      this.#pool = new PostgresPool(engine.postgres);
    } else if (!(engine.pglite instanceof Promise)) {
      this.#adopt(engine.pglite);
    } else {
      this.#loading = engine.pglite.then(
        (orm) => this.#adopt(orm),
        (error: unknown) => {
          this.#loadError = toMemoryError(error, target, 'load the PGlite engine');
          throw this.#loadError;
        },
      );
      // Reported by the calls that need the engine, never as an unhandled rejection.
      this.#loading.catch(() => undefined);
    }
  }

  get orm(): MikroORM {
    if (this.#orm) return this.#orm;
    if (this.#loadError) throw this.#loadError;
    throw new ConfigurationError(
      `[memory/db] the embedded PGlite engine of ${this.url} is still loading: await db.ready() (or db.initDb()) before using db.orm, db.em() or db.fork()`,
    );
  }

  async ready(): Promise<void> {
    if (!this.#orm) await this.#loading;
  }

  initDb(): Promise<void> {
    // Calls on one instance run one after the other (the second finds nothing to do).
    // In a RequestContext of our own: MikroORM's migrator and schema generator use the global
    // EntityManager, which would otherwise resolve to whatever context the caller is in.
    const run = this.#initQueue.then(() =>
      this.#guard('initDb', async () => {
        await this.ready();
        const pool = this.#pool;
        return RequestContext.create(this.fork(), () =>
          initializeSchema({
            orm: this.orm,
            target: this.#target,
            embeddingDimensions: this.embeddingDimensions,
            hasAppEntities: this.#hasAppEntities,
            raw: (sql, params) => this.#raw(sql, params),
            ...(pool ? { pool: () => pool.get() } : {}),
          }),
        );
      }),
    );
    this.#initQueue = run.catch(() => undefined);
    return run;
  }

  async scope<T>(fn: (em: MemoryEntityManager) => Promise<T> | T): Promise<T> {
    try {
      if (!this.#orm) await this.#loading;
      // Inside another scope, nest (a savepoint) instead of opening a second transaction: it keeps
      // one unit of work, and on PGlite (one connection) a second transaction would wait forever.
      const outer = this.#current();
      const em = outer?.isInTransaction() ? outer : this.fork();
      // The pool is watched from its first use, so the watcher sees every client a scope checks
      // out (and takes it back if its connection ends); after that, a scope costs no extra await.
      if (this.#pool && !this.#pool.requested && !this.#closed) await this.#pool.get();
      return await em.transactional((tx) =>
        this.#scopeEm.run(tx as MemoryEntityManager, () => fn(tx as MemoryEntityManager)),
      );
    } catch (error) {
      // A client whose connection broke under the scope is not ours to release here: Kysely keeps
      // it (after a failed BEGIN or ROLLBACK), and the pool watcher takes it back once its
      // connection has ended, which may come after this error (see PostgresPool).
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
      if (!this.#orm) await this.#loading;
      return (await this.#raw(sql, params, em)) as T[];
    } catch (error) {
      throw toMemoryError(error, this.#target, 'execute');
    }
  }

  async query<T extends object = Record<string, unknown>>(
    statement: string | NamedStatement | SqlStatement,
    givenParams?: readonly unknown[],
    em?: MemoryEntityManager,
  ): Promise<T[]> {
    const { text: sql, values: params } = statementParts(statement, givenParams, 'query');
    checkParams(params);
    const name = typeof statement === 'string' ? undefined : statement.name;
    try {
      if (!this.#orm) await this.#loading;
      const inScope = (em ?? this.#current()) as unknown as SqlEntityManager | undefined;
      // Outside a scope on PostgreSQL, straight to the pool: the same connections and type parsers
      // as MikroORM's, without a fork and a query builder round per statement.
      const pool = inScope ? undefined : await this.#fastPool();
      if (pool) {
        const config = name === undefined || !this.#prepares ? sql : { name, text: sql, values: [...params] };
        return (await (typeof config === 'string' ? pool.query(config, [...params]) : pool.query(config))).rows as T[];
      }
      // A scope's EntityManager reaches its transaction; outside one, a fork reaches the pool.
      const kysely = (inScope ?? (this.fork() as unknown as SqlEntityManager)).getKysely();
      const result = await kysely.executeQuery<T>(CompiledQuery.raw(sql, [...params]));
      return [...result.rows];
    } catch (error) {
      throw toMemoryError(error, this.#target, 'query');
    }
  }

  inTransaction(): boolean {
    return this.#current()?.isInTransaction() ?? false;
  }

  async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    if (!this.#orm) await this.#guard('transaction', async () => this.#loading);
    const outer = this.#current();
    const pool = outer?.isInTransaction() ? undefined : await this.#guard('transaction', async () => this.#fastPool());
    if (!pool) return this.scope((em) => runWithTransaction(fn, (sql, params) => this.query(sql, params, em)));
    const client = await this.#guard('transaction (connect)', () => pool.connect());
    const watched = this.#pool;
    return runPgTransaction(
      client,
      fn,
      (error, operation) => toMemoryError(error, this.#target, operation),
      checkParams,
      (held, error) => (watched ? watched.release(held, error) : held.release(error)),
    );
  }

  close(): Promise<void> {
    this.#closed ??= this.#closeNow().catch((error: unknown) => {
      throw toMemoryError(error, this.#target, 'close');
    });
    return this.#closed;
  }

  async #closeNow(): Promise<void> {
    await this.#pool?.releaseEnded();
    // A PGlite engine that never loaded has nothing to close.
    const orm = this.#orm ?? (await this.#loading?.catch(() => undefined));
    await orm?.close(true);
  }

  #adopt(orm: MikroORM): MikroORM {
    this.#orm = orm;
    const debug = orm.config.get('debug');
    this.#logsQueries = debug === true || (Array.isArray(debug) && debug.includes('query'));
    return orm;
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

  /** The pool for statements that may skip MikroORM: PostgreSQL, open, and no query logging asked for. */
  #fastPool(): Pool | Promise<Pool> | undefined {
    if (!this.#pool || this.#logsQueries || this.#closed) return undefined;
    return this.#pool.current ?? this.#pool.get();
  }

  /** The EntityManager of the scope we are in: ours, or a MikroORM `RequestContext` one. */
  #current(): MemoryEntityManager | undefined {
    const own = this.#scopeEm.getStore();
    if (own) return own;
    const orm = this.#orm;
    if (!orm) return undefined;
    const fromContext = RequestContext.getEntityManager(orm.em.name) as MemoryEntityManager | undefined;
    // A RequestContext of another ORM in the same process is not ours to use.
    return fromContext && fromContext.getDriver() === orm.driver ? fromContext : undefined;
  }

  async #guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toMemoryError(error, this.#target, operation);
    }
  }
}

/** A NUL in a text parameter breaks the wire protocol (08P01): refuse it with a clear error. */
function checkParams(params: readonly unknown[]): void {
  params.forEach((param, i) => assertNoNul(param, `query: parameter $${i + 1}`, 'memory/db'));
}
