import { InvalidInputError } from '@memory/errors';
import { v7 as uuidv7 } from 'uuid';

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

/**
 * A new version 7 UUID (RFC 9562, from the `uuid` package: the Unix time in milliseconds in the
 * first 48 bits, then a counter and random bits), for rows whose caller gave no id. Time-ordered ids go into the right edge of the
 * primary key's B-tree instead of a random leaf: on a table larger than memory, an insert does not
 * read a random index page, and after a checkpoint it does not log a full-page image of one (an
 * append into a 120k-message table wrote three times the WAL of one with a v4 id: README, "What
 * an append costs"). Ids are unique by their random bits, not by their order; the time in them is
 * the creation time the row stores anyway.
 */
export function newId(): string {
  return uuidv7();
}
