import type { EntityMetadata, EventArgs } from '@mikro-orm/core';
import { InvalidInputError } from '@memory/errors';
import { validateEmbedding } from './embedding.js';
import { VectorType } from './vector-type.js';

/**
 * Returns the JSON-path-like location of the first string (value or object key) in `value`
 * that holds a NUL character (`\u0000`), or `undefined` when there is none. PostgreSQL cannot
 * store NUL in `text`, `varchar` or `jsonb`.
 *
 * @example
 * ```ts
 * findNul({ a: ['x', 'y\u0000'] }) // '.a[1]'
 * ```
 */
export function findNul(value: unknown, path = ''): string | undefined {
  const at = nulAt(value);
  return at === undefined ? undefined : path + at || '(value)';
}

/** {@link findNul} relative to `value` (`''` for `value` itself); paths are built only for a hit. */
function nulAt(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : undefined;
  if (value === null || typeof value !== 'object' || value instanceof Date) return undefined;
  if (ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Most array items are strings, numbers or null: no call needed to rule them out.
      if (item === null || (typeof item !== 'object' && (typeof item !== 'string' || !item.includes('\u0000'))))
        continue;
      const found = nulAt(item);
      if (found !== undefined) return `[${i}]${found}`;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `.${JSON.stringify(key)} (key)`;
    const found = nulAt(item);
    if (found !== undefined) return `.${key}${found}`;
  }
  return undefined;
}

/**
 * Throws {@link InvalidInputError} naming the field when `value` (a string or a JSON value)
 * holds a NUL character, which PostgreSQL cannot store in text or jsonb. `origin` is the
 * package named at the start of the message.
 */
export function assertNoNul(value: unknown, field: string, origin = 'memory/models'): void {
  const at = findNul(value);
  if (at === undefined) return;
  const where = at === '(value)' ? field : `${field}${at}`;
  throw new InvalidInputError(
    `[${origin}] ${where} contains a NUL character (\\u0000), which PostgreSQL cannot store in text or jsonb: strip or replace it before saving`,
    { details: { field, path: at } },
  );
}

/**
 * Checks every scalar property of an entity before it is written: strings and JSON values
 * must not hold NUL, vectors must have the column's dimension and finite components.
 * Throws {@link InvalidInputError} naming `Entity.property`.
 *
 * The memory entities run it in their `beforeCreate` / `beforeUpdate` hooks; an application
 * can call it from its own entities' hooks.
 */
export function assertStorable<T extends object>(entity: T, meta: EntityMetadata<T>): void {
  for (const prop of meta.props) {
    if (prop.kind !== 'scalar' || prop.persist === false) continue;
    const value = (entity as Record<string, unknown>)[prop.name];
    if (value === null || value === undefined) continue;
    const field = `${meta.className}.${prop.name}`;
    if (prop.customType instanceof VectorType) {
      validateEmbedding(value, prop.customType.dimensions, field);
      continue;
    }
    if (typeof value === 'string' || (typeof value === 'object' && !(value instanceof Date))) {
      assertNoNul(value, field);
    }
  }
}

/** A `beforeCreate` / `beforeUpdate` hook that runs {@link assertStorable}. */
export function validateBeforeWrite(args: EventArgs<object>): void {
  assertStorable(args.entity, args.meta);
}
