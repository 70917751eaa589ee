import { ConfigurationError } from '@memory/errors';
import { requireBucket, type LongTermStorageAdapter, type LongTermStorageSettings } from '@memory/longterm-core';
import { createS3Storage } from './create-s3-storage.js';
import type { S3CompatibleStorageOptions } from './s3-storage-options.js';

/** What a URL cannot carry: timeouts, retries, a ready client. URL and config settings win over these. */
export type S3AdapterDefaults = Omit<S3CompatibleStorageOptions, 'bucket'>;

/**
 * The `s3://` (also `minio://`, config `backend: 's3' | 'minio' | 's3compatible'`) backend for
 * `createLongTermStorage` of `@memory/longterm-core`. A config dict without a backend but with a
 * bucket falls to this adapter unless another recognizes it (BOS recognizes its endpoints).
 *
 * URL: `s3://bucket?endpoint=http://localhost:9000&region=us-east-1&prefix=long_term/&forcePathStyle=true`.
 * Credentials come from the factory's options or the config dict; without them, the AWS SDK's
 * default chain (`AWS_ACCESS_KEY_ID`, profiles, roles).
 *
 * @example
 * ```ts
 * import { createLongTermStorage } from '@memory/longterm-core';
 * import { s3Adapter } from '@memory/longterm-s3';
 *
 * const storage = await createLongTermStorage('s3://memory?endpoint=http://localhost:9000', {
 *   adapters: [s3Adapter({ requestTimeoutMs: 10_000 })],
 *   accessKey: process.env.MINIO_ACCESS_KEY,
 *   secretKey: process.env.MINIO_SECRET_KEY,
 * });
 * ```
 */
export function s3Adapter(defaults: S3AdapterDefaults = {}): LongTermStorageAdapter {
  return {
    name: 's3',
    schemes: ['s3', 'minio', 's3compatible', 's3_compatible'],
    detect: (settings) => (settings.bucket ? 'fallback' : undefined),
    create: (settings) => createS3Storage(toS3Options(settings, defaults)),
  };
}

/** Maps the factory's settings to {@link S3CompatibleStorageOptions}. */
export function toS3Options(
  settings: LongTermStorageSettings,
  defaults: S3AdapterDefaults = {},
): S3CompatibleStorageOptions {
  const options: S3CompatibleStorageOptions = { ...defaults, bucket: requireBucket(settings, 's3') };
  const forcePathStyle = settings.params.forcePathStyle;
  if (forcePathStyle !== undefined && typeof forcePathStyle !== 'boolean') {
    throw new ConfigurationError(
      `[memory/s3] forcePathStyle must be true or false, got ${JSON.stringify(forcePathStyle)}`,
    );
  }
  const fromSettings: Partial<S3CompatibleStorageOptions> = {
    endpointUrl: settings.endpoint,
    region: settings.region,
    prefix: settings.prefix,
    forcePathStyle,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    sessionToken: settings.sessionToken,
  };
  for (const [name, value] of Object.entries(fromSettings)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[name] = value;
  }
  return options;
}
