export type {
  LongTermStorage,
  ObjectBody,
  ObjectHead,
  PutObjectOptions,
  PutObjectResult,
  StorageCapabilities,
} from './types.js';
