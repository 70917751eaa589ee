import type { MemoryDb, MemoryEntityManager, NamedStatement, SqlStatement } from '@memory/db';
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

/**
 * Runs one parameterized statement (`$1`, `$2`... placeholders, values bound by the driver): a
 * {@link SqlStatement} (`{ text, values, name? }`, the shape the store's builders return), or a
 * text and its values.
 */
export interface SqlClient {
  query<T = Record<string, unknown>>(statement: string | SqlStatement, values?: readonly unknown[]): Promise<T[]>;
}

/** Where the store's SQL goes: single statements on the pool, or a group in one transaction. */
export interface SqlRunner extends SqlClient {
  /**
   * Runs one statement; a {@link NamedStatement} is prepared once per pooled PostgreSQL
   * connection and reused (see `MemoryDb.query`), for the hot paths that run one text again and again.
   */
  query<T = Record<string, unknown>>(
    statement: string | NamedStatement | SqlStatement,
    values?: readonly unknown[],
  ): Promise<T[]>;
  /** Whether a statement sent now joins the caller's open transaction (see `MemoryDb.inTransaction`). */
  inTransaction(): boolean;
  /**
   * Runs `fn` in one plain SQL transaction (`db.transaction`: no unit of work), committed when
   * it resolves, rolled back when it throws. For the store's hot paths (appends, searches).
   */
  sqlTransaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction with an EntityManager (`db.scope`), committed when it resolves,
   * rolled back when it throws. `em` is the transaction's EntityManager, for
   * `db.logAudit(em, ...)`: what it holds is flushed before the commit.
   */
  transaction<T>(fn: (tx: SqlClient, em: MemoryEntityManager) => Promise<T>): Promise<T>;
}

/**
 * Builds the store's SQL runner on a {@link MemoryDb}: statements go through `db.query` and
 * `db.transaction`, with real bound parameters, so values are never spliced into SQL and the
 * statement text stays the same from call to call.
 *
 * Called inside the caller's `db.scope(...)` transaction, statements join it (and the store's
 * own transactions become savepoints of it), so a store call commits or rolls back with the
 * caller's work. Outside one, reads go to the pool and transactions are the store's own.
 * Joining also matters on PGlite: it has one connection, and a statement sent outside an open
 * transaction would wait for it for ever.
 */
export function createSqlRunner(db: MemoryDb, onQuery?: (event: QueryEvent) => void): SqlRunner {
  const run = async <T>(
    send: () => Promise<T[]>,
    text: string,
    paramCount: number,
    inTransaction: boolean,
  ): Promise<T[]> => {
    const started = performance.now();
    let ok = false;
    try {
      const rows = await send();
      ok = true;
      return rows;
    } catch (error) {
      throw toStoreError(error);
    } finally {
      onQuery?.({ sql: text, paramCount, durationMs: performance.now() - started, inTransaction, ok });
    }
  };
  const clientOf = (
    send: (statement: string | SqlStatement, values?: readonly unknown[]) => Promise<Record<string, unknown>[]>,
  ): SqlClient => ({
    query: <T>(statement: string | SqlStatement, values?: readonly unknown[]) => {
      const text = typeof statement === 'string' ? statement : statement.text;
      const count = (typeof statement === 'string' ? values : statement.values)?.length ?? 0;
      return run(() => send(statement, values) as Promise<T[]>, text, count, true);
    },
  });
  const mapped = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error);
    }
  };
  return {
    query<T>(statement: string | NamedStatement | SqlStatement, values?: readonly unknown[]): Promise<T[]> {
      // Without onQuery nothing is timed or reported: the statement's promise with its error
      // mapped, one async frame fewer on every statement (appends are one statement each).
      if (!onQuery) return (db.query(statement, values) as Promise<T[]>).catch(throwStoreError);
      // db.query joins the caller's scope by itself; asking whether there is one is only worth
      // it for the onQuery report.
      const inTransaction = db.inTransaction();
      const text = typeof statement === 'string' ? statement : statement.text;
      const count =
        (typeof statement === 'string' || !('values' in statement) ? values : statement.values)?.length ?? 0;
      return run(() => db.query(statement, values) as Promise<T[]>, text, count, inTransaction);
    },
    inTransaction: () => db.inTransaction(),
    sqlTransaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      return mapped(() => db.transaction((tx) => fn(clientOf((statement, values) => tx.query(statement, values)))));
    },
    transaction<T>(fn: (tx: SqlClient, em: MemoryEntityManager) => Promise<T>): Promise<T> {
      return mapped(() =>
        db.scope((em) =>
          fn(
            clientOf((statement, values) => db.query(statement, values, em)),
            em,
          ),
        ),
      );
    },
  };
}

const NUL_STATES = new Set(['22021', '22P05']);
const INVALID_VALUE_STATES = new Set(['22P02', '22007', '22008', '22003']);
const STORE_STATES = new Set(['23505', '40P01', '40001', ...NUL_STATES, ...INVALID_VALUE_STATES]);

function errorText(error: unknown): string {
  const source = MemoryError.isInstance(error) && error.cause instanceof Error ? error.cause : error;
  return source instanceof Error ? source.message : String(source);
}

/**
 * Maps a driver error to a memory error by its SQLSTATE. The driver's message is kept (it names
 * the constraint or the value's type, never a password: connection errors come from `@memory/db`
 * before any statement runs).
 */
export function toStoreError(error: unknown): unknown {
  let code = sqlState(error);
  // Citus reports a unique violation inside a COPY to a shard as an internal error (XX000)
  // carrying the worker's message: it is the same conflict.
  if (code === 'XX000' && /duplicate key value violates unique constraint/.test(errorText(error))) code = '23505';
  // `@memory/db` reports driver errors as DatabaseError with the SQLSTATE in details; the ones a
  // store caller handles differently (a conflict, a refused value) get the store's own type.
  if (MemoryError.isInstance(error) && !(DatabaseError.isInstance(error) && code && STORE_STATES.has(code)))
    return error;
  const source = MemoryError.isInstance(error) && error.cause instanceof Error ? error.cause : error;
  const reason = source instanceof Error ? source.message.replace(/\s+/g, ' ').trim() : String(source);
  const cause = error instanceof Error ? new Error(reason) : undefined;
  const details = code ? { code } : {};
  if (code === '23505') {
    return new ConflictError(`[memory/conversations] a row with this id already exists (${reason}): use another id`, {
      details,
      cause,
    });
  }
  if (code === '40P01' || code === '40001') {
    return new ConflictError(`[memory/conversations] a concurrent transaction won (${reason}): retry the call`, {
      details,
      cause,
    });
  }
  if (code && NUL_STATES.has(code)) {
    return new InvalidInputError(
      `[memory/conversations] a value holds a NUL character (\\u0000), which PostgreSQL cannot store: strip it (${reason})`,
      { details, cause },
    );
  }
  if (code && INVALID_VALUE_STATES.has(code)) {
    return new InvalidInputError(`[memory/conversations] PostgreSQL refused a value: ${reason} (${code})`, {
      details,
      cause,
    });
  }
  return new DatabaseError(`[memory/conversations] statement failed: ${reason}${code ? ` (${code})` : ''}`, {
    details,
    cause,
  });
}

/** Throws {@link toStoreError} of `error` (a rejection handler). */
function throwStoreError(error: unknown): never {
  throw toStoreError(error);
}

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; sqlState?: unknown; cause?: unknown; details?: { code?: unknown } };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    if (typeof e.details?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.details.code)) return e.details.code;
    if (typeof e.sqlState === 'string') return e.sqlState;
    current = e.cause;
  }
  return undefined;
}
