import { S3ServiceException } from '@aws-sdk/client-s3';
import { ConflictError, InvalidInputError, StorageError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { toStorageError, type S3CallContext } from './to-storage-error.js';

const ctx: S3CallContext = {
  operation: 'getObject',
  bucket: 'mem',
  key: 'profiles/u1.json',
  endpoint: 'http://minio:9000',
  requestTimeoutMs: 1000,
};
const sdkError = (name: string, status: number | undefined, attempts = 1) =>
  new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status, attempts },
    message: `${name} message`,
  });

describe('toStorageError', () => {
  it('maps failed preconditions to ConflictError', () => {
    expect(ConflictError.isInstance(toStorageError(sdkError('PreconditionFailed', 412), ctx))).toBe(true);
    expect(ConflictError.isInstance(toStorageError(sdkError('ConditionalRequestConflict', 409), ctx))).toBe(true);
    expect(ConflictError.isInstance(toStorageError(sdkError('BucketNotEmpty', 409), ctx))).toBe(false);
  });

  it('names bucket and endpoint for a missing bucket', () => {
    const e = toStorageError(sdkError('NoSuchBucket', 404), ctx);
    expect(e.message).toBe('[memory/s3] bucket "mem" not found at http://minio:9000: create it or check endpoint');
    expect(e.details).toMatchObject({
      bucket: 'mem',
      endpoint: 'http://minio:9000',
      status: 404,
      code: 'NoSuchBucket',
    });
  });

  it('says what to check for refused credentials', () => {
    const e = toStorageError(sdkError('SignatureDoesNotMatch', 403), ctx);
    expect(StorageError.isInstance(e)).toBe(true);
    expect(e.message).toMatch(
      /getObject of "profiles\/u1.json" in bucket "mem" at http:\/\/minio:9000 was refused \(403 SignatureDoesNotMatch\): check the access key/,
    );
  });

  it('reports timeouts with the configured timeout and attempts', () => {
    const timeout = Object.assign(new Error('request exceeded'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
      $metadata: { attempts: 3 },
    });
    expect(toStorageError(timeout, ctx).message).toMatch(/timed out \(request timeout 1000 ms, 3 attempts\)/);
  });

  it('reports connection failures with the system code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const e = toStorageError(refused, ctx);
    expect(e.message).toMatch(/could not connect \(ECONNREFUSED\): check the endpoint/);
    expect(e.details).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps everything else a StorageError with bucket, key and status', () => {
    const e = toStorageError(sdkError('InternalError', 500, 3), ctx);
    expect(StorageError.isInstance(e)).toBe(true);
    expect(e.message).toBe(
      '[memory/s3] getObject of "profiles/u1.json" in bucket "mem" at http://minio:9000 failed (500 InternalError, 3 attempts): InternalError message',
    );
    expect(e.details).toMatchObject({ bucket: 'mem', key: 'profiles/u1.json', status: 500, attempts: 3 });
  });

  it('passes memory errors through', () => {
    const own = new InvalidInputError('x');
    expect(toStorageError(own, ctx)).toBe(own);
  });
});
