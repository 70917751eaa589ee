import type { LongTermStorage } from '@memory/longterm-core';
import type { BosClientLike } from './bos-client-like.js';
import type { BosStorageCapabilities } from './bos-storage.js';

/**
 * What {@link createBosStorage} returns: a `LongTermStorage` on one BOS bucket, plus the
 * bucket, the prefix, the endpoint (credentials masked) and the SDK client underneath.
 */
export interface BosStorage extends LongTermStorage {
  /** See {@link BosStorageCapabilities}: create-only writes yes, compare-and-swap no. */
  readonly capabilities: BosStorageCapabilities;
  /** The bucket objects live in. */
  readonly bucket: string;
  /** The key prefix inside the bucket (`''` or ending in `/`). */
  readonly prefix: string;
  /** The endpoint, with any credentials in it masked (for messages). */
  readonly endpoint: string;
  /**
   * The `@baiducloud/sdk` `BosClient`, built on first access: for BOS features the contract
   * does not cover (ACLs, lifecycle, presigned URLs). Keys you pass it are not prefixed.
   */
  readonly client: BosClientLike;
}
