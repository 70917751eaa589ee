import { runStorageConformance } from '@memory/longterm-core/testing';
import { afterAll, beforeAll } from 'vitest';
import { startBosFixture, type BosFixture } from '../test/fixture/bos-fixture-server.js';
import { BosObjectStorage } from './bos-storage.js';

// The shared LongTermStorage contract, through the real SDK, against the signature-checking
// BOS fixture. BOS honours ifNoneMatch but not ifMatch (capabilities.ifNoneMatch: true), so
// the suite runs its create-only cases and checks that ifMatch alone is refused.
let fixture: BosFixture;
beforeAll(async () => {
  fixture = await startBosFixture({ credentials: { 'conformance-ak': 'conformance-sk' }, buckets: ['conformance'] });
});
afterAll(() => fixture.close());

runStorageConformance(
  'BosObjectStorage (fixture)',
  () => ({
    storage: new BosObjectStorage({
      bucket: 'conformance',
      accessKey: 'conformance-ak',
      secretKey: 'conformance-sk',
      endpoint: fixture.endpoint,
      prefix: 'suite',
      requestTimeoutMs: 10_000,
    }),
  }),
  {
    conditionalWrites: false,
    concurrency: 16,
  },
);
