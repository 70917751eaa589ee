import { ConflictError, MemoryError, StorageError } from '@memory/errors';

/** Where a failed call was going: for messages and `details`. */
export interface S3CallContext {
  operation: 'getObject' | 'putObject' | 'deleteObject' | 'headObject' | 'listPrefix' | 'headBucket';
  bucket: string;
  /** The full key in the bucket (prefix included), when the call had one. */
  key?: string;
  /** The endpoint, already redacted; `AWS` when none was configured. */
  endpoint: string;
  /** Request timeout of one attempt, ms, for timeout messages. */
  requestTimeoutMs: number;
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

/** The HTTP status and S3 error code of an SDK error, as far as they are known. */
export function describeS3Error(error: unknown): { status?: number; code?: string; attempts?: number } {
  const e = (error ?? {}) as SdkErrorLike;
  return { status: e.$metadata?.httpStatusCode, code: e.Code ?? e.name ?? e.code, attempts: e.$metadata?.attempts };
}

/**
 * Turns an AWS SDK failure into a memory error: `ConflictError` for a failed precondition
 * (412 PreconditionFailed, 409 ConditionalRequestConflict), otherwise `StorageError` whose
 * message names the operation, key, bucket, endpoint, status and what to do, and whose `details`
 * carry `{ bucket, key, endpoint, status, code, attempts }`. Credentials are never included.
 */
export function toStorageError(error: unknown, ctx: S3CallContext): MemoryError {
  if (MemoryError.isInstance(error)) return error;
  const { status, code, attempts } = describeS3Error(error);
  const details = {
    bucket: ctx.bucket,
    key: ctx.key,
    endpoint: ctx.endpoint,
    status,
    code,
    attempts,
    operation: ctx.operation,
  };
  const where = `${ctx.key !== undefined ? `"${ctx.key}" in ` : ''}bucket "${ctx.bucket}" at ${ctx.endpoint}`;
  if (status === 412 || code === 'PreconditionFailed' || code === 'ConditionalRequestConflict') {
    return new ConflictError(
      `[memory/s3] ${ctx.operation} of ${where} lost a race (${status ?? '?'} ${code ?? ''}): re-read and retry`.replace(
        ' )',
        ')',
      ),
      {
        cause: error,
        details,
      },
    );
  }
  const attemptsText = attempts && attempts > 1 ? `, ${attempts} attempts` : '';
  if (code === 'NoSuchBucket') {
    return new StorageError(
      `[memory/s3] bucket "${ctx.bucket}" not found at ${ctx.endpoint}: create it or check endpoint`,
      { cause: error, details },
    );
  }
  if (code === 'TimeoutError' || code === 'RequestTimeout' || code === 'ETIMEDOUT' || code === 'AbortError') {
    return new StorageError(
      `[memory/s3] ${ctx.operation} of ${where} timed out (request timeout ${ctx.requestTimeoutMs} ms${attemptsText}): check the endpoint or raise requestTimeoutMs`,
      { cause: error, details },
    );
  }
  if (
    status === 403 ||
    status === 401 ||
    code === 'InvalidAccessKeyId' ||
    code === 'SignatureDoesNotMatch' ||
    code === 'AccessDenied' ||
    code === 'CredentialsProviderError'
  ) {
    return new StorageError(
      `[memory/s3] ${ctx.operation} of ${where} was refused (${status ?? ''} ${code ?? ''}): check the access key, secret key and region, and the bucket policy`.replace(
        '( ',
        '(',
      ),
      { cause: error, details },
    );
  }
  const netCode = (error as { code?: string } | null)?.code;
  if (status === undefined && netCode && /^E[A-Z]+$/.test(netCode)) {
    return new StorageError(
      `[memory/s3] ${ctx.operation} of ${where} could not connect (${netCode}${attemptsText}): check the endpoint`,
      { cause: error, details: { ...details, code: netCode } },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(
    `[memory/s3] ${ctx.operation} of ${where} failed (${status ?? 'no status'} ${code ?? ''}${attemptsText}): ${reason.slice(0, 200)}`,
    { cause: error, details },
  );
}
