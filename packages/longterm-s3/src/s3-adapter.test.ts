import { ConfigurationError } from '@memory/errors';
import { createLongTermStorage } from '@memory/longterm-core';
import { describe, expect, it } from 'vitest';
import { s3Adapter, toS3Options } from './s3-adapter.js';
import { S3CompatibleStorage } from './s3-compatible-storage.js';

const settings = { backend: 's3', params: {}, env: {}, cwd: '/' } as const;

describe('s3Adapter', () => {
  it('maps the URL settings and credentials onto the storage options, over the defaults', () => {
    expect(
      toS3Options(
        {
          ...settings,
          bucket: 'mem',
          endpoint: 'http://localhost:9000',
          region: 'eu-west-1',
          prefix: 'long_term/',
          accessKey: 'AKIA',
          secretKey: 'shh',
          params: { forcePathStyle: false },
        },
        { requestTimeoutMs: 1_000, region: 'us-west-2' },
      ),
    ).toEqual({
      bucket: 'mem',
      endpointUrl: 'http://localhost:9000',
      region: 'eu-west-1',
      prefix: 'long_term/',
      forcePathStyle: false,
      accessKey: 'AKIA',
      secretKey: 'shh',
      requestTimeoutMs: 1_000,
    });
    expect(toS3Options({ ...settings, bucket: 'b' })).toEqual({ bucket: 'b' });
  });

  it('refuses a missing bucket and a forcePathStyle that is not a boolean', () => {
    expect(() => toS3Options({ ...settings })).toThrow(ConfigurationError);
    expect(() => toS3Options({ ...settings, bucket: 'b', params: { forcePathStyle: 'yes' } })).toThrow(
      /forcePathStyle must be true or false/,
    );
  });

  it('builds an S3 storage for s3:// and minio:// URLs and for a bare bucket in a config dict', async () => {
    const adapters = [s3Adapter()];
    const fromUrl = await createLongTermStorage('minio://mem?endpoint=http://localhost:9000&region=eu-west-1', {
      adapters,
    });
    expect(fromUrl).toBeInstanceOf(S3CompatibleStorage);
    expect(await (fromUrl as S3CompatibleStorage).client.config.region()).toBe('eu-west-1');
    const fromDict = await createLongTermStorage({ bucket: 'mem', prefix: 'p' }, { adapters });
    expect(fromDict).toBeInstanceOf(S3CompatibleStorage);
    expect((fromDict as S3CompatibleStorage).prefix).toBe('p/');
  });
});
