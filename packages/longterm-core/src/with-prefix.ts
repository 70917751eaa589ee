import { InvalidInputError } from '@memory/errors';
import type {
  GetObjectOptions,
  LongTermStorage,
  ObjectBody,
  ObjectHead,
  PutObjectOptions,
  PutObjectResult,
  StorageCapabilities,
} from './types.js';

/**
 * Normalizes a key prefix the way every backend does: leading `/` removed, a trailing `/` added
 * when missing, so `long_term` and `/long_term/` both mean the folder `long_term/`. An empty
 * prefix stays empty.
 */
export function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string' || prefix.includes('\0')) {
    throw new InvalidInputError('[memory/longterm] prefix must be a string without NUL');
  }
  const trimmed = prefix.replace(/^\/+/, '');
  if (trimmed === '') return '';
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/**
 * A view of `storage` in which every key lives under `prefix` (for a bucket shared with other
 * data, e.g. `long_term/`): `getObject('profiles/u1.json')` reads `long_term/profiles/u1.json`,
 * and listings return keys relative to the prefix. Conditional writes and capabilities pass
 * through unchanged.
 *
 * @example
 * ```ts
 * const storage = withPrefix(new InMemoryLongTermStorage(), 'long_term');
 * await storage.putObject('profiles/u1.json', '{}'); // stored as long_term/profiles/u1.json
 * ```
 */
export function withPrefix(storage: LongTermStorage, prefix: string): PrefixedLongTermStorage {
  return new PrefixedLongTermStorage(storage, prefix);
}

/** The storage {@link withPrefix} returns; `inner` is the wrapped backend. */
export class PrefixedLongTermStorage implements LongTermStorage {
  /** The normalized prefix, ending in `/` (or empty). */
  readonly prefix: string;

  constructor(
    /** The wrapped backend, which sees full keys. */
    readonly inner: LongTermStorage,
    prefix: string,
  ) {
    this.prefix = normalizePrefix(prefix);
  }

  get capabilities(): StorageCapabilities {
    return this.inner.capabilities;
  }

  async getObject(key: string, options?: GetObjectOptions): Promise<Uint8Array | null> {
    return this.inner.getObject(this.#full(key), options);
  }

  async putObject(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<PutObjectResult> {
    return this.inner.putObject(this.#full(key), body, options);
  }

  async deleteObject(key: string): Promise<void> {
    return this.inner.deleteObject(this.#full(key));
  }

  async headObject(key: string): Promise<ObjectHead | null> {
    return this.inner.headObject(this.#full(key));
  }

  async listPrefix(prefix: string): Promise<string[]> {
    const keys = await this.inner.listPrefix(this.prefix + prefix);
    return keys.map((k) => k.slice(this.prefix.length));
  }

  async *iteratePrefix(prefix: string): AsyncIterable<string> {
    for await (const key of this.inner.iteratePrefix(this.prefix + prefix)) yield key.slice(this.prefix.length);
  }

  #full(key: string): string {
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidInputError('[memory/longterm] object key must be a non-empty string');
    }
    return this.prefix + key;
  }
}
