import { randomFillSync } from 'node:crypto';
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

/** Random bytes drawn 16 at a time from one buffer, refilled every {@link RANDOM_IDS} ids. */
const RANDOM_IDS = 256;
const random = Buffer.alloc(16 * RANDOM_IDS);
let nextRandom = RANDOM_IDS;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new version 7 UUID (RFC 9562: the Unix time in milliseconds in the first 48 bits, then 74
 * random bits), for rows whose caller gave no id. Time-ordered ids go into the right edge of the
 * primary key's B-tree instead of a random leaf: on a table larger than memory, an insert does not
 * read a random index page, and after a checkpoint it does not log a full-page image of one (an
 * append into a 120k-message table wrote three times the WAL of one with a v4 id: README, "What
 * an append costs"). Ids are unique by their random bits, not by their order; the time in them is
 * the creation time the row stores anyway.
 */
export function newId(): string {
  if (nextRandom === RANDOM_IDS) {
    randomFillSync(random);
    nextRandom = 0;
  }
  const o = 16 * nextRandom++;
  const ms = Date.now();
  const high = Math.floor(ms / 0x1_0000_0000);
  const b = random;
  return (
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(ms >>> 24) & 0xff]! +
    HEX[(ms >>> 16) & 0xff]! +
    '-' +
    HEX[(ms >>> 8) & 0xff]! +
    HEX[ms & 0xff]! +
    '-' +
    HEX[0x70 | (b[o + 6]! & 0x0f)]! +
    HEX[b[o + 7]!]! +
    '-' +
    HEX[0x80 | (b[o + 8]! & 0x3f)]! +
    HEX[b[o + 9]!]! +
    '-' +
    HEX[b[o + 10]!]! +
    HEX[b[o + 11]!]! +
    HEX[b[o + 12]!]! +
    HEX[b[o + 13]!]! +
    HEX[b[o + 14]!]! +
    HEX[b[o + 15]!]!
  );
}
