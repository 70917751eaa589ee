import { ConflictError } from '@memory/errors';
import {
  DEFAULT_CONTENT_TYPE,
  checkPutOptions,
  md5Etag,
  objectTooLarge,
  readLimit,
  sameEtag,
  toBytes,
} from './body.js';
import { compareKeys, validateObjectKey } from './keys.js';
import type {
  GetObjectOptions,
  LongTermStorage,
  ObjectBody,
  ObjectHead,
  PutObjectOptions,
  PutObjectResult,
  StorageCapabilities,
} from './types.js';

/** Options of {@link InMemoryLongTermStorage}. */
export interface InMemoryLongTermStorageOptions {
  /**
   * Honour `ifMatch` / `ifNoneMatch` (default `true`). Set `false` to behave like a backend
   * without conditional writes, which refuses them with `UnsupportedError`: useful to test
   * code paths meant for such backends.
   */
  conditionalWrites?: boolean;
}

interface StoredObject {
  bytes: Uint8Array;
  etag: string;
  contentType: string;
  lastModified: Date;
}

/**
 * Keeps objects in a `Map` inside the process: for tests and local development, and the
 * backend `createLongTermStorage()` returns when nothing is configured (as the original did).
 * Bodies are copied in and out, so callers cannot change stored bytes by mutating a buffer.
 * Conditional writes are atomic (the check and the write happen without an `await` between).
 *
 * @example
 * ```ts
 * const storage = new InMemoryLongTermStorage();
 * const { etag } = await storage.putObject(profileKey('u1'), '{"user_id":"u1"}', { contentType: 'application/json' });
 * await storage.putObject(profileKey('u1'), '{"user_id":"u1","traits":{}}', { ifMatch: etag });
 * ```
 */
export class InMemoryLongTermStorage implements LongTermStorage {
  readonly capabilities: StorageCapabilities;
  readonly #objects = new Map<string, StoredObject>();

  constructor(options: InMemoryLongTermStorageOptions = {}) {
    this.capabilities = { conditionalWrites: options.conditionalWrites ?? true };
  }

  /** Number of stored objects. */
  get size(): number {
    return this.#objects.size;
  }

  async getObject(key: string, options?: GetObjectOptions): Promise<Uint8Array | null> {
    validateObjectKey(key);
    const max = readLimit(options, 'memory');
    const found = this.#objects.get(key);
    if (found && max !== undefined && found.bytes.byteLength > max)
      throw objectTooLarge('memory', key, found.bytes.byteLength, max);
    return found ? new Uint8Array(found.bytes) : null;
  }

  async putObject(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    validateObjectKey(key);
    checkPutOptions(options, this.capabilities.conditionalWrites, 'memory');
    const bytes = toBytes(body, true);
    const current = this.#objects.get(key);
    if (options.ifNoneMatch === '*' && current) {
      throw new ConflictError(`[memory/memory] object "${key}" already exists (ifNoneMatch '*')`, { details: { key } });
    }
    if (options.ifMatch !== undefined && (!current || !sameEtag(options.ifMatch, current.etag))) {
      throw new ConflictError(
        `[memory/memory] object "${key}" ${current ? 'changed' : 'does not exist'} (ifMatch ${options.ifMatch}): re-read and retry`,
        { details: { key, ifMatch: options.ifMatch } },
      );
    }
    const etag = md5Etag(bytes);
    this.#objects.set(key, {
      bytes,
      etag,
      contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      lastModified: new Date(),
    });
    return { etag };
  }

  async deleteObject(key: string): Promise<void> {
    validateObjectKey(key);
    this.#objects.delete(key);
  }

  async headObject(key: string): Promise<ObjectHead | null> {
    validateObjectKey(key);
    const found = this.#objects.get(key);
    if (!found) return null;
    return {
      etag: found.etag,
      size: found.bytes.byteLength,
      lastModified: new Date(found.lastModified),
      contentType: found.contentType,
    };
  }

  async listPrefix(prefix: string): Promise<string[]> {
    return [...this.#objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
  }

  async *iteratePrefix(prefix: string): AsyncIterable<string> {
    yield* await this.listPrefix(prefix);
  }

  /** Removes every object. */
  clear(): void {
    this.#objects.clear();
  }
}
