/**
 * A small but real S3 protocol server for tests (exported as `@memory/longterm-s3/testing`, so
 * applications can test their S3 paths without MinIO): path-style requests over HTTP, SigV4 signatures
 * verified (header auth, signed or unsigned payload), PutObject with `If-Match` / `If-None-Match`,
 * GetObject, HeadObject, DeleteObject, HeadBucket and ListObjectsV2 with continuation tokens.
 *
 * Why it exists: s3rver (and its fork @20minutes/s3rver) ignore `If-Match` / `If-None-Match` on
 * PUT, so a conformance run against them could not tell a backend that really does
 * compare-and-swap from one that overwrites blindly. This server implements the conditional
 * semantics as AWS documents them (412 PreconditionFailed; 404 NoSuchKey for `If-Match` on a
 * missing key), so the adapter's mapping of both is exercised. It also injects faults (5xx
 * answers, stalls) for the retry and timeout tests. It is test code: one process, memory only.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startS3TestServer}. */
export interface S3TestServerOptions {
  /** Buckets that exist from the start. */
  buckets?: string[];
  accessKey?: string;
  secretKey?: string;
  /** Page size cap of ListObjectsV2 (S3: 1000). */
  maxKeys?: number;
}

interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
}

interface Fault {
  status?: number;
  code?: string;
  stall?: boolean;
}

/** A running {@link startS3TestServer}; credentials are the ones it accepts. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Every request received: method and raw URL. */
  readonly requests: Array<{ method: string; url: string }>;
  createBucket(name: string): void;
  /** The next `count` requests are answered with this status and S3 error code (default 503 SlowDown). */
  failNext(count: number, status?: number, code?: string): void;
  /** The next `count` requests get no answer at all until the server closes. */
  stallNext(count: number): void;
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 on a free port. Stop it with `close()`.
 *
 * @example
 * ```ts
 * const server = await startS3TestServer({ buckets: ['memory'] });
 * const storage = createS3Storage({ bucket: 'memory', endpointUrl: server.endpoint, accessKey: server.accessKey, secretKey: server.secretKey });
 * ```
 */
