import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@memory/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID string in the canonical 8-4-4-4-12 form (any version). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Returns `value` lower-cased when it is a canonical UUID, so it compares equal to the ids
 * PostgreSQL returns; throws `InvalidInputError` naming `field` otherwise.
 */
export function normalizeUuid(value: unknown, field: string): string {
  if (!isUuid(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
    throw new InvalidInputError(`[memory/conversations] ${field} must be a UUID (8-4-4-4-12 hex), got ${shown}`, {
      details: { field },
    });
  }
  return value.toLowerCase();
}

/** A new random (version 4) UUID, for rows whose caller gave no id. */
export function newId(): string {
  return randomUUID();
}
