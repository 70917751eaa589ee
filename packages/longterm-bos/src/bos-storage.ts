import { createHash } from 'node:crypto';
import {
  ConfigurationError,
  ConflictError,
  InvalidInputError,
  StorageError,
  UnsupportedError,
  redactUrl,
} from '@memory/errors';
import {
  compareKeys,
  objectTooLarge,
  readLimit,
  type GetObjectOptions,
  type ObjectBody,
  type ObjectHead,
  type PutObjectOptions,
  type PutObjectResult,
  type StorageCapabilities,
} from '@memory/longterm-core';
import type { BosClientLike, BosFailure, BosListObjectsBody, BosResponse } from './bos-client-like.js';
import type { BosStorage } from './bos-storage-type.js';
import { BosCallFailure, callWithRetry, isBosFailure } from './call-with-retry.js';
import { checkEndpoint, createBosClient } from './create-bos-client.js';
import { normalizePrefix, toBosKey } from './object-key.js';
import {
  DEFAULT_BOS_ENDPOINT,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type BosStorageOptions,
} from './bos-storage-options.js';
import { toStorageError, type CallContext } from './to-storage-error.js';

/**
 * What {@link BosObjectStorage} can do beyond the required methods. BOS has a create-only write
 * (`x-bce-forbid-overwrite: true`) but no compare-and-swap on PutObject, so `conditionalWrites`
 * (both `ifMatch` and `ifNoneMatch`, atomically) is `false` while `ifNoneMatch` is `true`.
 */
export interface BosStorageCapabilities extends StorageCapabilities {
  /** Always `false`: BOS PutObject cannot compare etags, so `ifMatch` throws `UnsupportedError`. */
  readonly conditionalWrites: false;
  /** Always `true`: `ifNoneMatch: '*'` is done atomically by BOS (`x-bce-forbid-overwrite`). */
  readonly ifNoneMatch: true;
}

const SOURCE = 'bos';
const PAGE_SIZE = 1000;

function toBuffer(body: ObjectBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new InvalidInputError(`[memory/bos] object body must be a string or Uint8Array, got ${typeof body}`);
}

function quoteEtag(etag: string): string {
  const bare = etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  return `"${bare}"`;
}

/**
 * Long-term storage on Baidu Object Storage (BOS), through the official `@baiducloud/sdk`
 * `BosClient`. Implements `LongTermStorage` from `@memory/longterm-core`. Built by
 * `createBosStorage`, which returns it as the {@link BosStorage} interface (the class is not exported).
 *
 * - `getObject` / `headObject` answer `null` for a missing key; a missing bucket is a
 *   `StorageError` ("bucket ... not found at ...: create it or check endpoint"), never `null`.
 * - Listing pages with BOS's marker, 1000 keys a request, and returns keys sorted by UTF-8 bytes.
 * - Each HTTP attempt is aborted after `requestTimeoutMs`; 5xx, throttling, timeouts and dropped
 *   connections are retried up to `maxAttempts` with exponential backoff and jitter.
 * - `ifNoneMatch: '*'` is atomic (`x-bce-forbid-overwrite`); `ifMatch` throws `UnsupportedError`
 *   because BOS PutObject has no compare-and-swap. See {@link BosStorageCapabilities}.
 * - Failures are `StorageError` with `bucket`, `key`, `status`, `code`, `requestId` in `details`.
 *
 * The SDK client is built on first use and reachable as {@link BosObjectStorage.client}.
 *
 * @example
 * ```ts
 * import { createBosStorage } from '@memory/longterm-bos';
 *
 * const storage = createBosStorage({
 *   bucket: 'memory-prod',
 *   accessKey: process.env.BOS_ACCESS_KEY!,
 *   secretKey: process.env.BOS_SECRET_KEY!,
 * });
 * await storage.putObject('profiles/u123.json', JSON.stringify(profile), { contentType: 'application/json' });
 * const bytes = await storage.getObject('profiles/u123.json'); // Uint8Array | null
 * ```
 */
export class BosObjectStorage implements BosStorage {
  /** See {@link BosStorageCapabilities}. */
  readonly capabilities: BosStorageCapabilities = Object.freeze({ conditionalWrites: false, ifNoneMatch: true });
  /** The bucket objects live in. */
  readonly bucket: string;
  /** The key prefix inside the bucket (`''` or ending in `/`). */
  readonly prefix: string;
  /** The endpoint, with any credentials in it masked (for messages). */
  readonly endpoint: string;

  readonly #options: BosStorageOptions;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  #client: BosClientLike | undefined;
  #bucketChecked: Promise<void> | undefined;

