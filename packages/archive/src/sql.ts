import type { MemoryDb, MemoryEntityManager } from '@memory/db';
import { DatabaseError, MemoryError } from '@memory/errors';
import { CompiledQuery, type Kysely } from 'kysely';

/** One parameterized statement runner (`$1`, `$2`… placeholders, values bound by the driver). */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
}

/**
 * The statements of `em`'s transaction. Every statement inside a transaction must go through
 * it: PGlite has one connection, and a statement sent elsewhere would wait for ever.
 */
export function sqlOf(em: MemoryEntityManager): Sql {
  const kysely = em.getKysely() as Kysely<unknown>;
  return {
    async query<T>(text: string, values: readonly unknown[] = []): Promise<T[]> {
      try {
        const result = await kysely.executeQuery<T>(CompiledQuery.raw(text, [...values]));
        return [...result.rows];
      } catch (error) {
        throw toArchiveError(error);
      }
    },
  };
}

/** Runs `fn` in one transaction of `db` (committed when it resolves, rolled back when it throws). */
export function inTransaction<T>(db: MemoryDb, fn: (sql: Sql, em: MemoryEntityManager) => Promise<T>): Promise<T> {
  return db.scope((em) => fn(sqlOf(em), em));
}

/** A statement outside any transaction (reads such as the plan). */
export function sqlOutside(db: MemoryDb): Sql {
  return sqlOf(db.fork());
}

function toArchiveError(error: unknown): unknown {
  if (MemoryError.isInstance(error)) return error;
  const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
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
    const e = current as { code?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    current = e.cause;
  }
  return undefined;
}

/** `timestamptz` rendered as ISO 8601 in UTC with microseconds: exact, unlike a JavaScript `Date`. */
export const isoUtc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A count column from the driver (`bigint` arrives as a string from `pg`). */
export const toCount = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
