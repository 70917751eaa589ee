import type { BosClientLike } from './bos-client-like.js';

/** The BOS endpoint used when none is given (Beijing region, HTTPS). */
export const DEFAULT_BOS_ENDPOINT = 'https://bj.bcebos.com';
/** Per-attempt request timeout when none is given. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Attempts per call (first try included) when none is given. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Options of `createBosStorage`. Only `bucket` is always required; `accessKey` and `secretKey`
 * are required unless a ready `client` is passed. Nothing is read from the environment here:
 * the application (or `createLongTermStorage`) decides where credentials come from.
 *
 * @example
 * ```ts
 * const options: BosStorageOptions = {
 *   bucket: 'memory-prod',
 *   accessKey: process.env.BOS_ACCESS_KEY!,
 *   secretKey: process.env.BOS_SECRET_KEY!,
 *   endpoint: 'https://gz.bcebos.com',
 *   prefix: 'tenant-a',
 * };
 * ```
 */
export interface BosStorageOptions {
  /** The bucket that holds the objects. It must exist; it is never created. */
  bucket: string;
  /** BOS access key (AK). Never appears in errors or logs. */
  accessKey?: string;
  /** BOS secret key (SK). Never appears in errors or logs. */
  secretKey?: string;
  /**
   * Service endpoint, default `https://bj.bcebos.com`. Region endpoints (`https://{region}.bcebos.com`)
   * are addressed virtual-host style (`{bucket}.{region}.bcebos.com`); any other host (an IP, a
   * proxy, a test server) path style (`{endpoint}/{bucket}/{key}`).
   */
  endpoint?: string;
  /**
   * Key prefix inside the bucket, so several applications can share one. `'tenant-a'` and
   * `'tenant-a/'` both store `profiles/u1.json` as `tenant-a/profiles/u1.json`. Default: none.
   */
  prefix?: string;
  /** Time one HTTP attempt may take before it is aborted, in ms. Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * Attempts per call, the first included, for failures worth retrying (5xx, throttling,
   * timeouts, dropped connections), with exponential backoff and jitter. Default 3; 1 disables retries.
   */
  maxAttempts?: number;
  /**
   * A ready `BosClient` (for STS credentials, a proxy, or a custom signer). When given,
   * `accessKey`, `secretKey` and `endpoint` are not used to build one; its own config is.
   */
  client?: BosClientLike;
}
