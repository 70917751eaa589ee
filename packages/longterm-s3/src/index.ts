export { createS3Storage } from './create-s3-storage.js';
export { s3Adapter, type S3AdapterDefaults } from './s3-adapter.js';
export type { S3Storage } from './s3-storage.js';
export type { S3CompatibleStorageOptions } from './s3-storage-options.js';
