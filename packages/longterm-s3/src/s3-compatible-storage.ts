import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { ConflictError, InvalidInputError, StorageError, redactUrl } from '@memory/errors';
import {
  DEFAULT_CONTENT_TYPE,
  checkPutOptions,
  normalizePrefix,
  objectTooLarge,
  readLimit,
  toBytes,
  validateObjectKey,
  type GetObjectOptions,
  type ObjectBody,
  type ObjectHead,
  type PutObjectOptions,
  type PutObjectResult,
  type StorageCapabilities,
} from '@memory/longterm-core';
import {
  DEFAULT_S3_CONNECTION_TIMEOUT_MS,
  DEFAULT_S3_MAX_ATTEMPTS,
  DEFAULT_S3_REGION,
  DEFAULT_S3_REQUEST_TIMEOUT_MS,
  type S3CompatibleStorageOptions,
} from './s3-storage-options.js';
import type { S3Storage } from './s3-storage.js';
import { describeS3Error, toStorageError, type S3CallContext } from './to-storage-error.js';

/**
 * Long-term storage in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2...) through the AWS
 * SDK v3. Reads everything the original's boto3 backend wrote and writes what it can read: the
 * same keys, bodies and content types.
 *
 * - Path-style requests when an endpoint is given (MinIO), virtual-hosted on AWS.
 * - Credentials from the options, else the SDK's default chain. They never appear in errors.
 * - Each attempt has a timeout; 5xx answers, throttling, timeouts and dropped connections are
 *   retried with backoff (`maxAttempts`).
 * - Conditional writes send `If-Match` / `If-None-Match`; a failed precondition (412, 409
 *   ConditionalRequestConflict, or AWS's 404 for `If-Match` on a missing key) is a `ConflictError`.
 * - A missing key reads as `null`; every other failure is a `StorageError` with `details`
 *   `{ bucket, key, endpoint, status, code, attempts }`.
 *
 * The `S3Client` is built on first use; reach it as {@link S3CompatibleStorage.client}. Built by
 * `createS3Storage`, which returns it as the {@link S3Storage} interface (the class is not exported).
 *
 * @example
 * ```ts
 * const storage = createS3Storage({
 *   bucket: 'memory-long-term',
 *   endpointUrl: 'http://localhost:9000',
 *   accessKey: 'minioadmin',
 *   secretKey: 'minioadmin',
 *   prefix: 'long_term/',
 * });
 * await storage.putObject('profiles/u1.json', '{"user_id":"u1"}', { contentType: 'application/json' });
 * ```
 */
export class S3CompatibleStorage implements S3Storage {
  readonly capabilities: StorageCapabilities;
  /** The bucket objects live in. */
  readonly bucket: string;
  /** The normalized key prefix (ending in `/`), or `''`. */
  readonly prefix: string;
  readonly #options: S3CompatibleStorageOptions;
  readonly #endpointLabel: string;
  readonly #requestTimeoutMs: number;
  #client: S3Client | undefined;
  /** Whether the bucket has been seen to exist (any answer that only an existing bucket gives). */
  #bucketSeen = false;

  constructor(options: S3CompatibleStorageOptions) {
    if (!options || typeof options.bucket !== 'string' || options.bucket.length === 0) {
      throw new InvalidInputError('[memory/s3] a bucket name is required: createS3Storage({ bucket, ... })');
    }
    for (const [name, value] of [
      ['requestTimeoutMs', options.requestTimeoutMs],
      ['connectionTimeoutMs', options.connectionTimeoutMs],
      ['maxAttempts', options.maxAttempts],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        throw new InvalidInputError(`[memory/s3] ${name} must be a positive integer, got ${String(value)}`);
      }
    }
    if (!options.client && Boolean(options.accessKey) !== Boolean(options.secretKey)) {
      throw new InvalidInputError(
        '[memory/s3] pass both accessKey and secretKey, or neither (to use the AWS default credential chain)',
      );
    }
    this.#options = { ...options };
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.capabilities = { conditionalWrites: options.conditionalWrites ?? true };
    this.#endpointLabel = options.endpointUrl
      ? endpointLabel(options.endpointUrl)
      : `AWS (${options.region ?? DEFAULT_S3_REGION})`;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_S3_REQUEST_TIMEOUT_MS;
    this.#client = options.client;
  }

