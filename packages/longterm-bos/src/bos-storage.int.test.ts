import { ConflictError, InvalidInputError, StorageError, UnsupportedError } from '@memory/errors';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBosFixture, type BosFixture } from '../test/fixture/bos-fixture-server.js';
import { BosObjectStorage } from './bos-storage.js';
import type { BosStorageOptions } from './bos-storage-options.js';

const ACCESS_KEY = 'fixture-ak';
const SECRET_KEY = 'fixture-sk-0123456789';
const BUCKET = 'memory-test';

let fixture: BosFixture;

beforeAll(async () => {
  fixture = await startBosFixture({ credentials: { [ACCESS_KEY]: SECRET_KEY }, buckets: [BUCKET] });
});
afterAll(() => fixture.close());
afterEach(() => {
  fixture.buckets.get(BUCKET)?.clear();
  fixture.requests.length = 0;
});

function storage(options: Partial<BosStorageOptions> = {}): BosObjectStorage {
  return new BosObjectStorage({
    bucket: BUCKET,
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    endpoint: fixture.endpoint,
    ...options,
  });
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));

describe('BosObjectStorage on the BOS fixture (real SDK, signatures verified)', () => {
  it('writes, reads, describes and deletes objects, keys in the original formats', async () => {
    const store = storage();
    const profile = JSON.stringify({ traits: { communication_style: '直接' } });
    const put = await store.putObject('profiles/中文用户.json', profile, { contentType: 'application/json' });
    expect(put.etag).toMatch(/^"[0-9a-f]{32}"$/);

    expect(text(await store.getObject('profiles/中文用户.json'))).toBe(profile);
    const head = await store.headObject('profiles/中文用户.json');
    expect(head).toMatchObject({ etag: put.etag, size: Buffer.byteLength(profile), contentType: 'application/json' });
    expect(head?.lastModified).toBeInstanceOf(Date);

    await store.putObject('knowledge/u 1 (x)!*.jsonl', new Uint8Array([0, 255, 10]));
    expect(await store.getObject('knowledge/u 1 (x)!*.jsonl')).toEqual(new Uint8Array([0, 255, 10]));
    expect((await store.headObject('knowledge/u 1 (x)!*.jsonl'))?.contentType).toBe('application/octet-stream');

    await store.deleteObject('profiles/中文用户.json');
    expect(await store.getObject('profiles/中文用户.json')).toBeNull();
    expect(await store.headObject('profiles/中文用户.json')).toBeNull();
    await expect(store.deleteObject('profiles/中文用户.json')).resolves.toBeUndefined();
  });

  it('stores an empty object and sends Content-MD5 the server checks', async () => {
    const store = storage();
    await store.putObject('empty', '');
    expect(await store.getObject('empty')).toEqual(new Uint8Array());
    const put = fixture.requests.find((request) => request.method === 'PUT');
    expect(put?.headers['content-md5']).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
  });

  it('keeps objects of different prefixes apart', async () => {
    const a = storage({ prefix: 'tenant-a' });
    const b = storage({ prefix: 'tenant-b/' });
    await a.putObject('profiles/u1.json', 'A');
    await b.putObject('profiles/u1.json', 'B');
    expect([...(fixture.buckets.get(BUCKET)?.keys() ?? [])].sort()).toEqual([
      'tenant-a/profiles/u1.json',
      'tenant-b/profiles/u1.json',
    ]);
    expect(text(await a.getObject('profiles/u1.json'))).toBe('A');
    expect(await a.listPrefix('')).toEqual(['profiles/u1.json']);
    expect(await b.listPrefix('profiles/')).toEqual(['profiles/u1.json']);
  });

  it('pages through more than 1000 keys with the marker, sorted by UTF-8 bytes', async () => {
    const expected: string[] = [];
    for (let i = 0; i < 2345; i++) {
      const key = `p/knowledge/u${String(i).padStart(5, '0')}.jsonl`;
      fixture.seed(BUCKET, key, 'x');
      expected.push(key.slice(2));
    }
    fixture.seed(BUCKET, 'p/knowledge/\u{1F600}.jsonl', 'x');
    fixture.seed(BUCKET, 'p/knowledge/\uFF5E.jsonl', 'x');
    fixture.seed(BUCKET, 'p/other/u1.json', 'x');
    fixture.seed(BUCKET, 'q/knowledge/u1.jsonl', 'x');
    const store = storage({ prefix: 'p' });

    const keys = await store.listPrefix('knowledge/');
    expect(keys).toEqual([...expected, 'knowledge/\uFF5E.jsonl', 'knowledge/\u{1F600}.jsonl']);
    const lists = fixture.requests.filter((request) => request.method === 'GET' && request.key === '');
    expect(lists.map((request) => [request.query.get('maxKeys'), request.query.get('marker')])).toEqual([
      ['1000', null],
      ['1000', 'p/knowledge/u00999.jsonl'],
      ['1000', 'p/knowledge/u01999.jsonl'],
    ]);

    const streamed: string[] = [];
    for await (const key of store.iteratePrefix('knowledge/')) streamed.push(key);
    expect(streamed).toEqual(keys);
    expect(await store.listPrefix('nothing/')).toEqual([]);
  });

  it('answers a wrong secret key with a typed 403 StorageError that leaks no secret', async () => {
    const wrong = 'wrong-secret-do-not-print';
    const store = storage({ secretKey: wrong });
    const error = await store.getObject('profiles/u1.json').then(
      () => expect.unreachable(),
      (e: unknown) => e as StorageError,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(error.details).toMatchObject({
      bucket: BUCKET,
      key: 'profiles/u1.json',
      status: 403,
      code: 'SignatureDoesNotMatch',
      attempts: 1,
    });
    expect(error.message).toMatch(
      /^\[memory\/bos\] reading "profiles\/u1\.json" in bucket "memory-test" at http:\/\/127\.0\.0\.1:\d+ was refused \(HTTP 403 SignatureDoesNotMatch\)/,
    );
    const visible = JSON.stringify({ message: error.message, details: error.details, stack: error.stack });
    for (const secret of [wrong, SECRET_KEY, 'bce-auth-v1']) expect(visible).not.toContain(secret);
    await expect(store.putObject('k', 'v')).rejects.toMatchObject({ details: { status: 403 } });
    expect(fixture.buckets.get(BUCKET)?.size).toBe(0);
  });

  it('retries 503 twice, then succeeds', async () => {
    const store = storage();
    await store.putObject('profiles/u1.json', 'v1');
    fixture.requests.length = 0;
    fixture.fault({ kind: 'status', status: 503, code: 'ServiceUnavailable' });
    fixture.fault({ kind: 'status', status: 503, code: 'ServiceUnavailable' });
    expect(text(await store.getObject('profiles/u1.json'))).toBe('v1');
    expect(fixture.requests.map((request) => request.status)).toEqual([503, 503, 200]);
  });

  it('gives up after maxAttempts with the last status', async () => {
    const store = storage({ maxAttempts: 2 });
    for (let i = 0; i < 2; i++) fixture.fault({ kind: 'status', status: 500, code: 'InternalError' });
    await expect(store.putObject('k', 'v')).rejects.toMatchObject({
      name: 'StorageError',
      details: { status: 500, code: 'InternalError', attempts: 2 },
    });
    expect(fixture.requests).toHaveLength(2);
  });

  it('retries a dropped connection', async () => {
    const store = storage();
    fixture.fault({ kind: 'reset' });
    await store.putObject('k', 'v');
    expect(text(await store.getObject('k'))).toBe('v');
  });

  it('retries a response cut off mid-body at once, instead of waiting for the timeout', async () => {
    const store = storage({ requestTimeoutMs: 10_000 });
    const body = 'x'.repeat(64 * 1024);
    await store.putObject('k', body);
    fixture.fault({ kind: 'truncate', match: (request) => request.method === 'GET' });
    const started = Date.now();
    expect(text(await store.getObject('k'))).toBe(body);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(fixture.requests.filter((request) => request.method === 'GET')).toHaveLength(2);
  });

  it('aborts a stalled request within the configured time and frees its socket', async () => {
    const store = storage({ requestTimeoutMs: 300, maxAttempts: 1 });
    fixture.fault({ kind: 'stall' });
    const started = Date.now();
    const error = await store.getObject('k').then(
      () => expect.unreachable(),
      (e: unknown) => e as StorageError,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/reading "k" in bucket "memory-test" at .* timed out after 300 ms: /);
    expect(error.details).toMatchObject({ reason: 'timeout', timeoutMs: 300 });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    // The request was really aborted (not just abandoned): the server sees the client hang up.
    await expect.poll(() => fixture.stalled.at(-1)?.destroyed, { timeout: 2_000 }).toBe(true);
  });

  it('retries after a stalled attempt times out', async () => {
    const store = storage({ requestTimeoutMs: 300, maxAttempts: 2 });
    await store.putObject('k', 'v');
    fixture.fault({ kind: 'stall' });
    expect(text(await store.getObject('k'))).toBe('v');
  });

  it('reports a missing bucket clearly from every operation', async () => {
    const store = storage({ bucket: 'no-such-bucket' });
    const message = `[memory/bos] bucket "no-such-bucket" not found at ${fixture.endpoint}: create it or check endpoint`;
    await expect(store.getObject('k')).rejects.toThrow(message);
    await expect(store.headObject('k')).rejects.toThrow(message);
    await expect(store.putObject('k', 'v')).rejects.toThrow(message);
    await expect(store.deleteObject('k')).rejects.toThrow(message);
    await expect(store.listPrefix('')).rejects.toThrow(message);
    await expect(store.headObject('k')).rejects.toMatchObject({
      name: 'StorageError',
      details: { bucket: 'no-such-bucket', status: 404 },
    });
  });

  it('checks the bucket once when a HEAD 404 cannot tell a missing object from a missing bucket', async () => {
    const store = storage();
    expect(await store.headObject('a')).toBeNull();
    expect(await store.headObject('b')).toBeNull();
    const bucketChecks = fixture.requests.filter((request) => request.method === 'HEAD' && request.key === '');
    expect(bucketChecks).toHaveLength(1);
  });

  it('reports an unreachable endpoint as a StorageError naming it', async () => {
    const closed = await startBosFixture({ credentials: {} });
    await closed.close();
    const store = storage({ endpoint: closed.endpoint, maxAttempts: 1 });
    await expect(store.getObject('k')).rejects.toThrow(
      new RegExp(`at ${closed.endpoint} failed: ECONNREFUSED: check endpoint and network`),
    );
  });

  it('addresses the bucket in the path for a non-IP, non-BOS host', async () => {
    const store = storage({ endpoint: fixture.endpoint.replace('127.0.0.1', 'localhost') });
    await store.putObject('k', 'v');
    expect(fixture.requests.at(-1)).toMatchObject({ bucket: BUCKET, key: 'k', status: 200 });
  });

  describe('conditional writes', () => {
    it("creates with ifNoneMatch: '*' and refuses to overwrite with ConflictError", async () => {
      const store = storage({ prefix: 'p' });
      await store.putObject('profiles/u1.json', 'first', { ifNoneMatch: '*' });
      expect(fixture.requests.at(-1)?.headers['x-bce-forbid-overwrite']).toBe('true');
      const error = await store.putObject('profiles/u1.json', 'second', { ifNoneMatch: '*' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ details: { bucket: BUCKET, key: 'p/profiles/u1.json', status: 412 } });
      expect(text(await store.getObject('profiles/u1.json'))).toBe('first');
      await store.putObject('profiles/u1.json', 'third');
      expect(fixture.requests.at(-1)?.headers['x-bce-forbid-overwrite']).toBeUndefined();
      expect(text(await store.getObject('profiles/u1.json'))).toBe('third');
    });

    it("lets exactly one of 8 concurrent ifNoneMatch: '*' creators win", async () => {
      const store = storage();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.putObject('profiles/new.json', `creator ${i}`, { ifNoneMatch: '*' })),
      );
      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results)
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(ConflictError);
      expect(text(await store.getObject('profiles/new.json'))).toBe(`creator ${winners[0]}`);
    });

    it('maps a 409 answer to forbid-overwrite to ConflictError too', async () => {
      const other = await startBosFixture({
        credentials: { [ACCESS_KEY]: SECRET_KEY },
        buckets: [BUCKET],
        forbidOverwriteStatus: 409,
      });
      try {
        const store = storage({ endpoint: other.endpoint });
        await store.putObject('k', 'a', { ifNoneMatch: '*' });
        await expect(store.putObject('k', 'b', { ifNoneMatch: '*' })).rejects.toMatchObject({
          name: 'ConflictError',
          details: { status: 409 },
        });
      } finally {
        await other.close();
      }
    });

    it('treats its own lost create as success when the retry finds the same bytes', async () => {
      const store = storage();
      fixture.fault({ kind: 'drop-after', match: (request) => request.method === 'PUT' });
      const result = await store.putObject('k', 'mine', { ifNoneMatch: '*' });
      expect(result.etag).toBe((await store.headObject('k'))?.etag);
      fixture.fault({ kind: 'drop-after', match: (request) => request.method === 'PUT' });
      await expect(store.putObject('k', 'different', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses ifMatch without sending anything', async () => {
      const store = storage();
      await store.putObject('k', 'v');
      const before = fixture.requests.length;
      await expect(store.putObject('k', 'w', { ifMatch: (await store.headObject('k'))!.etag })).rejects.toBeInstanceOf(
        UnsupportedError,
      );
      expect(fixture.requests.length).toBe(before + 1); // only the head above
      expect(text(await store.getObject('k'))).toBe('v');
    });
  });

  it('refuses keys BOS or the SDK would alter', async () => {
    const store = storage();
    await expect(store.putObject('a/./b', 'v')).rejects.toBeInstanceOf(InvalidInputError);
    expect(fixture.requests).toHaveLength(0);
  });
});
