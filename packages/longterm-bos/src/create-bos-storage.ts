import { BosStorage } from './bos-storage.js';
import type { BosStorageOptions } from './bos-storage-options.js';

/**
 * Builds a {@link BosStorage}: the factory `createLongTermStorage('bos://...')` in
 * `@memory/longterm-core` calls after `import('@memory/longterm-bos')`. Same as `new BosStorage(options)`.
 *
 * @example
 * ```ts
 * const storage = createBosStorage({ bucket: 'memory-prod', accessKey, secretKey, prefix: 'tenant-a' });
 * ```
 */
export function createBosStorage(options: BosStorageOptions): BosStorage {
  return new BosStorage(options);
}
