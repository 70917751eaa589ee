import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from './s3-test-server.js';

// The test server is what the adapter's conformance run trusts for conditional writes and
// pagination, so it is checked here against the bare SDK and raw HTTP.
let server: S3TestServer;
let client: S3Client;
beforeAll(async () => {
  server = await startS3TestServer({ buckets: ['b'] });
  client = new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

describe('S3 test server', () => {
  it('refuses unsigned requests and requests signed with another secret', async () => {
    const unsigned = await fetch(`${server.endpoint}/b/k`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
    const wrong = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKey, secretAccessKey: 'other' },
      maxAttempts: 1,
    });
    await expect(wrong.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    wrong.destroy();
  });

  it('implements If-None-Match: * and If-Match on PUT as AWS documents', async () => {
    const first = await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'c', Body: 'one', IfNoneMatch: '*' }));
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'b', Key: 'c', Body: 'two', IfNoneMatch: '*' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'b', Key: 'c', Body: 'two', IfMatch: '"stale"' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'b', Key: 'missing', Body: 'x', IfMatch: first.ETag })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    const second = await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'c', Body: 'two', IfMatch: first.ETag }));
    expect(second.ETag).not.toBe(first.ETag);
  });

  it('pages ListObjectsV2 with continuation tokens in UTF-8 byte order', async () => {
    const keys = ['p/a', 'p/b', 'p/\uFF5E', 'p/\u{1F600}', 'p/c d'];
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: 'b', Key, Body: 'x' }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: 'b', Prefix: 'p/', MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(['p/a', 'p/b', 'p/c d', 'p/\uFF5E', 'p/\u{1F600}']);
  });
});
