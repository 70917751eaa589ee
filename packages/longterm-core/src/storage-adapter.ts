import { ConfigurationError } from '@memory/errors';
import type { LongTermStorage } from './types.js';

/**
 * What {@link createLongTermStorage} hands an adapter: the URL or config dict, normalized. It
 * names no backend's options: each adapter maps these settings to its own.
 */
export interface LongTermStorageSettings {
  /** The URL scheme or the config's `backend`/`type`, lower-cased (`'s3'`, `'minio'`, `'bos'`). */
  readonly backend: string;
  /** The bucket: the URL's location (`s3://bucket`), or the config's `bucket`. Not checked: see {@link requireBucket}. */
  readonly bucket?: string;
  /** `?endpoint=` (`endpoint_url`, `endpointUrl`) or the config's `endpoint_url` / `endpoint`. */
  readonly endpoint?: string;
  /** `?region=` or the config's `region`. */
  readonly region?: string;
  /** `?prefix=` or the config's `prefix`: the key prefix inside the bucket. */
  readonly prefix?: string;
  /** Access key from the options, else from the config dict (never from a URL). */
  readonly accessKey?: string;
  /** Secret key from the options, else from the config dict (never from a URL). Never put it in a message. */
  readonly secretKey?: string;
  /** Session token of temporary credentials, from the options or the config dict. */
  readonly sessionToken?: string;
  /**
   * The other URL query parameters (as strings) and config spellings the core knows
   * (`forcePathStyle` from `force_path_style`), for an adapter's own settings.
   */
  readonly params: Readonly<Record<string, string | boolean | undefined>>;
  /** Where an adapter may read environment fallbacks (e.g. `BOS_ACCESS_KEY`); default `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths; default `process.cwd()`. */
  readonly cwd: string;
}

/**
 * A backend the URL factory can build: what `@memory/longterm-s3`'s `s3Adapter()` and
 * `@memory/longterm-bos`'s `bosAdapter()` return. The application passes the adapters it uses,
 * so `@memory/longterm-core` imports no backend package and holds none of their types.
 *
 * @example
 * ```ts
 * const gcsAdapter: LongTermStorageAdapter = {
 *   name: 'gcs',
 *   schemes: ['gcs', 'gs'],
 *   create: (settings) => createGcsStorage({ bucket: requireBucket(settings, 'gcs'), prefix: settings.prefix }),
 * };
 * const storage = await createLongTermStorage('gcs://my-bucket', { adapters: [gcsAdapter] });
 * ```
 */
export interface LongTermStorageAdapter {
  /** Short name used in messages, e.g. `'s3'`. */
  readonly name: string;
  /** URL schemes (`s3` for `s3://`) and config `backend` names this adapter builds, lower-case. */
  readonly schemes: readonly string[];
  /**
   * For a config dict without `backend`/`type`: `'match'` when the settings are certainly this
   * backend's (a BOS endpoint), `'fallback'` when this backend takes any bucket (S3),
   * `undefined` otherwise. The first `'match'` wins, else the first `'fallback'`.
   */
  detect?(settings: LongTermStorageSettings): 'match' | 'fallback' | undefined;
  /** Builds the storage; throws `ConfigurationError` for settings it cannot use. Applies `settings.prefix` itself. */
  create(settings: LongTermStorageSettings): LongTermStorage | Promise<LongTermStorage>;
}

/**
 * The bucket of `settings`, or a `ConfigurationError` naming the adapter when it is missing or
 * holds a `/`. For adapter authors.
 */
export function requireBucket(settings: LongTermStorageSettings, adapter: string): string {
  const bucket = settings.bucket;
  if (!bucket || bucket.includes('/')) {
    throw new ConfigurationError(
      `[memory/longterm] the ${adapter} backend needs a bucket name: ${settings.backend}://my-bucket?endpoint=... or { bucket: 'my-bucket' }`,
    );
  }
  return bucket;
}
