/**
 * The part of `@baiducloud/sdk`'s `BosClient` this package calls, typed here because the SDK's
 * own declarations leave these methods without parameters (`putObject(): BosResponse`).
 * A client passed in through {@link BosStorageOptions.client} must offer these methods.
 */
export interface BosClientLike {
  /** The configuration the client was built with; the SDK merges per-call `config` into it. */
  config: BosClientConfig;
  putObject(bucket: string, key: string, data: Buffer, options?: Record<string, unknown>): PromiseLike<BosResponse>;
  getObject(
    bucket: string,
    key: string,
    range?: string,
    options?: Record<string, unknown>,
  ): PromiseLike<BosResponse<Buffer>>;
  getObjectMetadata(bucket: string, key: string, options?: Record<string, unknown>): PromiseLike<BosResponse>;
  deleteObject(bucket: string, key: string, options?: Record<string, unknown>): PromiseLike<BosResponse>;
  listObjects(bucket: string, options?: Record<string, unknown>): PromiseLike<BosResponse<BosListObjectsBody>>;
  headBucket(bucket: string, options?: Record<string, unknown>): PromiseLike<boolean>;
  /** The SDK's own request signer; called by the timeout hook so signing stays the SDK's. */
  createSignature(
    credentials: BosCredentials,
    httpMethod: string,
    path: string,
    params: Record<string, unknown>,
    headers: Record<string, unknown>,
  ): unknown;
}

/** Access key pair as the SDK names it. */
export interface BosCredentials {
  ak: string;
  sk: string;
}

/** The subset of the SDK's `BceConfig` this package sets or reads. */
export interface BosClientConfig {
  endpoint?: string;
  credentials?: BosCredentials;
  pathStyleEnable?: boolean;
  createSignature?: (...args: unknown[]) => unknown;
  [name: string]: unknown;
}

/** How the SDK resolves a call: lower-cased response headers and a parsed (or raw) body. */
export interface BosResponse<TBody = unknown> {
  http_headers: Record<string, string | undefined>;
  body: TBody;
}

/** Body of a ListObjects response (JSON), as far as it is read here. */
export interface BosListObjectsBody {
  isTruncated?: boolean;
  nextMarker?: string;
  contents?: { key: string }[];
}

/**
 * How the SDK rejects a call that got an HTTP answer: `status_code`, the BOS error `code` and
 * `message` (when the answer had a JSON error body with a `requestId`), `request_id`.
 * Transport failures reject with a plain `Error` instead (`ECONNREFUSED`, `ECONNRESET`...).
 */
export interface BosFailure {
  status_code: number;
  message?: unknown;
  code?: string;
  request_id?: string;
}
