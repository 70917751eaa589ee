import { isPlainObject } from './json-value.js';
import type { SqlParams } from './sql-params.js';

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
 * const params = new SqlParams();
 * const set = mergePatchSql('metadata', { theme: 'dark', draft: null }, params);
 * // UPDATE sessions SET metadata = ${set} WHERE id = ...
 * ```
 */
export function mergePatchSql(target: string, patch: Record<string, unknown>, params: SqlParams): string {
  const removed: string[] = [];
  const replaced: Record<string, unknown> = {};
  const nested: Array<[string, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) removed.push(key);
    else if (isPlainObject(value)) nested.push([key, value]);
    else replaced[key] = value;
  }
  let expr = `(CASE WHEN jsonb_typeof(${target}) = 'object' THEN ${target} ELSE '{}'::jsonb END)`;
  if (removed.length > 0) expr = `(${expr} - ${params.add(removed)}::text[])`;
  if (Object.keys(replaced).length > 0) expr = `(${expr} || ${params.add(JSON.stringify(replaced))}::jsonb)`;
  for (const [key, value] of nested) {
    const keyParam = `${params.add(key)}::text`;
    expr = `(${expr} || jsonb_build_object(${keyParam}, ${mergePatchSql(`(${target} -> ${keyParam})`, value, params)}))`;
  }
  return expr;
}