  /**
   * Checks the options (throwing `ConfigurationError` or `InvalidInputError`) without any network
   * call; the SDK client is built on first use.
   */
  constructor(options: BosStorageOptions) {
    if (!options || typeof options.bucket !== 'string' || options.bucket.length === 0) {
      throw new ConfigurationError('[memory/bos] bucket is required: pass { bucket: "name" }');
    }
    if (!options.client && (!options.accessKey || !options.secretKey)) {
      throw new ConfigurationError(
        `[memory/bos] accessKey and secretKey are required for bucket "${options.bucket}" (or pass a ready client)`,
      );
    }
    const endpoint = options.client?.config.endpoint ?? options.endpoint ?? DEFAULT_BOS_ENDPOINT;
    if (!options.client) checkEndpoint(endpoint);
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new ConfigurationError(`[memory/bos] requestTimeoutMs must be a positive number of ms, got ${timeoutMs}`);
    }
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new ConfigurationError(`[memory/bos] maxAttempts must be an integer of at least 1, got ${maxAttempts}`);
    }
    this.#options = options;
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.endpoint = redactUrl(endpoint).replace(/\/+$/, '');
    this.#timeoutMs = timeoutMs;
    this.#maxAttempts = maxAttempts;
    this.#client = options.client;
  }

  /**
   * The `@baiducloud/sdk` `BosClient` underneath, built on first access: for BOS features this
   * contract does not cover (ACLs, lifecycle, presigned URLs). Keys you pass it are not prefixed.
   */
  get client(): BosClientLike {
    if (!this.#client) {
      this.#client = createBosClient({
        endpoint: this.#options.endpoint ?? DEFAULT_BOS_ENDPOINT,
        accessKey: this.#options.accessKey ?? '',
        secretKey: this.#options.secretKey ?? '',
      });
    }
    return this.#client;
  }

  /**
   * The object's bytes, or `null` when there is no object under `key`. With `maxBytes`, the size
   * is read first (a HEAD request) and an object over the limit is refused without being
   * downloaded: the SDK buffers a whole body, so only an object replaced by a larger one between
   * the two requests is downloaded before it is refused.
   */
  async getObject(key: string, options?: GetObjectOptions): Promise<Uint8Array | null> {
    const bosKey = toBosKey(this.prefix, key);
    const max = readLimit(options, 'bos');
    if (max !== undefined) {
      const head = await this.headObject(key);
      if (head === null) return null;
      if (head.size > max) throw objectTooLarge('bos', bosKey, head.size, max);
    }
    const context = this.#context(`reading "${bosKey}"`, bosKey);
    let body: Buffer;
    try {
      ({
        value: { body },
      } = await this.#call((config) => this.client.getObject(this.bucket, bosKey, undefined, { config })));
    } catch (error) {
      await this.#notFoundOrThrow(error, context);
      return null;
    }
    if (max !== undefined && body.byteLength > max) throw objectTooLarge('bos', bosKey, body.byteLength, max);
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }

  /** The object's metadata, or `null` when missing. */
  async headObject(key: string): Promise<ObjectHead | null> {
    const bosKey = toBosKey(this.prefix, key);
    const context = this.#context(`reading metadata of "${bosKey}"`, bosKey);
    let response: BosResponse;
    try {
      ({ value: response } = await this.#call((config) =>
        this.client.getObjectMetadata(this.bucket, bosKey, { config }),
      ));
    } catch (error) {
      await this.#notFoundOrThrow(error, context);
      return null;
    }
    const headers = response.http_headers;
    const head: ObjectHead = {
      etag: quoteEtag(headers.etag ?? ''),
      size: Number(headers['content-length'] ?? 0),
      lastModified: headers['last-modified'] ? new Date(headers['last-modified']) : new Date(0),
    };
    if (headers['content-type']) head.contentType = headers['content-type'];
    return head;
  }

  /**
   * Writes `body` under `key`; strings are stored as UTF-8. `ifNoneMatch: '*'` writes only when
   * the key is free (else `ConflictError`); `ifMatch` throws `UnsupportedError` (no
   * compare-and-swap on BOS).
   */
  async putObject(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    const bosKey = toBosKey(this.prefix, key);
    const createOnly = this.#checkConditions(options);
    const bytes = toBuffer(body);
    const md5 = createHash('md5').update(bytes).digest();
    const headers: Record<string, string> = {
      'Content-Type': options.contentType ?? 'application/octet-stream',
      'Content-MD5': md5.toString('base64'),
    };
    if (createOnly) headers['x-bce-forbid-overwrite'] = 'true';
    const context = this.#context(`writing "${bosKey}"`, bosKey);
    try {
      const { value } = await this.#call((config) =>
        this.client.putObject(this.bucket, bosKey, bytes, { ...headers, config }),
      );
      return { etag: quoteEtag(value.http_headers.etag ?? md5.toString('hex')) };
    } catch (error) {
      if (createOnly && error instanceof BosCallFailure && isExistsConflict(error.failure)) {
        // A retried create-only write may hit the object its own lost first attempt created.
        if (error.attempts > 1) {
          const head = await this.headObject(key);
          if (head && head.etag === quoteEtag(md5.toString('hex'))) return { etag: head.etag };
        }
        throw new ConflictError(
          `[memory/bos] "${bosKey}" already exists in bucket "${this.bucket}" (ifNoneMatch: '*'): read it, or write without ifNoneMatch`,
          {
            cause: error.failure,
            details: {
              bucket: this.bucket,
              key: bosKey,
              status: (error.failure as BosFailure).status_code,
              code: (error.failure as BosFailure).code,
            },
          },
        );
      }
      throw toStorageError(error, context);
    }
  }

  /** Removes the object; removing a missing key succeeds. */
  async deleteObject(key: string): Promise<void> {
    const bosKey = toBosKey(this.prefix, key);
    const context = this.#context(`deleting "${bosKey}"`, bosKey);
    try {
      await this.#call((config) => this.client.deleteObject(this.bucket, bosKey, { config }));
    } catch (error) {
      await this.#notFoundOrThrow(error, context);
    }
  }

  /** Every key under `prefix` (relative to the storage prefix), sorted by UTF-8 bytes. */
  async listPrefix(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of this.iteratePrefix(prefix)) keys.push(key);
    return keys.sort(compareKeys);
  }

  /** The keys under `prefix`, fetched 1000 a request with BOS's marker, in BOS's (UTF-8 byte) order. */
  async *iteratePrefix(prefix: string): AsyncIterable<string> {
    if (typeof prefix !== 'string') {
      throw new InvalidInputError(`[memory/bos] list prefix must be a string, got ${typeof prefix}`);
    }
    const fullPrefix = this.prefix + prefix;
    const context = this.#context(`listing "${fullPrefix}"`, undefined);
    let marker: string | undefined;
    for (;;) {
      const params: Record<string, unknown> = { maxKeys: PAGE_SIZE };
      if (fullPrefix) params.prefix = fullPrefix;
      if (marker !== undefined) params.marker = marker;
      let page: BosListObjectsBody;
      try {
        ({
          value: { body: page },
        } = await this.#call((config) => this.client.listObjects(this.bucket, { ...params, config })));
      } catch (error) {
        throw toStorageError(error, context);
      }
      const contents = page.contents ?? [];
      for (const item of contents) {
        if (item.key.startsWith(this.prefix)) yield item.key.slice(this.prefix.length);
      }
      if (!page.isTruncated) return;
      const next = page.nextMarker || contents.at(-1)?.key;
      if (!next || next === marker) {
        throw new StorageError(
          `[memory/bos] ${context.action} in bucket "${this.bucket}" at ${this.endpoint}: BOS said the listing is truncated but gave no next marker`,
          {
            details: { bucket: this.bucket, prefix: fullPrefix, marker },
          },
        );
      }
      marker = next;
    }
  }

  #checkConditions(options: PutObjectOptions): boolean {
    const { ifMatch, ifNoneMatch } = options;
    if (ifMatch !== undefined && ifNoneMatch !== undefined) {
      throw new InvalidInputError('[memory/bos] pass either ifMatch or ifNoneMatch, not both');
    }
    if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
      throw new InvalidInputError(`[memory/bos] ifNoneMatch must be '*', got ${JSON.stringify(ifNoneMatch)}`);
    }
    if (ifMatch !== undefined) {
      throw new UnsupportedError(
        "[memory/bos] BOS cannot compare-and-swap (PutObject has no If-Match): ifMatch is refused rather than ignored; check storage.capabilities.conditionalWrites, or use ifNoneMatch: '*' for create-only writes",
        { details: { bucket: this.bucket, source: SOURCE } },
      );
    }
    return ifNoneMatch === '*';
  }

  #call<T>(run: (config: object) => PromiseLike<T>): Promise<{ value: T; attempts: number }> {
    return callWithRetry(this.client, run, { timeoutMs: this.#timeoutMs, maxAttempts: this.#maxAttempts });
  }

  #context(action: string, key: string | undefined): CallContext {
    const context: CallContext = { action, bucket: this.bucket, endpoint: this.endpoint, timeoutMs: this.#timeoutMs };
    if (key !== undefined) context.key = key;
    return context;
  }

  /**
   * Returns when `error` means "no such object" and throws a typed error otherwise. A 404 without
   * a BOS error code (HEAD answers have no body) could also mean a missing bucket, so the bucket
   * is checked once per storage instance before trusting it.
   */
  async #notFoundOrThrow(error: unknown, context: CallContext): Promise<void> {
    const failure = error instanceof BosCallFailure ? error.failure : error;
    if (!isBosFailure(failure) || failure.status_code !== 404 || failure.code === 'NoSuchBucket') {
      throw toStorageError(error, context);
    }
    if (failure.code === 'NoSuchKey') return;
    await this.#checkBucket(context);
  }

  #checkBucket(context: CallContext): Promise<void> {
    const check = (this.#bucketChecked ??= (async () => {
      let exists: boolean;
      try {
        ({ value: exists } = await this.#call((config) => this.client.headBucket(this.bucket, { config })));
      } catch (error) {
        throw toStorageError(error, { ...context, action: `checking bucket "${this.bucket}"` });
      }
      if (!exists) throw toStorageError({ status_code: 404, code: 'NoSuchBucket' } satisfies BosFailure, context);
    })());
    // Remember only a bucket that was found; a failed check is retried by the next call.
    check.catch(() => {
      if (this.#bucketChecked === check) this.#bucketChecked = undefined;
    });
    return check;
  }
}

function isExistsConflict(failure: unknown): boolean {
  return isBosFailure(failure) && (failure.status_code === 409 || failure.status_code === 412);
}
