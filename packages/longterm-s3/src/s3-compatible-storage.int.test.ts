import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLongTermStorage } from '@memory/longterm-core';
import { runStorageConformance } from '@memory/longterm-core/testing';
import { ConflictError, StorageError } from '@memory/errors';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from './testing/index.js';
import { createS3Storage } from './create-s3-storage.js';
import { s3Adapter } from './s3-adapter.js';
import { S3CompatibleStorage } from './s3-compatible-storage.js';
import type { S3CompatibleStorageOptions } from './s3-storage-options.js';
import type { S3Storage } from './s3-storage.js';

// One server per file; each test gets its own bucket, so tests never see each other's objects.
let server: S3TestServer;
let buckets = 0;
beforeAll(async () => {
  server = await startS3TestServer();
});
afterAll(() => server.close());

function freshStorage(extra: Partial<S3CompatibleStorageOptions> = {}): S3Storage {
  const bucket = `bucket-${++buckets}`;
  server.createBucket(bucket);
  return createS3Storage({
    bucket,
    endpointUrl: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    ...extra,
  });
}

runStorageConformance(
  'S3CompatibleStorage (SigV4 test server with conditional writes)',
  () => ({ storage: freshStorage() }),
  { conditionalWrites: true },
);

runStorageConformance(
  'S3CompatibleStorage with prefix "long_term/"',
  () => ({ storage: freshStorage({ prefix: 'long_term' }) }),
  {
    conditionalWrites: true,
    largeObjectBytes: 1024 * 1024,
  },
);

// A second, independent S3 implementation guards against the test server sharing the adapter's
// misreadings of the protocol. s3rver ignores If-Match/If-None-Match on PUT, so the cases that
// need them are skipped there (they run against the server above).
const s3rverLimitation = 's3rver ignores If-Match / If-None-Match on PUT';
let s3rver: S3rver | undefined;
let s3rverEndpoint = '';
let s3rverDir = '';
runStorageConformance(
  'S3CompatibleStorage against s3rver',
  async () => {
    if (!s3rver) {
      s3rverDir = await mkdtemp(join(tmpdir(), 'memory-s3rver-'));
      s3rver = new S3rver({
        address: '127.0.0.1',
        port: 0,
        silent: true,
        directory: s3rverDir,
        configureBuckets: [{ name: 'conformance' }],
      });
      const { port } = await s3rver.run();
      s3rverEndpoint = `http://127.0.0.1:${port}`;
    }
    return {
      storage: new S3CompatibleStorage({
        bucket: 'conformance',
        endpointUrl: s3rverEndpoint,
        accessKey: 'S3RVER',
        secretKey: 'S3RVER',
      }),
    };
  },
  {
    skip: {
      // s3rver 3.7.1 builds continuation tokens with a cipher OpenSSL 3 (Node >= 17) refuses:
      // it answers 500 (ERR_OSSL_EVP_UNSUPPORTED) to any listing past one page.
      'listing-pagination': 's3rver 3.7.1 cannot paginate on Node >= 17 (ERR_OSSL_EVP_UNSUPPORTED)',
      'conditional-if-match': s3rverLimitation,
      'conditional-if-match-missing': s3rverLimitation,
      'conditional-if-none-match': s3rverLimitation,
      'conditional-concurrent-if-match': s3rverLimitation,
      'conditional-concurrent-create': s3rverLimitation,
      // s3rver 3.7.1 stores objects as files and removes a key's folder on delete while a
      // concurrent put is writing into it: the put then throws ENOENT inside s3rver, uncaught,
      // which takes the test run down. The case runs against the SigV4 test server above, the
      // filesystem backend, MinIO and AWS (live suite).
      'put-delete-race':
        's3rver 3.7.1 crashes (uncaught ENOENT in its file store) on a put racing a delete in one folder',
    },
  },
);
afterAll(async () => {
  await s3rver?.close();
  if (s3rverDir) await rm(s3rverDir, { recursive: true, force: true });
});

