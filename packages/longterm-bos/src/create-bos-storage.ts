import { BosObjectStorage } from './bos-storage.js';
import type { BosStorageOptions } from './bos-storage-options.js';
import type { BosStorage } from './bos-storage-type.js';

/**
 * Builds a long-term storage on a Baidu BOS bucket. Checks the options at once
 * (`ConfigurationError`) without any network call; the SDK client is built on first use and
 * reachable as `.client`.
 *
 * @example
 * ```ts
 * const storage = createBosStorage({ bucket: 'memory-prod', accessKey, secretKey, prefix: 'tenant-a' });
 * ```
 */
export function createBosStorage(options: BosStorageOptions): BosStorage {
  return new BosObjectStorage(options);
}
