import type { MemoryDb, MemoryEntityManager, SqlStatement } from '@memory/db';
import { DatabaseError, MemoryError } from '@memory/errors';

/**
 * Runs one statement (`$1`, `$2`… placeholders, values bound by the driver): the archive builds
 * them with the `sql` tag of `@memory/db`; a text and its values also go (tests use that form).
 */
export interface SqlClient {
  query<T extends object = Record<string, unknown>>(
    statement: string | SqlStatement,
    values?: readonly unknown[],
  ): Promise<T[]>;
}

/**
 * The statements of `db`, in `em`'s transaction when given. They go through `db.query`, the one
 * way the stores send SQL (conversations' runner does too), so every statement joins the
 * transaction it belongs to: PGlite has one connection, and a statement sent elsewhere would
 * wait for ever.
 */
export function sqlOf(db: MemoryDb, em?: MemoryEntityManager): SqlClient {
  return {
    async query<T extends object>(statement: string | SqlStatement, values?: readonly unknown[]): Promise<T[]> {
      try {
        return await db.query<T>(statement, values, em);
      } catch (error) {
        throw toArchiveError(error);
      }
    },
  };
}

/** Runs `fn` in one transaction of `db` (committed when it resolves, rolled back when it throws). */
export function inTransaction<T>(
  db: MemoryDb,
  fn: (client: SqlClient, em: MemoryEntityManager) => Promise<T>,
): Promise<T> {
  return db.scope((em) => fn(sqlOf(db, em), em));
}

/** Statements outside a transaction of the archive's own (reads such as the plan). */
export function sqlOutside(db: MemoryDb): SqlClient {
  return sqlOf(db);
}

function toArchiveError(error: unknown): unknown {
  // `db.query` reports a statement's failure as DatabaseError; it gets the archive's advice. Other
  // memory errors (a refused value, a configuration error) say what to do already.
  if (MemoryError.isInstance(error) && !DatabaseError.isInstance(error)) return error;
  const source = MemoryError.isInstance(error) && error.cause instanceof Error ? error.cause : error;
  const reason = source instanceof Error ? source.message.replace(/\s+/g, ' ').trim() : String(source);
  const code = sqlState(error);
  return new DatabaseError(
    `[memory/archive] statement failed: ${reason}${code ? ` (${code})` : ''}: check the database and rerun; the archive resumes where it stopped`,
    {
      cause: error,
      details: code ? { code } : {},
    },
  );
}

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; cause?: unknown; details?: { code?: unknown } };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    if (typeof e.details?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.details.code)) return e.details.code;
    current = e.cause;
  }
  return undefined;
}

/** `timestamptz` rendered as ISO 8601 in UTC with microseconds: exact, unlike a JavaScript `Date`. */
export const isoUtc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A count column from the driver (`bigint` arrives as a string from `pg`). */
export const toCount = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