  /** The underlying `S3Client`, built on first use from the options (or the one passed in). */
  get client(): S3Client {
    this.#client ??= new S3Client(this.#clientConfig());
    return this.#client;
  }

  #clientConfig(): S3ClientConfig {
    const o = this.#options;
    const config: S3ClientConfig = {
      region: o.region ?? DEFAULT_S3_REGION,
      maxAttempts: o.maxAttempts ?? DEFAULT_S3_MAX_ATTEMPTS,
      retryMode: 'standard',
      requestHandler: {
        requestTimeout: this.#requestTimeoutMs,
        connectionTimeout: o.connectionTimeoutMs ?? DEFAULT_S3_CONNECTION_TIMEOUT_MS,
        // Without this the SDK only logs a warning when a request outlives requestTimeout.
        throwOnRequestTimeout: true,
      },
      // S3-compatible stores differ in which of the SDK's newer checksum headers they accept;
      // send them only where an operation requires them (the payload is still SigV4-signed).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (o.endpointUrl) {
      config.endpoint = o.endpointUrl;
      config.forcePathStyle = o.forcePathStyle ?? true;
    } else if (o.forcePathStyle !== undefined) {
      config.forcePathStyle = o.forcePathStyle;
    }
    if (o.accessKey && o.secretKey) {
      config.credentials = {
        accessKeyId: o.accessKey,
        secretAccessKey: o.secretKey,
        ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}),
      };
    }
    return config;
  }

  async getObject(key: string, options?: GetObjectOptions): Promise<Uint8Array | null> {
    const full = this.#key(key);
    const max = readLimit(options, 's3');
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: full }));
      this.#bucketSeen = true;
      if (!out.Body) return new Uint8Array(0);
      if (max === undefined) return await out.Body.transformToByteArray();
      const body = out.Body as AsyncIterable<Uint8Array> & { destroy?: () => void };
      // Refused by the response's length before its body is read; counted while reading when the
      // length is missing (or wrong), so no more than max bytes of it are ever held.
      if (out.ContentLength !== undefined && out.ContentLength > max) {
        body.destroy?.();
        throw objectTooLarge('s3', full, out.ContentLength, max);
      }
      // Into one buffer of the announced length (grown if the length was missing), so the object
      // is held once rather than as chunks plus their concatenation.
      let bytes = new Uint8Array(out.ContentLength ?? 64 * 1024);
      let length = 0;
      for await (const chunk of body) {
        if (length + chunk.byteLength > max) {
          body.destroy?.();
          throw objectTooLarge('s3', full, undefined, max);
        }
        if (length + chunk.byteLength > bytes.byteLength) {
          const grown = new Uint8Array(Math.min(Math.max(bytes.byteLength * 2, length + chunk.byteLength), max));
          grown.set(bytes.subarray(0, length));
          bytes = grown;
        }
        bytes.set(chunk, length);
        length += chunk.byteLength;
      }
      return length === bytes.byteLength ? bytes : bytes.slice(0, length);
    } catch (error) {
      if (InvalidInputError.isInstance(error)) throw error;
      if (describeS3Error(error).code === 'NoSuchKey') {
        this.#bucketSeen = true;
        return null;
      }
      throw await this.#fail(error, 'getObject', full);
    }
  }

  async putObject(key: string, body: ObjectBody, options: PutObjectOptions = {}): Promise<PutObjectResult> {
    const full = this.#key(key);
    checkPutOptions(options, this.capabilities.conditionalWrites, 's3');
    const bytes = toBytes(body);
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: full,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
          IfMatch: options.ifMatch,
          IfNoneMatch: options.ifNoneMatch,
        }),
      );
      this.#bucketSeen = true;
      if (!out.ETag) {
        throw new StorageError(
          `[memory/s3] putObject of "${full}" in bucket "${this.bucket}" at ${this.#endpointLabel} returned no ETag: the store is not S3-compatible enough`,
          {
            details: { bucket: this.bucket, key: full, endpoint: this.#endpointLabel },
          },
        );
      }
      return { etag: out.ETag };
    } catch (error) {
      // AWS answers If-Match on a missing key with 404 NoSuchKey: the precondition failed.
      if (options.ifMatch !== undefined && describeS3Error(error).code === 'NoSuchKey') {
        this.#bucketSeen = true;
        throw new ConflictError(
          `[memory/s3] putObject of "${full}" in bucket "${this.bucket}": the object does not exist (ifMatch ${options.ifMatch}): re-read and retry`,
          {
            cause: error,
            details: { bucket: this.bucket, key: full, status: 404, code: 'NoSuchKey', ifMatch: options.ifMatch },
          },
        );
      }
      throw await this.#fail(error, 'putObject', full);
    }
  }

  async deleteObject(key: string): Promise<void> {
    const full = this.#key(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: full }));
      this.#bucketSeen = true;
    } catch (error) {
      if (describeS3Error(error).code === 'NoSuchKey') return;
      throw await this.#fail(error, 'deleteObject', full);
    }
  }

  async headObject(key: string): Promise<ObjectHead | null> {
    const full = this.#key(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: full }));
      this.#bucketSeen = true;
      return {
        etag: out.ETag ?? '',
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified ?? new Date(0),
        contentType: out.ContentType ?? DEFAULT_CONTENT_TYPE,
      };
    } catch (error) {
      const { status, code } = describeS3Error(error);
      // HEAD errors have no body, so a missing bucket looks like a missing key: tell them apart once.
      if (status === 404 || code === 'NotFound' || code === 'NoSuchKey') {
        await this.#assertBucketExists();
        return null;
      }
      throw await this.#fail(error, 'headObject', full);
    }
  }

  async listPrefix(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of this.iteratePrefix(prefix)) keys.push(key);
    return keys;
  }

  /** ListObjectsV2, one page (up to 1000 keys) at a time, keys relative to the storage prefix. */
  async *iteratePrefix(prefix: string): AsyncIterable<string> {
    if (typeof prefix !== 'string') throw new InvalidInputError('[memory/s3] prefix must be a string');
    const full = this.prefix + prefix;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token }),
        );
        this.#bucketSeen = true;
      } catch (error) {
        throw await this.#fail(error, 'listPrefix', full);
      }
      for (const item of page.Contents ?? []) {
        if (item.Key !== undefined && item.Key.startsWith(this.prefix)) yield item.Key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !token) {
        throw await this.#fail(new Error('truncated listing without a continuation token'), 'listPrefix', full);
      }
    } while (token);
  }

  #key(key: string): string {
    validateObjectKey(key);
    const full = this.prefix + key;
    validateObjectKey(full);
    return full;
  }

  #context(operation: S3CallContext['operation'], key?: string): S3CallContext {
    return {
      operation,
      bucket: this.bucket,
      key,
      endpoint: this.#endpointLabel,
      requestTimeoutMs: this.#requestTimeoutMs,
    };
  }

  async #fail(error: unknown, operation: S3CallContext['operation'], key: string) {
    const { status, code } = describeS3Error(error);
    // A 404 without an S3 error code (a proxy, a store without error bodies) may be the bucket.
    if (status === 404 && code !== 'NoSuchBucket') await this.#assertBucketExists();
    return toStorageError(error, this.#context(operation, key));
  }

  async #assertBucketExists(): Promise<void> {
    if (this.#bucketSeen) return;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      this.#bucketSeen = true;
    } catch (error) {
      const { status, code } = describeS3Error(error);
      if (status === 404 || code === 'NotFound' || code === 'NoSuchBucket') {
        throw toStorageError(Object.assign(error as object, { Code: 'NoSuchBucket' }), this.#context('headBucket'));
      }
      // 403 and the like: HeadBucket may be outside the credentials' policy; assume it exists.
      this.#bucketSeen = true;
    }
  }
}

/** The endpoint as it may appear in messages: credentials masked, no slash added. */
function endpointLabel(url: string): string {
  const label = redactUrl(url);
  return !url.endsWith('/') && label.endsWith('/') ? label.slice(0, -1) : label;
}
