import { CompiledQuery, type Kysely } from 'kysely';
import type { MemoryDb, MemoryEntityManager } from '@memory/db';
import { ConflictError, DatabaseError, InvalidInputError, MemoryError } from '@memory/errors';

/** What {@link ConversationStoreOptions.onQuery} receives after every statement the store sends. */
export interface QueryEvent {
  /** The SQL text, with `$n` placeholders (never the values). */
  sql: string;
  /** How many parameters were bound. */
  paramCount: number;
  /** Wall time of the round trip. */
  durationMs: number;
  /** Whether the statement ran inside one of the store's transactions. */
  inTransaction: boolean;
  /** `false` when the statement failed (it is reported before the error is thrown). */
  ok: boolean;
}

/** Runs one parameterized statement (`$1`, `$2`... placeholders, values bound by the driver). */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
}

/** Where the store's SQL goes: single statements on the pool, or a group in one transaction. */
export interface SqlRunner extends SqlClient {
  /**
   * Runs `fn` in one transaction (committed when it resolves, rolled back when it throws).
   * `em` is the transaction's EntityManager, for `db.logAudit(em, ...)`: what it holds is flushed
   * before the commit.
   */
  transaction<T>(fn: (tx: SqlClient, em: MemoryEntityManager) => Promise<T>): Promise<T>;
}

/**
 * Builds the store's SQL runner on a {@link MemoryDb}. Statements go through the Kysely client
 * that MikroORM holds, with real bound parameters, so values are never spliced into SQL and the
 * statement text stays the same from call to call.
 *
 * Called inside the caller's `db.scope(...)` transaction, statements join it (and the store's
 * own transactions become savepoints of it), so a store call commits or rolls back with the
 * caller's work. Outside one, reads go to the pool and transactions get a `db.scope` of their own.
 * Joining also matters on PGlite: it has one connection, and a statement sent outside an open
 * transaction would wait for it for ever.
 */
export function createSqlRunner(db: MemoryDb, onQuery?: (event: QueryEvent) => void): SqlRunner {
  const clientFor = (kysely: Kysely<unknown>, inTransaction: boolean): SqlClient => ({
    async query<T>(text: string, values: readonly unknown[] = []): Promise<T[]> {
      const started = performance.now();
      let ok = false;
      try {
        const result = await kysely.executeQuery<T>(CompiledQuery.raw(text, [...values]));
        ok = true;
        return [...result.rows];
      } catch (error) {
        throw toStoreError(error);
      } finally {
        onQuery?.({ sql: text, paramCount: values.length, durationMs: performance.now() - started, inTransaction, ok });
      }
    },
  });
  const enclosing = (): MemoryEntityManager | undefined => {
    const em = db.em();
    return em.isInTransaction() ? em : undefined;
  };
  return {
    query<T>(text: string, values?: readonly unknown[]): Promise<T[]> {
      const outer = enclosing();
      return clientFor((outer ?? db.fork()).getKysely() as Kysely<unknown>, outer !== undefined).query<T>(text, values);
    },
    async transaction<T>(fn: (tx: SqlClient, em: MemoryEntityManager) => Promise<T>): Promise<T> {
      const outer = enclosing();
      if (!outer) return db.scope((em) => fn(clientFor(em.getKysely() as Kysely<unknown>, true), em));
      try {
        return await outer.transactional((em) => fn(clientFor(em.getKysely() as Kysely<unknown>, true), em as MemoryEntityManager));
      } catch (error) {
        throw toStoreError(error);
      }
    },
  };
}

const NUL_STATES = new Set(['22021', '22P05']);

/**
 * Maps a driver error to a memory error by its SQLSTATE. The driver's message is kept (it names
 * the constraint or the value's type, never a password: connection errors come from `@memory/db`
 * before any statement runs).
 */
export function toStoreError(error: unknown): unknown {
  if (MemoryError.isInstance(error)) return error;
  const code = sqlState(error);
  const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
  const cause = error instanceof Error ? new Error(reason) : undefined;
  const details = code ? { code } : {};
  if (code === '23505') {
    return new ConflictError(`[memory/conversations] a row with this id already exists (${reason}): use another id`, { details, cause });
  }
  if (code === '40P01' || code === '40001') {
    return new ConflictError(`[memory/conversations] a concurrent transaction won (${reason}): retry the call`, { details, cause });
  }
  if (code && NUL_STATES.has(code)) {
    return new InvalidInputError(`[memory/conversations] a value holds a NUL character (\\u0000), which PostgreSQL cannot store: strip it (${reason})`, { details, cause });
  }
  if (code === '22P02' || code === '22007' || code === '22008' || code === '22003') {
    return new InvalidInputError(`[memory/conversations] PostgreSQL refused a value: ${reason} (${code})`, { details, cause });
  }
  return new DatabaseError(`[memory/conversations] statement failed: ${reason}${code ? ` (${code})` : ''}`, { details, cause });
}

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; sqlState?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    if (typeof e.sqlState === 'string') return e.sqlState;
    current = e.cause;
  }
  return undefined;
}
