export {
  MemoryError,
  InvalidInputError,
  NotFoundError,
  ConflictError,
  ConfigurationError,
  StorageError,
  DatabaseError,
  UnsupportedError,
  type MemoryErrorCode,
  type MemoryErrorOptions,
} from './memory-error.js';
export { redactUrl } from './redact.js';
