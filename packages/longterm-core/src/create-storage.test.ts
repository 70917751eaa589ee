import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { createLongTermStorage, parseStorageUrl } from './create-storage.js';
import { FileSystemLongTermStorage } from './file-system-storage.js';
import { InMemoryLongTermStorage } from './in-memory-storage.js';
import { requireBucket, type LongTermStorageAdapter, type LongTermStorageSettings } from './storage-adapter.js';
import { PrefixedLongTermStorage } from './with-prefix.js';

const isConfigError = (e: unknown) => ConfigurationError.isInstance(e);

/** An adapter that records the settings it was given and answers with an in-memory storage. */
function recording(
  name: string,
  schemes: string[],
  detect?: LongTermStorageAdapter['detect'],
): LongTermStorageAdapter & { seen: LongTermStorageSettings[] } {
  const seen: LongTermStorageSettings[] = [];
  return {
    name,
    schemes,
    ...(detect ? { detect } : {}),
    seen,
    create(settings) {
      requireBucket(settings, name);
      seen.push(settings);
      return new InMemoryLongTermStorage();
    },
  };
}

const env = { BOS_ACCESS_KEY: 'not-read-by-the-core' };

describe('createLongTermStorage', () => {
  it('is in-memory when nothing is configured, as the original', async () => {
    expect(await createLongTermStorage()).toBeInstanceOf(InMemoryLongTermStorage);
    expect(await createLongTermStorage(null)).toBeInstanceOf(InMemoryLongTermStorage);
    expect(await createLongTermStorage({})).toBeInstanceOf(InMemoryLongTermStorage);
    expect(await createLongTermStorage('')).toBeInstanceOf(InMemoryLongTermStorage);
    expect(await createLongTermStorage('memory://')).toBeInstanceOf(InMemoryLongTermStorage);
  });

  it('applies ?prefix= to the local backends', async () => {
    const storage = await createLongTermStorage('memory://?prefix=long_term');
    expect(storage).toBeInstanceOf(PrefixedLongTermStorage);
    expect((storage as PrefixedLongTermStorage).prefix).toBe('long_term/');
  });

  it('builds the filesystem backend from absolute and relative file URLs', async () => {
    const abs = await createLongTermStorage('file:///tmp/memory%20store');
    expect(abs).toBeInstanceOf(FileSystemLongTermStorage);
    expect((abs as FileSystemLongTermStorage).rootDir).toBe('/tmp/memory store');
    const rel = await createLongTermStorage('file://./.data/longterm', { cwd: '/srv/app' });
    expect((rel as FileSystemLongTermStorage).rootDir).toBe('/srv/app/.data/longterm');
    const fromConfig = await createLongTermStorage({ backend: 'fs', path: 'store' }, { cwd: '/srv/app' });
    expect((fromConfig as FileSystemLongTermStorage).rootDir).toBe('/srv/app/store');
  });

  it('hands an s3:// URL to the adapter for that scheme, with the URL parsed and the credentials of the options', async () => {
    const s3 = recording('s3', ['s3', 'minio']);
    const bos = recording('bos', ['bos']);
    await createLongTermStorage(
      's3://mem-bucket?endpoint=http://localhost:9000&region=eu-west-1&prefix=long_term/&forcePathStyle=false&tls=on',
      { adapters: [s3, bos], cwd: '/srv/app', env, accessKey: 'AKIA', secretKey: 'shh' },
    );
    expect(bos.seen).toEqual([]);
    expect(s3.seen).toEqual([
      {
        backend: 's3',
        bucket: 'mem-bucket',
        endpoint: 'http://localhost:9000',
        region: 'eu-west-1',
        prefix: 'long_term/',
        accessKey: 'AKIA',
        secretKey: 'shh',
        params: {
          endpoint: 'http://localhost:9000',
          region: 'eu-west-1',
          prefix: 'long_term/',
          forcePathStyle: false,
          tls: 'on',
        },
        env,
        cwd: '/srv/app',
      },
    ]);
  });

  it("maps the original's config dict, and lets adapters recognize a bucket without a backend", async () => {
    const s3 = recording('s3', ['s3', 'minio', 's3compatible'], (s) => (s.bucket ? 'fallback' : undefined));
    const bos = recording('bos', ['bos'], (s) => (s.endpoint && /bcebos\.com/.test(s.endpoint) ? 'match' : undefined));
    const adapters = [s3, bos];
    await createLongTermStorage(
      {
        backend: 'MinIO',
        bucket: 'memory-long-term',
        endpoint_url: 'http://minio:9000',
        access_key: 'minioadmin',
        secret_key: 'minioadmin',
        prefix: 'long_term/',
        force_path_style: true,
      },
      { adapters, env },
    );
    expect(s3.seen.at(-1)).toMatchObject({
      backend: 'minio',
      bucket: 'memory-long-term',
      endpoint: 'http://minio:9000',
      accessKey: 'minioadmin',
      secretKey: 'minioadmin',
      prefix: 'long_term/',
      params: { forcePathStyle: true },
    });
    // The options' credentials win over the dict's.
    await createLongTermStorage(
      { type: 'bos', bucket: 'ai-memory', endpoint: 'https://bj.bcebos.com', access_key: 'ak', secret_key: 'sk' },
      { adapters, accessKey: 'winner', secretKey: 'winner-sk' },
    );
    expect(bos.seen.at(-1)).toMatchObject({ backend: 'bos', accessKey: 'winner', secretKey: 'winner-sk' });
    // No backend: the adapter that recognizes the endpoint wins over the one that takes any bucket,
    // whatever the order of the adapters.
    await createLongTermStorage({ bucket: 'ai-memory', endpoint: 'https://gz.bcebos.com' }, { adapters });
    expect(bos.seen).toHaveLength(2);
    expect(bos.seen.at(-1)).toMatchObject({ backend: 'bos', bucket: 'ai-memory' });
    await createLongTermStorage({ bucket: 'plain', endpoint: 'http://minio:9000' }, { adapters: [bos, s3] });
    expect(s3.seen.at(-1)).toMatchObject({ backend: 's3', bucket: 'plain' });
    await expect(createLongTermStorage({ bucket: 'plain' }, { adapters: [bos] })).rejects.toSatisfy(
      (e) => isConfigError(e) && /no backend/.test((e as Error).message),
    );
  });

  it('lets an application add a backend of its own', async () => {
    const gcs = recording('gcs', ['gcs']);
    await createLongTermStorage('gcs://b?prefix=p/', { adapters: [gcs] });
    expect(gcs.seen[0]).toMatchObject({ backend: 'gcs', bucket: 'b', prefix: 'p/' });
  });

  it('names the adapter to pass when an object-store scheme has none', async () => {
    await expect(createLongTermStorage('s3://b')).rejects.toSatisfy(
      (e) =>
        isConfigError(e) &&
        /s3:\/\/ storage needs its adapter.*adapters: \[s3Adapter\(\) from '@memory\/longterm-s3'\]/.test(
          (e as Error).message,
        ),
    );
    await expect(
      createLongTermStorage({ backend: 'bos', bucket: 'b', secret_key: 'supersecret' }, { adapters: [] }),
    ).rejects.toSatisfy(
      (e) =>
        isConfigError(e) &&
        /bosAdapter\(\) from '@memory\/longterm-bos'/.test((e as Error).message) &&
        !(e as Error).message.includes('supersecret'),
    );
  });

  it('refuses an adapter factory passed without calling it', async () => {
    const factory = () => recording('s3', ['s3']);
    await expect(
      createLongTermStorage('s3://b', { adapters: [factory as unknown as LongTermStorageAdapter] }),
    ).rejects.toSatisfy((e) => isConfigError(e) && /not an adapter/.test((e as Error).message));
  });

  it('refuses credentials in a URL without echoing them', async () => {
    const s3 = recording('s3', ['s3']);
    await expect(createLongTermStorage('s3://b?secretKey=topsecret', { adapters: [s3] })).rejects.toSatisfy(
      (e) => isConfigError(e) && !(e as Error).message.includes('topsecret'),
    );
    await expect(createLongTermStorage('s3://b?access_key=AKIAXXXX', { adapters: [s3] })).rejects.toSatisfy(
      isConfigError,
    );
    expect(s3.seen).toEqual([]);
  });

  it('refuses unknown schemes and backends, and buckets missing', async () => {
    const s3 = recording('s3', ['s3']);
    await expect(createLongTermStorage('gcs://b', { adapters: [s3] })).rejects.toSatisfy(
      (e) =>
        isConfigError(e) &&
        /unknown storage scheme or backend "gcs": use s3:\/\/, memory:\/\/, file:\/\//.test((e as Error).message),
    );
    await expect(createLongTermStorage('/just/a/path')).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage({ backend: 'azure' })).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage('s3://', { adapters: [s3] })).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage('s3://a/b', { adapters: [s3] })).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage({ backend: 's3' }, { adapters: [s3] })).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage('file://')).rejects.toSatisfy(isConfigError);
    expect(s3.seen).toEqual([]);
  });

  it('parses forcePathStyle and endpoint spellings', () => {
    expect(parseStorageUrl('s3://b?endpoint_url=http://h:1&force_path_style=true')).toMatchObject({
      endpoint: 'http://h:1',
      params: { forcePathStyle: true },
    });
    expect(parseStorageUrl('s3://b?forcePathStyle=0').params.forcePathStyle).toBe(false);
    expect(parseStorageUrl('s3://b')).toMatchObject({ backend: 's3', bucket: 'b', params: {} });
  });

  it('imports no backend package and keeps "sideEffects": false', async () => {
    const source = await readFile(new URL('./create-storage.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import[^;]*from '@memory\/longterm-(s3|bos)'/m);
    expect(source).not.toMatch(/\bimport\(/);
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      sideEffects: unknown;
      dependencies: Record<string, string>;
    };
    expect(manifest.sideEffects).toBe(false);
    expect(Object.keys(manifest.dependencies)).toEqual(['@memory/errors']);
  });
});
