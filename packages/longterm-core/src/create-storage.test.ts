import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@memory/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLongTermStorage, parseStorageUrl } from './create-storage.js';
import { FileSystemLongTermStorage } from './file-system-storage.js';
import { InMemoryLongTermStorage } from './in-memory-storage.js';
import { PrefixedLongTermStorage } from './with-prefix.js';

const isConfigError = (e: unknown) => ConfigurationError.isInstance(e);

// A stand-in application directory with fake backend packages in node_modules: exercises the
// real package resolution from `cwd` and records the options the factory passes.
let app: string;
beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'memory-app-'));
  for (const [pkg, cls] of [
    ['longterm-s3', 'S3CompatibleStorage'],
    ['longterm-bos', 'BosStorage'],
  ] as const) {
    const dir = join(app, 'node_modules', '@memory', pkg);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: `@memory/${pkg}`, type: 'module', exports: './index.js' }),
    );
    await writeFile(
      join(dir, 'index.js'),
      `export class ${cls} { constructor(options) { this.options = options; this.capabilities = { conditionalWrites: true }; } }\n`,
    );
  }
});
afterAll(() => rm(app, { recursive: true, force: true }));

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

  it('maps an s3:// URL to S3CompatibleStorage options, resolving the package from the app', async () => {
    const storage = (await createLongTermStorage(
      's3://mem-bucket?endpoint=http://localhost:9000&region=eu-west-1&prefix=long_term/&forcePathStyle=false',
      {
        cwd: app,
        accessKey: 'AKIA',
        secretKey: 'shh',
      },
    )) as unknown as { options: unknown };
    expect(storage.options).toEqual({
      bucket: 'mem-bucket',
      endpointUrl: 'http://localhost:9000',
      region: 'eu-west-1',
      prefix: 'long_term/',
      forcePathStyle: false,
      accessKey: 'AKIA',
      secretKey: 'shh',
    });
  });

  it("maps the original's config dict", async () => {
    const s3 = (await createLongTermStorage(
      {
        backend: 's3',
        bucket: 'memory-long-term',
        endpoint_url: 'http://minio:9000',
        access_key: 'minioadmin',
        secret_key: 'minioadmin',
        prefix: 'long_term/',
      },
      { cwd: app },
    )) as unknown as { options: unknown };
    expect(s3.options).toEqual({
      bucket: 'memory-long-term',
      endpointUrl: 'http://minio:9000',
      accessKey: 'minioadmin',
      secretKey: 'minioadmin',
      prefix: 'long_term/',
    });
    const bos = (await createLongTermStorage(
      { type: 'bos', bucket: 'ai-memory', endpoint: 'https://bj.bcebos.com', access_key: 'ak', secret_key: 'sk' },
      { cwd: app },
    )) as unknown as {
      options: unknown;
    };
    expect(bos.options).toEqual({
      bucket: 'ai-memory',
      endpoint: 'https://bj.bcebos.com',
      accessKey: 'ak',
      secretKey: 'sk',
    });
    const inferred = (await createLongTermStorage(
      { bucket: 'ai-memory', endpoint: 'https://gz.bcebos.com', access_key: 'ak', secret_key: 'sk' },
      { cwd: app },
    )) as unknown as {
      constructor: { name: string };
    };
    expect(inferred.constructor.name).toBe('BosStorage');
  });

  it('reads BOS credentials from options, then BOS_ACCESS_KEY / BOS_SECRET_KEY', async () => {
    const fromEnv = (await createLongTermStorage('bos://b', {
      cwd: app,
      env: { BOS_ACCESS_KEY: 'envak', BOS_SECRET_KEY: 'envsk' },
    })) as unknown as { options: unknown };
    expect(fromEnv.options).toEqual({ bucket: 'b', accessKey: 'envak', secretKey: 'envsk' });
    await expect(createLongTermStorage('bos://b', { cwd: app, env: {} })).rejects.toSatisfy(
      (e) => isConfigError(e) && /BOS_ACCESS_KEY/.test((e as Error).message),
    );
  });

  it('names the package to install when a backend is missing', async () => {
    // Under `pnpm exec`, NODE_PATH reaches every workspace package, so a real resolution would
    // succeed here: fail the import the way Node does when the package is not installed.
    const empty = await mkdtemp(join(tmpdir(), 'memory-empty-'));
    const importModule = async (s: string) => {
      throw Object.assign(new Error(`Cannot find package '${s}' imported from ${empty}/app.js`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    try {
      await expect(createLongTermStorage('s3://b', { cwd: empty, importModule })).rejects.toSatisfy(
        (e) =>
          isConfigError(e) &&
          /needs the package @memory\/longterm-s3.*pnpm add @memory\/longterm-s3/.test((e as Error).message),
      );
      await expect(
        createLongTermStorage('bos://b', { cwd: empty, importModule, accessKey: 'a', secretKey: 'supersecret' }),
      ).rejects.toSatisfy(
        (e) =>
          isConfigError(e) &&
          /@memory\/longterm-bos/.test((e as Error).message) &&
          !(e as Error).message.includes('supersecret'),
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('does not blame the backend package when one of its own dependencies is missing', async () => {
    const importModule = async () => {
      throw Object.assign(
        new Error(
          "Cannot find package '@aws-sdk/client-s3' imported from /app/node_modules/@memory/longterm-s3/dist/index.js",
        ),
        {
          code: 'ERR_MODULE_NOT_FOUND',
        },
      );
    };
    await expect(createLongTermStorage('s3://b', { importModule })).rejects.toSatisfy(
      (e) =>
        isConfigError(e) &&
        /loading @memory\/longterm-s3 failed: Cannot find package '@aws-sdk\/client-s3'/.test((e as Error).message),
    );
  });

  it('uses an injected importModule', async () => {
    const seen: string[] = [];
    const storage = await createLongTermStorage('s3://b', {
      importModule: async (s) => {
        seen.push(s);
        return {
          S3CompatibleStorage: class {
            capabilities = { conditionalWrites: true };
            constructor(readonly options: unknown) {}
          },
        };
      },
    });
    expect(seen).toEqual(['@memory/longterm-s3']);
    expect((storage as unknown as { options: unknown }).options).toEqual({ bucket: 'b' });
  });

  it('refuses credentials in a URL without echoing them', async () => {
    await expect(createLongTermStorage('s3://b?secretKey=topsecret')).rejects.toSatisfy(
      (e) => isConfigError(e) && !(e as Error).message.includes('topsecret'),
    );
    await expect(createLongTermStorage('s3://b?access_key=AKIAXXXX')).rejects.toSatisfy(isConfigError);
  });

  it('refuses unknown schemes and backends, and buckets missing', async () => {
    await expect(createLongTermStorage('gcs://b')).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage('/just/a/path')).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage({ backend: 'azure' })).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage('s3://')).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage({ backend: 's3' })).rejects.toSatisfy(isConfigError);
    await expect(createLongTermStorage('file://')).rejects.toSatisfy(isConfigError);
  });

  it('parses forcePathStyle and endpoint spellings', () => {
    expect(parseStorageUrl('s3://b?endpoint_url=http://h:1&force_path_style=true')).toMatchObject({
      endpoint: 'http://h:1',
      forcePathStyle: true,
    });
    expect(parseStorageUrl('s3://b?forcePathStyle=0')).toMatchObject({ forcePathStyle: false });
    expect(parseStorageUrl('s3://b')).toMatchObject({ backend: 's3', bucket: 'b', forcePathStyle: undefined });
  });
});
