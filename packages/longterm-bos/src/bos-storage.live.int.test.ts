import { randomUUID } from 'node:crypto';
import { ConflictError, StorageError, UnsupportedError } from '@memory/errors';
import { mapLimit, runStorageConformance } from '@memory/longterm-core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BosObjectStorage } from './bos-storage.js';
import type { BosStorageOptions } from './bos-storage-options.js';

// Live tests against a real BOS bucket. They run only with credentials in the environment and
// work under a fresh random prefix, deleting what they wrote.
const REQUIRED = ['MEMORY_TEST_BOS_BUCKET', 'BOS_ACCESS_KEY', 'BOS_SECRET_KEY'] as const;
const missing = REQUIRED.filter((name) => !process.env[name]);

if (missing.length > 0) {
  const reason = `set ${missing.join(', ')} (and optionally MEMORY_TEST_BOS_ENDPOINT) to run them`;
  console.log(`[memory/bos] live BOS tests skipped: ${reason}`);
  describe.skip(`BosObjectStorage on live BOS (skipped: ${reason})`, () => {
    it('runs the conformance suite and BOS specifics against a real bucket', () => {});
  });
} else {
  const runPrefix = `memory-test/${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const options = (extra: Partial<BosStorageOptions> = {}): BosStorageOptions => {
    const base: BosStorageOptions = {
      bucket: process.env.MEMORY_TEST_BOS_BUCKET as string,
      accessKey: process.env.BOS_ACCESS_KEY as string,
      secretKey: process.env.BOS_SECRET_KEY as string,
      prefix: runPrefix,
    };
    if (process.env.MEMORY_TEST_BOS_ENDPOINT) base.endpoint = process.env.MEMORY_TEST_BOS_ENDPOINT;
    return { ...base, ...extra };
  };

  runStorageConformance('BosObjectStorage (live BOS)', () => ({ storage: new BosObjectStorage(options()) }), {
    conditionalWrites: false,
    concurrency: 16,
  });

  describe('BosObjectStorage on live BOS: specifics', () => {
    const storage = new BosObjectStorage(options());
    afterAll(async () => {
      await mapLimit(await storage.listPrefix('specifics/'), 16, (key) => storage.deleteObject(key));
    });

    it("does create-only writes with ifNoneMatch: '*' and refuses ifMatch", async () => {
      await storage.putObject('specifics/once.json', 'first', { ifNoneMatch: '*' });
      const conflict = await storage
        .putObject('specifics/once.json', 'second', { ifNoneMatch: '*' })
        .catch((e: unknown) => e);
      // Also records which status BOS uses for x-bce-forbid-overwrite (409 or 412) in the output.
      console.log(`[memory/bos] live forbid-overwrite answer: ${JSON.stringify((conflict as ConflictError).details)}`);
      expect(conflict).toBeInstanceOf(ConflictError);
      expect(Buffer.from((await storage.getObject('specifics/once.json'))!).toString()).toBe('first');
      const head = await storage.headObject('specifics/once.json');
      await expect(storage.putObject('specifics/once.json', 'x', { ifMatch: head!.etag })).rejects.toBeInstanceOf(
        UnsupportedError,
      );
    });

    it('finds BOS ignoring If-Match on PutObject (why ifMatch is refused; fails if BOS starts honouring it)', async () => {
      // The SDK's putObject drops If-Match (header allow-list), so send it through its low-level sendRequest.
      const client = storage.client as unknown as {
        sendRequest(method: string, args: Record<string, unknown>): PromiseLike<unknown>;
      };
      const key = `${storage.prefix}specifics/if-match-probe.txt`;
      const outcome = await Promise.resolve(
        client.sendRequest('PUT', {
          bucketName: storage.bucket,
          key,
          body: Buffer.from('probe'),
          headers: { 'Content-Type': 'text/plain', 'If-Match': '"00000000000000000000000000000000"' },
        }),
      ).then(
        () => 'written despite a wrong If-Match',
        (failure: unknown) => `refused: ${JSON.stringify(failure)}`,
      );
      console.log(`[memory/bos] live PutObject with a wrong If-Match: ${outcome}`);
      expect(outcome, 'BOS now honours If-Match on PutObject: ifMatch could be supported').toBe(
        'written despite a wrong If-Match',
      );
    });

    it('answers a wrong secret key with a 403 StorageError', async () => {
      const wrong = new BosObjectStorage(options({ secretKey: 'definitely-not-the-secret' }));
      const error = await wrong.getObject('specifics/once.json').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).details.status).toBe(403);
    });

    it('reports a missing bucket clearly', async () => {
      const nowhere = new BosObjectStorage(options({ bucket: `memory-missing-${randomUUID().slice(0, 12)}` }));
      await expect(nowhere.getObject('k')).rejects.toThrow(/not found at .*: create it or check endpoint|was refused/);
    });
  });
}