describe('S3CompatibleStorage over HTTP', () => {
  it('retries 5xx answers: two 503s, then the call succeeds', async () => {
    const storage = freshStorage({ maxAttempts: 3 });
    await storage.putObject('k', 'v');
    const before = server.requests.length;
    server.failNext(2, 503, 'SlowDown');
    expect(new TextDecoder().decode((await storage.getObject('k'))!)).toBe('v');
    expect(server.requests.length - before).toBe(3);
  });

  it('gives up after maxAttempts with a StorageError naming bucket, key and status', async () => {
    const storage = freshStorage({ maxAttempts: 2 });
    server.failNext(2, 500, 'InternalError');
    const error = await storage.putObject('profiles/u1.json', '{}').catch((e: unknown) => e);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as StorageError).message).toMatch(
      /putObject of "profiles\/u1\.json" in bucket "bucket-\d+" at http:\/\/127\.0\.0\.1:\d+ failed \(500 InternalError, 2 attempts\)/,
    );
    expect((error as StorageError).details).toMatchObject({
      key: 'profiles/u1.json',
      status: 500,
      code: 'InternalError',
      attempts: 2,
    });
  });

  it('times out a stalled server within the configured time', async () => {
    const storage = freshStorage({ requestTimeoutMs: 300, maxAttempts: 2 });
    await storage.putObject('k', 'v');
    server.stallNext(2);
    const started = Date.now();
    const error = await storage.getObject('k').catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(StorageError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/timed out \(request timeout 300 ms, 2 attempts\)/);
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(2 * 300 + 1500); // two attempts plus the SDK's backoff
  });

  it('recovers from a stall: the retry after a timeout succeeds', async () => {
    const storage = freshStorage({ requestTimeoutMs: 300, maxAttempts: 3 });
    await storage.putObject('k', 'v');
    server.stallNext(1);
    expect(new TextDecoder().decode((await storage.getObject('k'))!)).toBe('v');
  });

  it('names bucket and endpoint when the bucket does not exist, for every operation', async () => {
    const storage = new S3CompatibleStorage({
      bucket: 'no-such-bucket',
      endpointUrl: server.endpoint,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
    });
    const expected = new RegExp(
      `\\[memory/s3\\] bucket "no-such-bucket" not found at ${server.endpoint.replaceAll('.', '\\.')}: create it or check endpoint`,
    );
    for (const call of [
      () => storage.getObject('k'),
      () => storage.headObject('k'),
      () => storage.putObject('k', 'v'),
      () => storage.deleteObject('k'),
      () => storage.listPrefix(''),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(StorageError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(expected);
      expect((error as StorageError).details).toMatchObject({ bucket: 'no-such-bucket', status: 404 });
    }
  });

  it('refuses wrong credentials with a StorageError that never contains the secret', async () => {
    const storage = freshStorage({ secretKey: 'wrong-secret-value' });
    const error = await storage.getObject('k').catch((e: unknown) => e);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/refused \(403 SignatureDoesNotMatch\): check the access key/);
    expect(JSON.stringify({ m: (error as Error).message, d: (error as StorageError).details })).not.toContain(
      'wrong-secret-value',
    );
  });

  it("maps AWS's 404 for If-Match on a missing key to ConflictError", async () => {
    const storage = freshStorage();
    const error = await storage.putObject('missing', 'v', { ifMatch: '"0123"' }).catch((e: unknown) => e);
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((error as ConflictError).details).toMatchObject({ status: 404, code: 'NoSuchKey' });
  });

  it('sends requests path-style to the endpoint, with the prefix in the key', async () => {
    const storage = freshStorage({ prefix: '/tenant-a/' });
    const before = server.requests.length;
    await storage.putObject('profiles/中文用户.json', '{}');
    const url = server.requests[before]!.url.split('?')[0];
    expect(url).toBe(`/${storage.bucket}/tenant-a/profiles/${encodeURIComponent('中文用户')}.json`);
    expect(await storage.listPrefix('')).toEqual(['profiles/中文用户.json']);
  });

  it('can refuse conditional writes for a store that ignores them', async () => {
    const storage = freshStorage({ conditionalWrites: false });
    await expect(storage.putObject('k', 'v', { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(await storage.getObject('k')).toBeNull();
  });

  it('is what createLongTermStorage builds for an s3:// URL', async () => {
    const bucket = `bucket-${++buckets}`;
    server.createBucket(bucket);
    const storage = await createLongTermStorage(
      `s3://${bucket}?endpoint=${encodeURIComponent(server.endpoint)}&prefix=long_term/`,
      { adapters: [s3Adapter({ maxAttempts: 2 })], accessKey: server.accessKey, secretKey: server.secretKey },
    );
    expect(storage).toBeInstanceOf(S3CompatibleStorage);
    expect((storage as S3CompatibleStorage).prefix).toBe('long_term/');
    await storage.putObject('profiles/u1.json', '{"user_id":"u1"}');
    const direct = freshStorage();
    expect(direct.bucket).not.toBe(bucket);
    const raw = new S3CompatibleStorage({
      bucket,
      endpointUrl: server.endpoint,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
    });
    expect(await raw.listPrefix('')).toEqual(['long_term/profiles/u1.json']);
  });
});
