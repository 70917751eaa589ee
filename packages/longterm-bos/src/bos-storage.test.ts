import { ConfigurationError, InvalidInputError, UnsupportedError } from '@memory/errors';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BosClientLike } from './bos-client-like.js';
import { BosObjectStorage } from './bos-storage.js';
import { createBosStorage } from './create-bos-storage.js';

/** A client that records calls and fails the test if any request would be sent. */
function refusingClient(): BosClientLike & { calls: string[] } {
  const calls: string[] = [];
  const refuse = (name: string) => () => {
    calls.push(name);
    throw new Error(`unexpected ${name} call`);
  };
  return {
    calls,
    config: { endpoint: 'https://bj.bcebos.com' },
    putObject: refuse('putObject'),
    getObject: refuse('getObject'),
    getObjectMetadata: refuse('getObjectMetadata'),
    deleteObject: refuse('deleteObject'),
    listObjects: refuse('listObjects'),
    headBucket: refuse('headBucket'),
    createSignature: refuse('createSignature'),
  };
}

describe('BosObjectStorage (no network)', () => {
  it('checks its options up front and names what is missing', () => {
    expect(() => new BosObjectStorage({ bucket: '' })).toThrow(ConfigurationError);
    expect(() => new BosObjectStorage({ bucket: 'b' })).toThrow(/accessKey and secretKey are required for bucket "b"/);
    expect(
      () => new BosObjectStorage({ bucket: 'b', accessKey: 'a', secretKey: 's', endpoint: 'bj.bcebos.com' }),
    ).toThrow(/not a URL/);
    expect(() => new BosObjectStorage({ bucket: 'b', accessKey: 'a', secretKey: 's', maxAttempts: 0 })).toThrow(
      /maxAttempts/,
    );
    expect(() => new BosObjectStorage({ bucket: 'b', accessKey: 'a', secretKey: 's', requestTimeoutMs: -1 })).toThrow(
      /requestTimeoutMs/,
    );
    expect(() => new BosObjectStorage({ bucket: 'b', accessKey: 'a', secretKey: 's', prefix: 'a//b' })).toThrow(
      InvalidInputError,
    );
  });

  it('never puts the secret key in a configuration error', () => {
    try {
      new BosObjectStorage({ bucket: 'b', accessKey: 'AKID', secretKey: 'S3CR3T', endpoint: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect(
        JSON.stringify({ message: (error as Error).message, details: (error as ConfigurationError).details }),
      ).not.toContain('S3CR3T');
    }
  });

  it('does not show its credentials when logged or serialized', () => {
    const storage = new BosObjectStorage({
      bucket: 'b',
      accessKey: 'AKID-VISIBLE-NOT',
      secretKey: 'S3CR3T-NEVER-SHOWN',
    });
    void storage.client;
    for (const shown of [inspect(storage, { depth: 5 }), JSON.stringify(storage), String(storage)]) {
      expect(shown).not.toContain('S3CR3T-NEVER-SHOWN');
    }
  });

  it('builds the SDK client on first use, with the defaults', () => {
    const storage = createBosStorage({ bucket: 'b', accessKey: 'a', secretKey: 's' });
    expect(storage).toBeInstanceOf(BosObjectStorage);
    expect(storage.endpoint).toBe('https://bj.bcebos.com');
    const client = storage.client;
    expect(client.config).toMatchObject({ endpoint: 'https://bj.bcebos.com', pathStyleEnable: false });
    expect(storage.client).toBe(client);
  });

  it('uses a client passed in, and reports create-only but not compare-and-swap', () => {
    const client = refusingClient();
    const storage = new BosObjectStorage({ bucket: 'b', client });
    expect(storage.client).toBe(client);
    expect(storage.capabilities).toEqual({ conditionalWrites: false, ifNoneMatch: true });
  });

  it('refuses ifMatch with UnsupportedError instead of ignoring it, before any request', async () => {
    const client = refusingClient();
    const storage = new BosObjectStorage({ bucket: 'b', client });
    await expect(storage.putObject('k', 'v', { ifMatch: '"abc"' })).rejects.toBeInstanceOf(UnsupportedError);
    await expect(storage.putObject('k', 'v', { ifMatch: '"abc"' })).rejects.toThrow(/BOS cannot compare-and-swap/);
    await expect(storage.putObject('k', 'v', { ifMatch: '"a"', ifNoneMatch: '*' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(storage.putObject('k', 'v', { ifNoneMatch: 'x' as '*' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(client.calls).toEqual([]);
  });

  it('refuses keys the SDK would rewrite, before any request', async () => {
    const client = refusingClient();
    const storage = new BosObjectStorage({ bucket: 'b', client });
    await expect(storage.getObject('a/../b')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(storage.putObject('/abs', 'v')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(storage.deleteObject('a//b')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(storage.headObject('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(storage.putObject('k', 42 as unknown as string)).rejects.toBeInstanceOf(InvalidInputError);
    expect(client.calls).toEqual([]);
  });
});
