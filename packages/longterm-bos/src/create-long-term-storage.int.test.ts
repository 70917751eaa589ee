import { createLongTermStorage } from '@memory/longterm-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBosFixture, type BosFixture } from '../test/fixture/bos-fixture-server.js';
import { BosStorage } from './bos-storage.js';

// The contract with @memory/longterm-core's URL factory: it imports this package and calls
// `new BosStorage({ bucket, accessKey, secretKey, endpoint?, prefix? })`.
let fixture: BosFixture;
beforeAll(async () => {
  fixture = await startBosFixture({ credentials: { 'url-ak': 'url-sk' }, buckets: ['from-url'] });
});
afterAll(() => fixture.close());

describe("createLongTermStorage('bos://...')", () => {
  it('builds a working BosStorage from a URL and environment credentials', async () => {
    const storage = await createLongTermStorage(
      `bos://from-url?endpoint=${encodeURIComponent(fixture.endpoint)}&prefix=long_term/`,
      {
        env: { BOS_ACCESS_KEY: 'url-ak', BOS_SECRET_KEY: 'url-sk' },
        importModule: (specifier) => (specifier === '@memory/longterm-bos' ? import('./index.js') : import(specifier)),
      },
    );
    expect(storage).toBeInstanceOf(BosStorage);
    expect((storage as BosStorage).prefix).toBe('long_term/');
    await storage.putObject('profiles/u1.json', '{}');
    expect([...(fixture.buckets.get('from-url')?.keys() ?? [])]).toEqual(['long_term/profiles/u1.json']);
  });
});
