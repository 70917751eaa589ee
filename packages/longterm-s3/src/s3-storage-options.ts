import type { S3Client } from '@aws-sdk/client-s3';

/** Region used when none is given, as the original did. */
export const DEFAULT_S3_REGION = 'us-east-1';
/** Time one HTTP attempt may take before it is aborted, ms. */
export const DEFAULT_S3_REQUEST_TIMEOUT_MS = 30_000;
/** Time to establish a connection, ms. */
export const DEFAULT_S3_CONNECTION_TIMEOUT_MS = 5_000;
/** Attempts per call, the first included. */
export const DEFAULT_S3_MAX_ATTEMPTS = 3;

/** Options of {@link S3CompatibleStorage}. Only `bucket` is required. */
export interface S3CompatibleStorageOptions {
  /** The bucket that holds the objects. It must exist; it is never created. */
  bucket: string;
  /**
   * Endpoint of an S3-compatible store (MinIO: `http://localhost:9000`). Omit for AWS. When set,
   * requests are path-style (`{endpoint}/{bucket}/{key}`) unless `forcePathStyle` is `false`.
   */
  endpointUrl?: string;
  /** Region for signing, default `us-east-1`. */
  region?: string;
  /**
   * Access key id. With `secretKey`, these credentials are used; without, the AWS SDK's default
   * chain (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`, profiles, SSO, instance and task roles).
   * Never appears in errors or logs.
   */
  accessKey?: string;
  /** Secret access key. Never appears in errors or logs. */
  secretKey?: string;
  /** Session token of temporary credentials (STS). */
  sessionToken?: string;
  /**
   * Key prefix inside the bucket, so several applications can share it: `'long_term'` and
   * `'long_term/'` both store `profiles/u1.json` as `long_term/profiles/u1.json`. Listings return
   * keys relative to it. Default: none.
   */
  prefix?: string;
  /** Path-style addressing; default `true` when `endpointUrl` is given, else virtual-hosted (AWS). */
  forcePathStyle?: boolean;
  /** Time one HTTP attempt may take before it is aborted (and retried), ms. Default 30 000. */
  requestTimeoutMs?: number;
  /** Time to establish a connection, ms. Default 5 000. */
  connectionTimeoutMs?: number;
  /**
   * Attempts per call, the first included, for failures worth retrying (5xx, throttling,
   * timeouts, dropped connections), with the SDK's exponential backoff and jitter. Default 3;
   * 1 disables retries.
   */
  maxAttempts?: number;
  /**
   * Whether the store honours `If-Match` / `If-None-Match` on PUT (default `true`: AWS S3 since
   * 2024, MinIO). Set `false` for a store that ignores them, so `ifMatch`/`ifNoneMatch` are
   * refused with `UnsupportedError` instead of silently overwriting.
   */
  conditionalWrites?: boolean;
  /**
   * A ready `S3Client` (custom credentials provider, proxy agent, middleware). When given,
   * `endpointUrl`, `region`, credentials, `forcePathStyle`, timeouts and `maxAttempts` are not
   * used to build one: its own configuration is.
   */
  client?: S3Client;
}
