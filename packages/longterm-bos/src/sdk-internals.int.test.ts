import { ClientRequest, createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBosClient } from './create-bos-client.js';
import { SDK_INTERNALS, hookRequests } from './sdk-internals.js';

// The shape of @baiducloud/sdk that sdk-internals.ts relies on. When one of these fails after an
// SDK update, read the new HttpClient (src/http_client.js) and adapt sdk-internals.ts: abort,
// timeouts and the TLS check of BosObjectStorage all hang on it.
const require = createRequire(import.meta.url);
const sdk = require('@baiducloud/sdk') as { HttpClient: new (config: object) => object };
const installed = (require('@baiducloud/sdk/package.json') as { version: string }).version;
const reviewed = `reviewed for @baiducloud/sdk ${SDK_INTERNALS.reviewedVersion}, installed ${installed}`;

let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((_, response) => response.writeHead(200, { etag: '"e"', 'content-length': '0' }).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('@baiducloud/sdk internals relied on', () => {
  it(`HttpClient has an own "${SDK_INTERNALS.requestField}" field (${reviewed})`, () => {
    const httpClient = new sdk.HttpClient({});
    expect(Object.hasOwn(httpClient, SDK_INTERNALS.requestField), reviewed).toBe(true);
  });

  it(`the per-call signer gets the HttpClient as argument ${SDK_INTERNALS.httpClientArgument + 1}, whose "${SDK_INTERNALS.requestField}" receives each request`, async () => {
    const client = createBosClient({ endpoint, accessKey: 'ak', secretKey: 'sk' });
    const seen: { httpClient?: unknown; requests: unknown[]; signerArgs: number } = { requests: [], signerArgs: 0 };
    const hooked = hookRequests(client, (request) => seen.requests.push(request));
    const config = {
      createSignature(...args: unknown[]) {
        seen.signerArgs = args.length;
        seen.httpClient = args[SDK_INTERNALS.httpClientArgument];
        return hooked.createSignature(...args);
      },
    };
    const response = await client.getObjectMetadata('bucket', 'key', { config });
    expect(response.http_headers, reviewed).toHaveProperty('etag');
    expect(seen.signerArgs, reviewed).toBeGreaterThan(SDK_INTERNALS.httpClientArgument);
    expect(seen.httpClient, reviewed).toBeInstanceOf(sdk.HttpClient);
    expect(seen.requests, reviewed).toHaveLength(1);
    expect(seen.requests[0], reviewed).toBeInstanceOf(ClientRequest);
  });

  it('HttpClient still turns certificate checks off (when this fails, guardTls may be unnecessary: check)', () => {
    const source = (sdk.HttpClient.prototype as { sendRequest: () => unknown }).sendRequest.toString();
    expect(source, reviewed).toMatch(/rejectUnauthorized\s*=\s*false/);
  });
});
