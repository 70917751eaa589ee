export type { BosStorageCapabilities } from './bos-storage.js';
export type { BosStorage } from './bos-storage-type.js';
export { createBosStorage } from './create-bos-storage.js';
export { bosAdapter, type BosAdapterDefaults } from './bos-adapter.js';
export type { BosStorageOptions } from './bos-storage-options.js';
export type {
  BosClientLike,
  BosClientConfig,
  BosCredentials,
  BosResponse,
  BosListObjectsBody,
  BosFailure,
} from './bos-client-like.js';
