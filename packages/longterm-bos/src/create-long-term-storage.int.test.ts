import { ConfigurationError } from '@memory/errors';
import { createLongTermStorage } from '@memory/longterm-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBosFixture, type BosFixture } from '../test/fixture/bos-fixture-server.js';
import { bosAdapter, toBosOptions } from './bos-adapter.js';
import { BosObjectStorage } from './bos-storage.js';

let fixture: BosFixture;
beforeAll(async () => {
  fixture = await startBosFixture({ credentials: { 'url-ak': 'url-sk' }, buckets: ['from-url'] });
});
afterAll(() => fixture.close());

const settings = { backend: 'bos', params: {}, env: {}, cwd: '/' } as const;

describe('bosAdapter', () => {
  it("builds a working BosObjectStorage for createLongTermStorage('bos://...') with environment credentials", async () => {
    const storage = await createLongTermStorage(
      `bos://from-url?endpoint=${encodeURIComponent(fixture.endpoint)}&prefix=long_term/`,
      { adapters: [bosAdapter()], env: { BOS_ACCESS_KEY: 'url-ak', BOS_SECRET_KEY: 'url-sk' } },
    );
    expect(storage).toBeInstanceOf(BosObjectStorage);
    expect((storage as BosObjectStorage).prefix).toBe('long_term/');
    await storage.putObject('profiles/u1.json', '{}');
    expect([...(fixture.buckets.get('from-url')?.keys() ?? [])]).toEqual(['long_term/profiles/u1.json']);
  });

  it('takes credentials from the options first, then the environment; refuses none, without echoing a secret', () => {
    expect(
      toBosOptions({
        ...settings,
        bucket: 'b',
        accessKey: 'ak',
        secretKey: 'sk',
        env: { BOS_ACCESS_KEY: 'x', BOS_SECRET_KEY: 'y' },
      }),
    ).toEqual({ bucket: 'b', accessKey: 'ak', secretKey: 'sk' });
    expect(toBosOptions({ ...settings, bucket: 'b', env: { BOS_ACCESS_KEY: 'x', BOS_SECRET_KEY: 'y' } })).toEqual({
      bucket: 'b',
      accessKey: 'x',
      secretKey: 'y',
    });
    expect(() => toBosOptions({ ...settings, bucket: 'b', accessKey: 'only-ak' })).toThrow(ConfigurationError);
    expect(() => toBosOptions({ ...settings, bucket: 'b', accessKey: 'only-ak' })).toThrow(/BOS_ACCESS_KEY/);
    expect(() => toBosOptions({ ...settings, accessKey: 'a', secretKey: 'supersecret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('supersecret') }),
    );
  });

  it('recognizes a *.bcebos.com endpoint in a config dict without a backend', async () => {
    const adapter = bosAdapter();
    expect(adapter.detect?.({ ...settings, bucket: 'b', endpoint: 'https://gz.bcebos.com' })).toBe('match');
    expect(adapter.detect?.({ ...settings, bucket: 'b', endpoint: 'https://evil-bcebos.com.example' })).toBeUndefined();
    expect(adapter.detect?.({ ...settings, bucket: 'b', endpoint: 'http://minio:9000' })).toBeUndefined();
    const storage = await createLongTermStorage(
      { bucket: 'ai-memory', endpoint: 'https://gz.bcebos.com', access_key: 'ak', secret_key: 'sk' },
      { adapters: [bosAdapter()] },
    );
    expect(storage).toBeInstanceOf(BosObjectStorage);
    expect((storage as BosObjectStorage).endpoint).toBe('https://gz.bcebos.com');
  });
});
