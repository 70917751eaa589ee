export { S3CompatibleStorage } from './s3-compatible-storage.js';
export {
  DEFAULT_S3_REGION,
  DEFAULT_S3_REQUEST_TIMEOUT_MS,
  DEFAULT_S3_CONNECTION_TIMEOUT_MS,
  DEFAULT_S3_MAX_ATTEMPTS,
  type S3CompatibleStorageOptions,
} from './s3-storage-options.js';
export { toStorageError, describeS3Error, type S3CallContext } from './to-storage-error.js';
