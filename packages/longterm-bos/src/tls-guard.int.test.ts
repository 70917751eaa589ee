import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { StorageError } from '@memory/errors';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BosObjectStorage } from './bos-storage.js';

// @baiducloud/sdk 1.0.7 turns TLS certificate checks off (rejectUnauthorized = false); BosObjectStorage
// puts them back. An HTTPS server with a self-signed certificate stands in for a machine in the
// middle: it must not receive a single byte of the signed request.
let server: Server;
let endpoint: string;
let certificate: string;
let bytesReceived = 0;
let requestsReceived = 0;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  certificate = pems.cert;
  server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    requestsReceived += 1;
    const body = JSON.stringify({ code: 'NoSuchKey', message: 'no such key', requestId: 'tls-test' });
    response.writeHead(404, { 'Content-Type': 'application/json' }).end(body);
  });
  server.on('secureConnection', (socket) => socket.on('data', (chunk: Buffer) => (bytesReceived += chunk.length)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const storage = () => new BosObjectStorage({ bucket: 'b', accessKey: 'ak', secretKey: 'sk', endpoint, maxAttempts: 1 });

describe('TLS certificate checks', () => {
  it('refuses an endpoint whose certificate does not verify, before sending anything', async () => {
    const error = await storage()
      .putObject('profiles/u1.json', 'private profile')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toMatch(
      /TLS certificate of https:\/\/127\.0\.0\.1:\d+ did not verify \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    expect((error as StorageError).details.code).toBe('ERR_TLS_CERT_UNTRUSTED');
    await expect(storage().getObject('profiles/u1.json')).rejects.toBeInstanceOf(StorageError);
    expect(requestsReceived).toBe(0);
    expect(bytesReceived).toBe(0);
  });

  it('talks to the same endpoint once its certificate is trusted', async () => {
    const defaults = getCACertificates('default');
    setDefaultCACertificates([...defaults, certificate]);
    const before = requestsReceived;
    try {
      expect(await storage().getObject('profiles/u1.json')).toBeNull();
      expect(requestsReceived).toBe(before + 1);
    } finally {
      setDefaultCACertificates(defaults);
    }
  });
});
