import { StorageError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { BosCallFailure } from './call-with-retry.js';
import { toStorageError, type CallContext } from './to-storage-error.js';

const context: CallContext = {
  action: 'reading "p/k"',
  bucket: 'b',
  key: 'p/k',
  endpoint: 'https://bj.bcebos.com',
  timeoutMs: 500,
};

describe('toStorageError', () => {
  it('names a missing bucket and what to do', () => {
    const error = toStorageError(
      new BosCallFailure({ status_code: 404, code: 'NoSuchBucket', request_id: 'r1' }, 1, false),
      context,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toBe(
      '[memory/bos] bucket "b" not found at https://bj.bcebos.com: create it or check endpoint',
    );
    expect(error.details).toMatchObject({
      bucket: 'b',
      key: 'p/k',
      status: 404,
      code: 'NoSuchBucket',
      requestId: 'r1',
    });
  });

  it('points a refused request at the credentials', () => {
    const error = toStorageError(
      new BosCallFailure({ status_code: 403, code: 'SignatureDoesNotMatch' }, 1, false),
      context,
    );
    expect(error.message).toMatch(
      /reading "p\/k" in bucket "b" at https:\/\/bj\.bcebos\.com was refused \(HTTP 403 SignatureDoesNotMatch\): check accessKey\/secretKey/,
    );
  });

  it('says how long a timed-out call waited and how often it tried', () => {
    const error = toStorageError(new BosCallFailure(new Error('no answer'), 3, true), context);
    expect(error.message).toMatch(/timed out after 500 ms \(3 attempts\): .*raise requestTimeoutMs/);
    expect(error.details).toMatchObject({ reason: 'timeout', attempts: 3, timeoutMs: 500 });
  });

  it('reports other HTTP failures and network errors with their codes', () => {
    const server = toStorageError(
      new BosCallFailure({ status_code: 503, code: 'ServiceUnavailable', message: 'busy' }, 3, false),
      context,
    );
    expect(server.message).toMatch(/failed with HTTP 503 ServiceUnavailable \(3 attempts\): busy$/);
    const refused = toStorageError(
      new BosCallFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 1, false),
      context,
    );
    expect(refused.message).toMatch(/failed: ECONNREFUSED: check endpoint and network$/);
    expect(refused.details.code).toBe('ECONNREFUSED');
  });
});
