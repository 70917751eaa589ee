const BRAND = Symbol.for('@memory/error');

/** The error codes a caller can branch on; each subclass has one. */
export type MemoryErrorCode =
  | 'MEMORY_ERROR'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CONFIGURATION'
  | 'STORAGE'
  | 'DATABASE'
  | 'UNSUPPORTED';

/** Options every memory error takes. */
export interface MemoryErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
  /** Structured facts about the failure (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * The base of every error thrown by `@memory/*` packages.
 *
 * Messages name where they come from (`[memory/s3]`) and what to do next. They never contain
 * a secret. Use {@link MemoryError.isInstance} rather than `instanceof` when several copies of
 * the package may be loaded: it checks a `Symbol.for` brand.
 *
 * @example
 * ```ts
 * try { await store.getSession(id) }
 * catch (e) { if (NotFoundError.isInstance(e)) reply.code(404) else throw e }
 * ```
 */
export class MemoryError extends Error {
  /** A stable code for the kind of failure. */
  readonly code: MemoryErrorCode;
  /** Structured facts about the failure (never secrets). */
  readonly details: Record<string, unknown>;

  constructor(message: string, options: MemoryErrorOptions & { code?: MemoryErrorCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'MEMORY_ERROR';
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True when `value` is a memory error (of this class or a subclass), across package copies. */
  static isInstance(value: unknown): value is MemoryError {
    if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
    if (this === MemoryError) return true;
    return (value as unknown as MemoryError).code === (this as unknown as { CODE?: MemoryErrorCode }).CODE;
  }
}

/** The caller passed something invalid: fix the input; retrying the same call will fail again. */
export class InvalidInputError extends MemoryError {
  static readonly CODE = 'INVALID_INPUT' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'INVALID_INPUT' });
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends MemoryError {
  static readonly CODE = 'NOT_FOUND' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'NOT_FOUND' });
  }
}

/**
 * A concurrent change won: a conditional write's precondition failed, or the row moved on.
 * Re-read and try again.
 */
export class ConflictError extends MemoryError {
  static readonly CODE = 'CONFLICT' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'CONFLICT' });
  }
}

/** The library is configured wrongly or not at all (missing URL, unknown scheme, package not installed). */
export class ConfigurationError extends MemoryError {
  static readonly CODE = 'CONFIGURATION' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'CONFIGURATION' });
  }
}

/** An object-storage backend failed. `details` carries bucket, key and status where known. */
export class StorageError extends MemoryError {
  static readonly CODE = 'STORAGE' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'STORAGE' });
  }
}

/** The database failed or refused a statement. `details` carries host and port, never the password. */
export class DatabaseError extends MemoryError {
  static readonly CODE = 'DATABASE' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'DATABASE' });
  }
}

/** The backend cannot do what was asked (for example a conditional write on a store without them). */
export class UnsupportedError extends MemoryError {
  static readonly CODE = 'UNSUPPORTED' as const;
  constructor(message: string, options: MemoryErrorOptions = {}) {
    super(message, { ...options, code: 'UNSUPPORTED' });
  }
}
