/** Body accepted by {@link LongTermStorage.putObject}: bytes, or a string stored as UTF-8. */
export type ObjectBody = Uint8Array | string;

/** Options of {@link LongTermStorage.putObject}. */
export interface PutObjectOptions {
  /** Stored with the object and returned by `headObject`; default `application/octet-stream`. */
  contentType?: string;
  /**
   * Write only if the object's current etag equals this one (compare-and-swap).
   * A mismatch, or a missing object, throws `ConflictError`. A backend without conditional
   * writes throws `UnsupportedError` instead of ignoring it.
   */
  ifMatch?: string;
  /** `'*'`: write only if no object exists under the key; otherwise `ConflictError`. */
  ifNoneMatch?: '*';
}

/** Options of {@link LongTermStorage.getObject}. */
export interface GetObjectOptions {
  /**
   * Refuse an object larger than this many bytes with `InvalidInputError` (details `key`,
   * `maxBytes`, and `size` when known) instead of returning it. The backend checks the size before
   * reading the body where it can (file size, `Content-Length`) and stops reading past the limit,
   * so a hostile object never costs more than about `maxBytes` of memory. A positive integer;
   * no limit when absent.
   */
  maxBytes?: number;
}

/** What a successful write returns. */
export interface PutObjectResult {
  /** The new object's etag: pass it as `ifMatch` to the next write to avoid lost updates. */
  etag: string;
}

/** Metadata of a stored object. */
export interface ObjectHead {
  etag: string;
  /** Size in bytes. */
  size: number;
  lastModified: Date;
  contentType?: string;
}

/** What a backend can do beyond the required methods. */
export interface StorageCapabilities {
  /** `ifMatch` (compare-and-swap) and `ifNoneMatch` are honoured atomically. */
  conditionalWrites: boolean;
  /**
   * `ifNoneMatch: '*'` (create-only) is honoured atomically even where `ifMatch` is not
   * (Baidu BOS: `x-bce-forbid-overwrite`). Absent means the same as `conditionalWrites`.
   */
  ifNoneMatch?: boolean;
}

/** Whether `storage` does atomic create-only writes (`ifNoneMatch: '*'`). */
export function supportsCreateOnly(capabilities: StorageCapabilities): boolean {
  return capabilities.ifNoneMatch ?? capabilities.conditionalWrites;
}

/**
 * The object-storage contract for long-term memory (profiles, knowledge triples, archive
 * exports). Keys are relative to the backend's prefix; every method is async.
 *
 * Implementations: `InMemoryLongTermStorage`, `FileSystemLongTermStorage`,
 * `S3CompatibleStorage` (`@memory/longterm-s3`), `BosStorage` (`@memory/longterm-bos`).
 */
export interface LongTermStorage {
  /** What this backend supports; check before relying on conditional writes. */
  readonly capabilities: StorageCapabilities;
  /**
   * The object's bytes, or `null` when there is no object under `key`. With `maxBytes`, an
   * object larger than that is refused with `InvalidInputError` without being read whole.
   */
  getObject(key: string, options?: GetObjectOptions): Promise<Uint8Array | null>;
  /** Writes `body` under `key`; strings are stored as UTF-8. */
  putObject(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<PutObjectResult>;
  /** Removes the object; removing a missing key succeeds. */
  deleteObject(key: string): Promise<void>;
  /** Every key under `prefix`, sorted, paginated underneath. */
  listPrefix(prefix: string): Promise<string[]>;
  /** The same keys as `listPrefix`, page by page, for listings too large to hold at once. */
  iteratePrefix(prefix: string): AsyncIterable<string>;
  /** The object's metadata, or `null` when missing. */
  headObject(key: string): Promise<ObjectHead | null>;
}
