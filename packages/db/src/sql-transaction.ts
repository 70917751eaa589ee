import { InvalidInputError } from '@memory/errors';
import type { PoolClient } from 'pg';
import type { SqlStatement } from './memory-types.js';

/** The statements of a {@link MemoryDb.transaction}. */
export interface SqlTransaction {
  /**
   * Runs one statement in the transaction (`$1`, `$2`… placeholders) and returns its rows; a
   * {@link SqlStatement} carries its values (its `name` is not used inside a transaction).
   */
  query<T extends object = Record<string, unknown>>(
    sql: string | SqlStatement,
    params?: readonly unknown[],
  ): Promise<T[]>;
}

/**
 * The text and values of a statement given as text and values, or as one {@link SqlStatement}
 * (then `params` must be empty: the statement carries its values).
 */
export function statementParts(
  sql: string | { text: string; values?: readonly unknown[] },
  params: readonly unknown[] | undefined,
  operation: string,
): { text: string; values: readonly unknown[] } {
  if (typeof sql === 'string') return { text: sql, values: params ?? [] };
  if (sql.values === undefined) return { text: sql.text, values: params ?? [] };
  if (params !== undefined && params.length > 0)
    throw new InvalidInputError(
      `[memory/db] ${operation}: the statement carries its values; pass none beside it (or pass the text and the values)`,
    );
  return { text: sql.text, values: sql.values };
}

/** Sends one statement of a transaction and returns its rows. */
export type SendStatement = (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** Runs `fn` with a {@link SqlTransaction} over `send` that refuses statements once `fn` has settled. */
export async function runWithTransaction<T>(fn: (tx: SqlTransaction) => Promise<T>, send: SendStatement): Promise<T> {
  let open = true;
  const tx: SqlTransaction = {
    query: async <R extends object>(sql: string | SqlStatement, params?: readonly unknown[]): Promise<R[]> => {
      if (!open)
        throw new InvalidInputError(
          '[memory/db] transaction: this transaction has ended; send statements only while its function runs',
        );
      const { text, values } = statementParts(sql, params, 'transaction query');
      return (await send(text, values)) as R[];
    },
  };
  try {
    return await fn(tx);
  } finally {
    open = false;
  }
}

/**
 * Runs `fn` in a transaction on one pooled `pg` client: BEGIN, the statements, COMMIT (ROLLBACK
 * when `fn` throws), then the client goes back to the pool, destroyed when the ROLLBACK failed.
 *
 * Written out because `pg` has no transaction helper, and this is the path the append benchmark
 * holds against hand-written `pg`: going through MikroORM's Kysely (`transaction().execute()`)
 * would put its query executor and connection provider between every statement and the client.
 *
 * `mapError` turns a driver error into the typed one; `check` validates a statement's parameters;
 * `release` hands the client back (destroyed when given an error), and must do nothing for a client
 * the pool already took back after its connection ended.
 */
export async function runPgTransaction<T>(
  client: PoolClient,
  fn: (tx: SqlTransaction) => Promise<T>,
  mapError: (error: unknown, operation: string) => unknown,
  check: (params: readonly unknown[]) => void,
  release: (client: PoolClient, error?: Error) => void,
): Promise<T> {
  const send: SendStatement = async (sql, params) => {
    check(params);
    try {
      return (await client.query(sql, [...params])).rows as Record<string, unknown>[];
    } catch (error) {
      throw mapError(error, 'query');
    }
  };
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await runWithTransaction(fn, send);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // After a failed COMMIT the server has already rolled back; ROLLBACK then only warns.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw mapError(error, 'transaction');
  } finally {
    release(client, broken);
  }
}
