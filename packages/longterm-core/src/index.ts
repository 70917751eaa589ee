export type {
  LongTermStorage,
  ObjectBody,
  GetObjectOptions,
  ObjectHead,
  PutObjectOptions,
  PutObjectResult,
  StorageCapabilities,
} from './types.js';
export { supportsCreateOnly } from './types.js';
export {
  validateUserId,
  profileKey,
  profileMetaKey,
  knowledgeKey,
  validateObjectKey,
  compareKeys,
  MAX_USER_ID_BYTES,
} from './keys.js';
export {
  toBytes,
  md5Etag,
  sameEtag,
  checkPutOptions,
  readLimit,
  objectTooLarge,
  DEFAULT_CONTENT_TYPE,
} from './body.js';
export { InMemoryLongTermStorage, type InMemoryLongTermStorageOptions } from './in-memory-storage.js';
export {
  FileSystemLongTermStorage,
  RESERVED_NAME_PREFIX,
  type FileSystemLongTermStorageOptions,
} from './file-system-storage.js';
export { withPrefix, normalizePrefix, PrefixedLongTermStorage } from './with-prefix.js';
export {
  createLongTermStorage,
  type LongTermStorageConfig,
  type CreateLongTermStorageOptions,
} from './create-storage.js';
export { requireBucket, type LongTermStorageAdapter, type LongTermStorageSettings } from './storage-adapter.js';
