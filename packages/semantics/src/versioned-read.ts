import { ConflictError, UnsupportedError } from '@memory/errors';
import { objectTooLarge, type LongTermStorage, type PutObjectOptions } from '@memory/longterm-core';

/** An object's bytes together with the etag they belong to (`null`/`null` when missing). */
export interface VersionedObject {
  bytes: Uint8Array | null;
  etag: string | null;
}

/**
 * Reads bytes and an etag that belong together. The contract has no "get with etag", so read
 * head, body, head: when both heads agree nothing changed in between (etags are content hashes
 * or versions, so an equal etag means the bytes are the ones read). A change in between counts
 * as a conflict and the caller's retry loop reads again. An object over `maxBytes` is refused
 * by the backend (`InvalidInputError`) without being read.
 */
export async function readVersioned(storage: LongTermStorage, key: string, maxBytes: number): Promise<VersionedObject> {
  const before = await storage.headObject(key);
  // Known too large from the head already: not worth a GET the backend would refuse.
  if (before && before.size > maxBytes) throw objectTooLarge('semantics', key, before.size, maxBytes);
  const bytes = await storage.getObject(key, { maxBytes });
  const after = await storage.headObject(key);
  if ((before?.etag ?? null) !== (after?.etag ?? null) || (bytes === null) !== (after === null)) {
    throw new ConflictError(`[memory/semantics] ${key} changed while being read`, { details: { key } });
  }
  return { bytes, etag: after?.etag ?? null };
}

/** The write precondition that makes a read-modify-write safe: `ifMatch` or `ifNoneMatch: '*'`. */
export function precondition(etag: string | null): PutObjectOptions {
  return etag === null ? { ifNoneMatch: '*' } : { ifMatch: etag };
}

/** Refuses, before any work, a backend that cannot do compare-and-swap. */
export function requireConditionalWrites(storage: LongTermStorage, what: string): void {
  if (!storage.capabilities.conditionalWrites) {
    throw new UnsupportedError(
      `[memory/semantics] ${what} needs conditional writes (ifMatch), which this storage backend does not offer: use a backend with them, or load and save yourself without protection from lost updates`,
    );
  }
}
