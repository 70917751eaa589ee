import { isPlainObject } from './json-value.js';
import { sql, type Sql } from '@memory/db';

/**
 * Builds a SQL expression that applies a JSON merge patch (RFC 7396) to the jsonb value of
 * `target` (a column or an expression), for `UPDATE ... SET metadata = <expression>`.
 *
 * Because the whole merge happens inside one `UPDATE`, it is atomic: under READ COMMITTED a
 * concurrent `UPDATE` of the same row makes PostgreSQL re-evaluate the expression on the newly
 * committed value, so two patches of different keys both survive. No read-modify-write in the
 * application, no function installed in the database.
 *
 * Semantics, level by level: a key whose patch value is `null` is removed; a key whose patch
 * value is an object is merged recursively (into `{}` when the current value is not an object);
 * any other value (string, number, boolean, array) replaces the current one. A current value
 * that is not an object (SQL `NULL`, a scalar) is treated as `{}`, as the RFC says.
 *
 * The SQL grows with the size of the patch, not of the stored document; every key and value is
 * a parameter.
 *
 * @example
 * ```ts
 * const set = mergePatchSql(sql.raw('metadata'), { theme: 'dark', draft: null });
 * const statement = sql`UPDATE sessions SET metadata = ${set} WHERE id = ${id}::uuid`;
 * ```
 */
export function mergePatchSql(target: Sql, patch: Record<string, unknown>): Sql {
  const removed: string[] = [];
  const replaced: Record<string, unknown> = {};
  const nested: Array<[string, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) removed.push(key);
    else if (isPlainObject(value)) nested.push([key, value]);
    else replaced[key] = value;
  }
  // `target` appears several times; its parameters are `sql.param`s, bound once.
  let expr = sql`(CASE WHEN jsonb_typeof(${target}) = 'object' THEN ${target} ELSE '{}'::jsonb END)`;
  if (removed.length > 0) expr = sql`(${expr} - ${removed}::text[])`;
  if (Object.keys(replaced).length > 0) expr = sql`(${expr} || ${JSON.stringify(replaced)}::jsonb)`;
  for (const [key, value] of nested) {
    const keyParam = sql`${sql.param(key)}::text`;
    expr = sql`(${expr} || jsonb_build_object(${keyParam}, ${mergePatchSql(sql`(${target} -> ${keyParam})`, value)}))`;
  }
  return expr;
}
