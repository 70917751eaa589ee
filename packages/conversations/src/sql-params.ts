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

/** A statement ready to run: PostgreSQL `$n` placeholders and their values, in order. */
export interface SqlStatement {
  text: string;
  values: unknown[];
  /**
   * A prepared statement name for texts that come back on a hot path (see `MemoryDb.query`);
   * one name, one text. Without it the statement is parsed and planned at every call.
   */
  name?: string;
}