export async function startS3TestServer(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const accessKey = options.accessKey ?? 'test-access-key';
  const secretKey = options.secretKey ?? 'test-secret-key';
  const maxKeysCap = options.maxKeys ?? 1000;
  const buckets = new Map<string, Map<string, StoredObject>>();
  for (const b of options.buckets ?? []) buckets.set(b, new Map());
  const faults: Fault[] = [];
  const requests: Array<{ method: string; url: string }> = [];
  const stalled = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const body = await readBody(req);
    const fault = faults.shift();
    if (fault?.stall) {
      stalled.add(res);
      return;
    }
    if (fault)
      return sendError(res, fault.status ?? 503, fault.code ?? 'SlowDown', 'Injected fault', req.method === 'HEAD');

    const authError = verifySignature(req, body, accessKey, secretKey);
    if (authError) return sendError(res, 403, authError.code, authError.message, req.method === 'HEAD');

    const url = new URL(req.url ?? '/', 'http://localhost');
    const [bucketName = '', ...keyParts] = url.pathname.slice(1).split('/');
    const bucketDecoded = decodeURIComponent(bucketName);
    const key = keyParts.map(decodeURIComponent).join('/');
    const bucket = buckets.get(bucketDecoded);
    const isHead = req.method === 'HEAD';
    if (!bucket)
      return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', isHead, {
        BucketName: bucketDecoded,
      });

    if (key === '') {
      if (req.method === 'HEAD') return send(res, 200);
      if (req.method === 'GET' && url.searchParams.get('list-type') === '2')
        return listObjectsV2(res, bucket, bucketDecoded, url.searchParams, maxKeysCap);
      return sendError(
        res,
        501,
        'NotImplemented',
        `${req.method} on a bucket is not implemented by the test server`,
        isHead,
      );
    }

    switch (req.method) {
      case 'PUT': {
        const existing = bucket.get(key);
        const ifNoneMatch = header(req, 'if-none-match');
        const ifMatch = header(req, 'if-match');
        if (ifNoneMatch !== undefined) {
          if (ifNoneMatch !== '*')
            return sendError(res, 501, 'NotImplemented', 'If-None-Match on PUT accepts only *', false);
          if (existing)
            return sendError(
              res,
              412,
              'PreconditionFailed',
              'At least one of the pre-conditions you specified did not hold',
              false,
              { Condition: 'If-None-Match' },
            );
        }
        if (ifMatch !== undefined) {
          if (!existing)
            return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', false, { Key: key });
          if (ifMatch !== '*' && stripQuotes(ifMatch) !== stripQuotes(existing.etag)) {
            return sendError(
              res,
              412,
              'PreconditionFailed',
              'At least one of the pre-conditions you specified did not hold',
              false,
              { Condition: 'If-Match' },
            );
          }
        }
        const md5 = header(req, 'content-md5');
        if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) {
          return sendError(
            res,
            400,
            'BadDigest',
            'The Content-MD5 you specified did not match what we received.',
            false,
          );
        }
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        bucket.set(key, {
          body,
          etag,
          contentType: header(req, 'content-type') ?? 'binary/octet-stream',
          lastModified: new Date(),
        });
        res.setHeader('ETag', etag);
        return send(res, 200);
      }
      case 'GET':
      case 'HEAD': {
        const found = bucket.get(key);
        if (!found) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.', isHead, { Key: key });
        res.setHeader('ETag', found.etag);
        res.setHeader('Content-Type', found.contentType);
        res.setHeader('Last-Modified', found.lastModified.toUTCString());
        res.setHeader('Content-Length', String(found.body.length));
        res.statusCode = 200;
        return res.end(isHead ? undefined : found.body);
      }
      case 'DELETE':
        bucket.delete(key);
        return send(res, 204);
      default:
        return sendError(
          res,
          405,
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          isHead,
        );
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', String(error), req.method === 'HEAD');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKey,
    secretKey,
    requests,
    createBucket: (name) => void buckets.set(name, buckets.get(name) ?? new Map()),
    failNext: (count, status = 503, code = 'SlowDown') => {
      for (let i = 0; i < count; i++) faults.push({ status, code });
    },
    stallNext: (count) => {
      for (let i = 0; i < count; i++) faults.push({ stall: true });
    },
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listObjectsV2(
  res: ServerResponse,
  bucket: Map<string, StoredObject>,
  name: string,
  params: URLSearchParams,
  cap: number,
): void {
  const prefix = params.get('prefix') ?? '';
  const maxKeys = Math.min(Number(params.get('max-keys') ?? cap) || cap, cap);
  const token = params.get('continuation-token');
  const startAfter = token ? Buffer.from(token, 'base64url').toString('utf8') : (params.get('start-after') ?? '');
  const keys = [...bucket.keys()]
    .filter((k) => k.startsWith(prefix) && (startAfter === '' || utf8Compare(k, startAfter) > 0))
    .sort(utf8Compare);
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > page.length;
  const contents = page
    .map((k) => {
      const o = bucket.get(k)!;
      return `<Contents><Key>${xml(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const next = truncated
    ? `<NextContinuationToken>${Buffer.from(page.at(-1)!, 'utf8').toString('base64url')}</NextContinuationToken>`
    : '';
  const echoedToken = token ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '';
  res.setHeader('Content-Type', 'application/xml');
  res.statusCode = 200;
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(name)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${echoedToken}${next}${contents}</ListBucketResult>`,
  );
}

/** Checks an `Authorization: AWS4-HMAC-SHA256 ...` header the way S3 does; returns the error to send, if any. */
function verifySignature(
  req: IncomingMessage,
  body: Buffer,
  accessKey: string,
  secretKey: string,
): { code: string; message: string } | undefined {
  const auth = header(req, 'authorization');
  if (!auth) return { code: 'AccessDenied', message: 'Anonymous access is not allowed' };
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) return { code: 'AuthorizationHeaderMalformed', message: 'The authorization header is malformed' };
  const [, keyId, date, region, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (keyId !== accessKey)
    return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  const amzDate = header(req, 'x-amz-date');
  if (!amzDate || !amzDate.startsWith(date))
    return { code: 'AccessDenied', message: 'x-amz-date is missing or does not match the credential scope' };
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(when) || Math.abs(Date.now() - when) > 15 * 60_000)
    return {
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
    };
  const payloadHash = header(req, 'x-amz-content-sha256');
  if (!payloadHash)
    return { code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' };
  if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    if (!/^[0-9a-f]{64}$/.test(payloadHash))
      return {
        code: 'NotImplemented',
        message: `x-amz-content-sha256 ${payloadHash} is not supported by the test server`,
      };
    if (createHash('sha256').update(body).digest('hex') !== payloadHash)
      return {
        code: 'XAmzContentSHA256Mismatch',
        message: 'The provided x-amz-content-sha256 header does not match what was computed.',
      };
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date'))
    return { code: 'AccessDenied', message: 'host and x-amz-date must be signed' };
  const rawUrl = req.url ?? '/';
  const queryAt = rawUrl.indexOf('?');
  const canonicalUri = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
  const canonicalQuery = (queryAt >= 0 ? rawUrl.slice(queryAt + 1) : '')
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const k = decodeURIComponent(eq >= 0 ? pair.slice(0, eq) : pair);
      const v = eq >= 0 ? decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, '%20')) : '';
      return [rfc3986(k), rfc3986(v)] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(header(req, h) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    req.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  let signingKey: Buffer = createHmac('sha256', `AWS4${secretKey}`).update(date).digest();
  for (const part of [region, 's3', 'aws4_request'])
    signingKey = createHmac('sha256', signingKey).update(part).digest();
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  return undefined;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function stripQuotes(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function xml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  isHead: boolean,
  extra: Record<string, string> = {},
): void {
  res.statusCode = status;
  if (isHead) return void res.end(); // S3 answers HEAD errors without a body
  res.setHeader('Content-Type', 'application/xml');
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xml(v)}</${k}>`)
    .join('');
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message>${fields}<RequestId>test</RequestId></Error>`,
  );
}
