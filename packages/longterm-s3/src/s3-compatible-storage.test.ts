import { S3Client, S3ServiceException, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { ConflictError, InvalidInputError, StorageError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { S3CompatibleStorage } from './s3-compatible-storage.js';

// Unit tests: no network. The client is replaced by an object answering `send` the way the SDK
// does (resolved outputs, S3ServiceException failures).
function sdkError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1 },
    message: name,
  });
}

function withClient(
  send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => Promise<unknown>,
  extra = {},
) {
  return new S3CompatibleStorage({ bucket: 'b', client: { send } as unknown as S3Client, ...extra });
}

describe('S3CompatibleStorage options', () => {
  it('needs a bucket, positive timeouts, and both keys or neither', () => {
    expect(() => new S3CompatibleStorage({ bucket: '' })).toThrow(InvalidInputError);
    expect(() => new S3CompatibleStorage({ bucket: 'b', requestTimeoutMs: 0 })).toThrow(InvalidInputError);
    expect(() => new S3CompatibleStorage({ bucket: 'b', maxAttempts: 1.5 })).toThrow(InvalidInputError);
    expect(() => new S3CompatibleStorage({ bucket: 'b', accessKey: 'AKIA' })).toThrow(/both accessKey and secretKey/);
  });

  it('builds a path-style client for an endpoint, with the given credentials, on first use', async () => {
    const storage = new S3CompatibleStorage({
      bucket: 'b',
      endpointUrl: 'http://localhost:9000',
      accessKey: 'ak',
      secretKey: 'sk',
    });
    const client = storage.client;
    expect(storage.client).toBe(client);
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.region()).toBe('us-east-1');
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://localhost:9000');
    const credentials = await client.config.credentials();
    expect(credentials).toMatchObject({ accessKeyId: 'ak', secretAccessKey: 'sk' });
    expect(await client.config.maxAttempts()).toBe(3);
  });

  it('leaves AWS addressing virtual-hosted and credentials to the default chain', async () => {
    const client = new S3CompatibleStorage({ bucket: 'b', region: 'eu-central-1' }).client;
    expect(client.config.forcePathStyle).toBeFalsy();
    expect(await client.config.region()).toBe('eu-central-1');
  });

  it('uses a given client as is', () => {
    const client = new S3Client({ region: 'us-west-2' });
    expect(new S3CompatibleStorage({ bucket: 'b', client }).client).toBe(client);
  });
});

describe('S3CompatibleStorage calls', () => {
  it('reads a missing key as null and deletes it without error', async () => {
    const storage = withClient(async () => {
      throw sdkError('NoSuchKey', 404);
    });
    expect(await storage.getObject('k')).toBeNull();
    await storage.deleteObject('k');
  });

  it('sends ifMatch / ifNoneMatch and maps 412 and 409 ConditionalRequestConflict to ConflictError', async () => {
    const seen: Array<Record<string, unknown>> = [];
    let answer: Error | undefined = sdkError('PreconditionFailed', 412);
    const storage = withClient(async (command) => {
      seen.push(command.input);
      if (answer) throw answer;
      return { ETag: '"new"' };
    });
    await expect(storage.putObject('k', 'v', { ifMatch: '"old"' })).rejects.toSatisfy((e) =>
      ConflictError.isInstance(e),
    );
    answer = sdkError('ConditionalRequestConflict', 409);
    await expect(storage.putObject('k', 'v', { ifNoneMatch: '*' })).rejects.toSatisfy((e) =>
      ConflictError.isInstance(e),
    );
    answer = undefined;
    expect(await storage.putObject('k', 'v', { contentType: 'application/json' })).toEqual({ etag: '"new"' });
    expect(seen.map((i) => [i.IfMatch, i.IfNoneMatch, i.ContentType])).toEqual([
      ['"old"', undefined, 'application/octet-stream'],
      [undefined, '*', 'application/octet-stream'],
      [undefined, undefined, 'application/json'],
    ]);
  });

  it('follows continuation tokens and strips the prefix from listed keys', async () => {
    const calls: ListObjectsV2CommandInput[] = [];
    const storage = withClient(
      async (command) => {
        const input = command.input as unknown as ListObjectsV2CommandInput;
        calls.push(input);
        return input.ContinuationToken
          ? { Contents: [{ Key: 'long_term/profiles/u3.json' }], IsTruncated: false }
          : {
              Contents: [{ Key: 'long_term/profiles/u1.json' }, { Key: 'long_term/profiles/u2.json' }],
              IsTruncated: true,
              NextContinuationToken: 't1',
            };
      },
      { prefix: 'long_term' },
    );
    expect(await storage.listPrefix('profiles/')).toEqual(['profiles/u1.json', 'profiles/u2.json', 'profiles/u3.json']);
    expect(calls.map((c) => [c.Prefix, c.ContinuationToken])).toEqual([
      ['long_term/profiles/', undefined],
      ['long_term/profiles/', 't1'],
    ]);
  });

  it('refuses a truncated page without a token instead of looping or stopping silently', async () => {
    const storage = withClient(async () => ({ Contents: [{ Key: 'a' }], IsTruncated: true }));
    await expect(storage.listPrefix('')).rejects.toSatisfy((e) => StorageError.isInstance(e));
  });

  it('validates keys before any call', async () => {
    let calls = 0;
    const storage = withClient(async () => {
      calls++;
      return {};
    });
    await expect(storage.putObject('', 'v')).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    await expect(storage.getObject('a\0b')).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    expect(calls).toBe(0);
  });

  it('tells a missing bucket from a missing key on HEAD (no error body) with one HeadBucket', async () => {
    const names: string[] = [];
    const storage = withClient(async (command) => {
      names.push(command.constructor.name);
      throw sdkError('NotFound', 404);
    });
    await expect(storage.headObject('k')).rejects.toThrow(
      /bucket "b" not found at AWS \(us-east-1\): create it or check endpoint/,
    );
    expect(names).toEqual(['HeadObjectCommand', 'HeadBucketCommand']);
  });

  it('reads a HEAD 404 as a missing key once the bucket is known to exist', async () => {
    const storage = withClient(async (command) => {
      if (command.constructor.name === 'HeadBucketCommand') return {};
      throw sdkError('NotFound', 404);
    });
    expect(await storage.headObject('k')).toBeNull();
  });
});
