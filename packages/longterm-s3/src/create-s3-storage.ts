import { S3CompatibleStorage } from './s3-compatible-storage.js';
import type { S3CompatibleStorageOptions } from './s3-storage-options.js';
import type { S3Storage } from './s3-storage.js';

/**
 * Builds a long-term storage on an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2...). Checks
 * the options at once (`InvalidInputError`) without any network call; the `S3Client` is built on
 * first use and reachable as `.client`.
 *
 * @example
 * ```ts
 * import { createS3Storage } from '@memory/longterm-s3';
 *
 * const storage = createS3Storage({
 *   bucket: 'memory-long-term',
 *   endpointUrl: 'http://localhost:9000', // MinIO; omit for AWS
 *   accessKey: 'minioadmin',
 *   secretKey: 'minioadmin',
 *   prefix: 'long_term/',
 * });
 * await storage.putObject('profiles/u1.json', '{"user_id":"u1"}', { contentType: 'application/json' });
 * ```
 */
export function createS3Storage(options: S3CompatibleStorageOptions): S3Storage {
  return new S3CompatibleStorage(options);
}
