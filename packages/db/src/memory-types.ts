import type { AuditLog } from '@memory/models';
import type { AnyEntity, EntityClass, EntitySchema, LoggerNamespace, MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { AuditEntry } from './audit.js';
import type { DatabaseKind } from './database-url.js';
import type { SqlTransaction } from './sql-transaction.js';

export type { SqlTransaction } from './sql-transaction.js';

/**
 * Options handed to an embedded PGlite (see PGlite's `PGliteOptions`), except those `@memory/db`
 * sets itself (`extensions`, `dataDir`, `parsers`, `database`). Declared here so that the types of
 * `@memory/db` do not need the optional PGlite packages.
 */
export interface PgliteOptions {
  /** Start from a `dumpDataDir()` snapshot instead of running initdb (the test helper does this). */
  loadDataDir?: Blob | File;
  /** Skip waiting for file-system flushes after each query (faster, less durable). */
  relaxedDurability?: boolean;
  /** The initial WASM memory, in bytes. */
  initialMemory?: number;
  /** PGlite's debug level, 0 (off) to 5. */
  debug?: 0 | 1 | 2 | 3 | 4 | 5;
  /** Any other PGlite option, passed through as is. */
  [option: string]: unknown;
}

/** The EntityManager a {@link MemoryDb} hands out (the SQL flavour, with `execute` and query builders). */
export type MemoryEntityManager = SqlEntityManager;

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
  pglite?: PgliteOptions;
  /**
   * Whether {@link NamedStatement}s are prepared on the server under their names (default `true`:
   * each pooled connection parses and plans a hot statement once). Set `false` behind a pooler in
   * transaction mode that does not track named prepared statements (PgBouncer before 1.21, or
   * 1.21+ with `max_prepared_statements = 0`): server connections change hands between
   * transactions there, so a statement prepared on one is missing on the next ("prepared
   * statement … does not exist") or already there ("… already exists"). With `false` they are
   * sent as ordinary unnamed statements, same SQL and results, parsed on every call.
   */
  preparedStatements?: boolean;
}

/**
 * A statement with a name, for {@link MemoryDb.query}: on PostgreSQL each connection prepares it
 * once under `name` (a named prepared statement) and reuses it. One name, one text: a name sent
 * again with another text on the same connection is an error.
 *
 * @example
 * ```ts
 * const byId: NamedStatement = { name: 'app_session_by_id', text: 'select * from sessions where id = $1' };
 * const rows = await db.query(byId, [id]);
 * ```
 */
export interface NamedStatement {
  /** The prepared statement's name, unique per text (e.g. prefixed with the package that owns it). */
  name: string;
  /** The SQL, with `$1`, `$2`… placeholders. */
  text: string;
}

/**
 * One statement ready to send, with its values: what the `sql` template builds (or a query
 * builder compiles, or a hand-written `{ text, values }`) and hand to {@link MemoryDb.query} or a
 * transaction's `tx.query` as one value. With a `name`, it is prepared once per PostgreSQL
 * connection like a {@link NamedStatement} (one name, one text).
 *
 * @example
 * ```ts
 * const page: SqlStatement = { text: 'select id from messages where session_id = $1 limit $2', values: [id, 50] };
 * const rows = await db.query<{ id: string }>(page);
 * ```
 */
export interface SqlStatement {
  /** The SQL, with `$1`, `$2`… placeholders. */
  text: string;
  /** The values of the placeholders, in order (bound by the driver, never spliced into the text). */
  values: readonly unknown[];
  /** A prepared statement name for a text sent again and again (see {@link NamedStatement}). */
  name?: string;
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
  /**
   * The MikroORM instance, for anything this interface does not cover. For a `pglite://` URL it
   * exists once the embedded engine has loaded (see {@link MemoryDb.ready}); before that, reading
   * it throws `ConfigurationError`.
   */
  readonly orm: MikroORM;
  /**
   * Resolves when the database can be used synchronously ({@link MemoryDb.orm}, {@link MemoryDb.em},
   * {@link MemoryDb.fork}): at once for PostgreSQL, once the optional PGlite packages are loaded for
   * `pglite://` URLs. Every asynchronous method waits for it by itself. Rejects with
   * `ConfigurationError` naming the packages to add when they are missing. Nothing is sent to the
   * database.
   *
   * @example
   * ```ts
   * const db = createMemoryDb({ url: 'pglite://memory' });
   * await db.ready(); // ConfigurationError when @electric-sql/pglite & co. are not installed
   * const em = db.fork();
   * ```
   */
  ready(): Promise<void>;
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
   * @deprecated Use `db.query(sql\`…\`)` (the `sql` template of `@memory/db`: values become `$n`
   * parameters, fragments compose), the one way the memory stores send SQL. `execute` keeps
   * working for existing code; it goes through MikroORM's `?` expansion, which the stores no
   * longer use.
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
   *
   * A {@link NamedStatement} (`{ name, text }`) is prepared once per PostgreSQL connection and then
   * only bound and executed, so a hot statement skips parsing and (once PostgreSQL settles on a
   * generic plan) planning. Give each distinct text its own name. PGlite and statements inside a
   * transaction run the text as a plain statement.
   *
   * A {@link SqlStatement} (`{ text, values, name? }`) carries its values: pass it alone (or with
   * `undefined` and `em`). The `sql` template builds one; it is how the stores send every statement:
   *
   * ```ts
   * import { sql } from '@memory/db';
   * const rows = await db.query<{ id: string }>(sql`select id from sessions where user_id = ${userId} limit ${20}`);
   * ```
   */
  query<T extends object = Record<string, unknown>>(
    sql: string | NamedStatement | SqlStatement,
    params?: readonly unknown[],
    em?: MemoryEntityManager,
  ): Promise<T[]>;
  /**
   * Whether a statement sent now through {@link MemoryDb.query} or {@link MemoryDb.execute} joins
   * an open transaction (of the current {@link MemoryDb.scope}, or of a MikroORM `RequestContext`),
   * rather than running on its own. A failed statement aborts such a transaction, so a caller that
   * tries a statement and recovers from its error must know which case it is in.
   */
  inTransaction(): boolean;
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
