import { InvalidInputError } from '@memory/errors';

const MAX_DEPTH = 64;

/**
 * Throws `InvalidInputError` naming the path unless `value` is plain JSON that PostgreSQL can
 * store in `jsonb`: `null`, booleans, finite numbers, strings without NUL (`\u0000`), arrays and
 * plain objects of those, at most 64 levels deep. `undefined`, functions, `NaN`, `Date`, `Map`
 * and class instances are refused instead of being silently dropped or converted by
 * `JSON.stringify`.
 */
export function assertJsonValue(value: unknown, field: string): void {
  const problem = findProblem(value, field, 0);
  if (problem) {
    throw new InvalidInputError(
      `[memory/conversations] ${problem}: pass plain JSON (objects, arrays, strings, finite numbers, booleans, null)`,
      {
        details: { field },
      },
    );
  }
}

/** True for `{}`-style objects (object literals, `Object.create(null)`), not arrays or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function findProblem(value: unknown, path: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} levels deep`;
  switch (typeof value) {
    case 'boolean':
      return undefined;
    case 'string':
      return value.includes('\u0000')
        ? `${path} contains a NUL character (\\u0000), which jsonb cannot store`
        : undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, not a finite number`;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = findProblem(value[i], `${path}[${i}]`, depth + 1);
          if (found) return found;
        }
        return undefined;
      }
      if (!isPlainObject(value))
        return `${path} is a ${value.constructor?.name ?? 'non-plain object'}, not a plain object`;
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path} has a key containing a NUL character (\\u0000)`;
        const found = findProblem(item, `${path}.${key}`, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return `${path} is ${typeof value}, which JSON cannot hold`;
  }
}
