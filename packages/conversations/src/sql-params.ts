import type { SqlStatement as DbSqlStatement } from '@memory/db';

/**
 * Collects the values of a parameterized statement and hands out their `$n` placeholders, so
 * SQL builders never splice a value into the text. A value added twice gets two placeholders;
 * keep the returned placeholder to refer to one value several times.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder (`$1`, `$2`, ...). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A statement ready to run: `$n` placeholders and their values, in order, with an optional
 * prepared-statement name. It is `SqlStatement` of `@memory/db`, the one shape every store
 * statement is sent in (`db.query(statement)`, `tx.query(statement)`), with its values as the
 * builder's own array.
 */
export interface SqlStatement extends DbSqlStatement {
  values: unknown[];
}
