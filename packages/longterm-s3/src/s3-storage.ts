import type { S3Client } from '@aws-sdk/client-s3';
import type { LongTermStorage } from '@memory/longterm-core';

/**
 * What {@link createS3Storage} returns: a `LongTermStorage` on one S3-compatible bucket, plus the
 * bucket, the prefix and the `S3Client` underneath.
 */
export interface S3Storage extends LongTermStorage {
  /** The bucket objects live in. */
  readonly bucket: string;
  /** The normalized key prefix (ending in `/`), or `''`. */
  readonly prefix: string;
  /**
   * The `S3Client`, built on first access from the options (or the one passed in): for S3
   * features the contract does not cover (presigned URLs, lifecycle). Keys you pass it are not prefixed.
   */
  readonly client: S3Client;
}
