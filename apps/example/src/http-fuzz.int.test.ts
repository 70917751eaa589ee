import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { describeEachDatabase } from '@memory/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';
import type { RouteEntry } from './route-table.js';

/**
 * Property-based fuzzing of every route in Fastify's route table (a route added tomorrow is
 * fuzzed without touching this file): path parameters, query strings, headers and JSON bodies
 * derived from the route's own schema with hostile leaves (NUL, lone surrogates, SQL, path
 * traversal, huge strings, edge numbers), plus whole bodies of random JSON, deep nesting and bytes
 * that are not JSON. Goal: never a 5xx (the chat route's "no model configured" 503 aside), never
 * an error logged, nothing written outside the storage folder, every 4xx in the one error shape
 * and naming what was wrong.
 *
 * Runs per route: MEMORY_FUZZ_RUNS (default 30 — the whole file stays well under a minute on CI on
 * both engines); `MEMORY_FUZZ_RUNS=500 pnpm vitest run apps/example/src/http-fuzz.int.test.ts` for a
 * long run. A failure prints fast-check's seed and the shrunk request.
 */
const RUNS = Number(process.env.MEMORY_FUZZ_RUNS ?? 30);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

/** Strings an attacker or a broken client sends. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "'; drop table sessions; --",
    "' or '1'='1",
    '1; select pg_sleep(10)',
    '../../etc/passwd',
    '..\\..\\windows\\win.ini',
    '/absolute/key',
    'a/../../b',
    '..',
    '.',
    '%2e%2e%2f',
    '%00',
    'nul\u0000byte',
    'lone \ud800 surrogate',
    'lone \udfff low',
    '\ud83d',
    '\u202eRTL',
    '\ufeffbom',
    '',
    ' ',
    '\r\n',
    '.memory-meta.x.json',
    'profiles/x.json',
    '__proto__',
    'constructor',
    '{"$ne":null}',
    'x'.repeat(70_000),
    '用户'.repeat(300),
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

const edgeNumber = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2 ** 53 + 1,
  1e308,
  -1e308,
  5e-324,
  0.5,
  NaN,
  Infinity,
);

/** Any JSON value, with hostile strings and edge numbers (NaN and ±Infinity become null in JSON). */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    edgeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Request bodies that are not a JSON value a client library would produce. */
const rawBody = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '"just a string"',
    '{"a":1e400}',
    '{"a":-1e400,"b":1e-400}',
    '{"a":123456789012345678901234567890}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"a":"\\u0000"}',
    '{"a":"\\ud800"}',
    '{"a":1,"a":2}',
    '\ufeff{}',
  ),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** Bytes for a path segment or query value: percent-encoded, lone surrogates as their (invalid) UTF-8 bytes. */
function encode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // WTF-8: what a broken client sends for a lone surrogate; not valid UTF-8.
      out +=
        `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(text[i]!);
  }
  return out;
}

interface Known {
  sessionId: string;
  reviewId: string;
  userId: string;
}

/**
 * Values for a schema: mostly of the declared shape with hostile leaves (so the handler runs, not
 * just the validator), sometimes anything at all (type confusion).
 */
function fromSchema(schema: Schema | undefined, known: Known, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== 'object' || depth > 6) return hostileJson;
  const shaped = shapedFromSchema(schema, known, depth);
  return fc.oneof({ arbitrary: shaped, weight: 5 }, { arbitrary: hostileJson, weight: 1 });
}

function shapedFromSchema(schema: Schema, known: Known, depth: number): fc.Arbitrary<unknown> {
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return fc.oneof(...variants.map((v: Schema) => fromSchema(v, known, depth + 1)));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid')
        return fc.oneof(fc.constantFrom(known.sessionId, known.reviewId), fc.uuid(), hostileString);
      if (schema.format === 'date-time')
        return fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.constantFrom(
            '0000-01-01T00:00:00Z',
            '9999-12-31T23:59:59Z',
            '2026-02-30T25:61:00Z',
            '1970-01-01T00:00:00+14:00',
          ),
          hostileString,
        );
      return fc.oneof(fc.constant(known.userId), fc.string({ maxLength: 20 }), hostileString);
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({
          min: typeof schema.minimum === 'number' ? schema.minimum : -1000,
          max: typeof schema.maximum === 'number' ? schema.maximum : 1000,
        }),
        edgeNumber,
        fc.double(),
      );
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const tuple = Array.isArray(schema.prefixItems)
        ? schema.prefixItems
        : Array.isArray(schema.items)
          ? schema.items
          : null;
      if (tuple) return fc.tuple(...tuple.map((s: Schema) => fromSchema(s, known, depth + 1)));
      return fc.array(fromSchema(schema.items as Schema, known, depth + 1), { maxLength: 4 });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      if (Object.keys(properties).length === 0) return fc.dictionary(hostileString, hostileJson, { maxKeys: 4 });
      const shape = Object.fromEntries(
        Object.entries(properties).map(([name, s]) => [name, fromSchema(s, known, depth + 1)]),
      );
      const required = (schema.required ?? []) as string[];
      return fc
        .tuple(fc.record(shape, { requiredKeys: required }), fc.option(fc.tuple(hostileString, hostileJson)))
        .map(([record, extra]) => (extra ? { ...record, [extra[0]]: extra[1] } : record));
    }
    default:
      return hostileJson;
  }
}

/** Every property name a schema mentions, at any depth: what a refusal may name. */
function fieldNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return into;
  const s = schema as Schema;
  if (s.properties && typeof s.properties === 'object')
    for (const [name, child] of Object.entries(s.properties as Record<string, unknown>)) {
      into.add(name);
      fieldNames(child, into);
    }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'prefixItems'])
    for (const child of [s[key]].flat()) fieldNames(child, into);
  return into;
}

interface FuzzRequest {
  params: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };
}

/** Header values a real HTTP client can send (no control characters). */
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom(
    '"etag"',
    'W/"x"',
    '*',
    '"' + 'x'.repeat(5000) + '"',
    "'; drop table sessions; --",
    '../../etc/passwd',
  ),
);

function requestArbitrary(route: RouteEntry, known: Known): fc.Arbitrary<FuzzRequest> {
  const schema = (route.schema ?? {}) as Schema;
  const params = Object.fromEntries(
    route.params.map((name) => {
      const value =
        name === 'sessionId'
          ? fc.oneof(fc.constant(known.sessionId), fc.uuid(), hostileString)
          : name === 'userId'
            ? fc.oneof(fc.constant(known.userId), hostileString)
            : name === 'reviewId'
              ? fc.oneof(fc.constant(known.reviewId), fc.uuid(), hostileString)
              : hostileString;
      return [name, value];
    }),
  );
  // A wildcard route (`/docs/static/*`) takes any rest of the path, traversal included.
  if (route.url.endsWith('*'))
    params['*'] = fc.oneof(
      hostileString,
      fc.constantFrom('../../../../etc/passwd', '..%2f..%2fpackage.json', 'index.html'),
    );
  const queryProps = (schema.querystring?.properties ?? {}) as Record<string, Schema>;
  const query = fc.array(
    fc.oneof(
      ...Object.entries(queryProps).map(([name, s]) =>
        fromSchema(s, known).map((v): [string, string] => [
          name,
          typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'),
        ]),
      ),
      fc.tuple(hostileString, hostileString),
    ),
    { maxLength: 4 },
  );
  const headerProps = Object.keys((schema.headers?.properties ?? {}) as Record<string, Schema>);
  const headers = fc.record(Object.fromEntries(headerProps.map((h) => [h, headerValue])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string>>;
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
  const body: fc.Arbitrary<FuzzRequest['body']> = hasBody
    ? fc.oneof(
        {
          arbitrary: fromSchema(schema.body as Schema | undefined, known).map((value) => ({
            kind: 'json' as const,
            value,
          })),
          weight: 6,
        },
        { arbitrary: hostileJson.map((value) => ({ kind: 'json' as const, value })), weight: 1 },
        { arbitrary: rawBody.map((text) => ({ kind: 'raw' as const, text })), weight: 2 },
        { arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 },
      )
    : fc.oneof(
        { arbitrary: fc.constant({ kind: 'none' as const }), weight: 4 },
        { arbitrary: rawBody.map((text) => ({ kind: 'raw' as const, text })), weight: 1 },
      );
  return fc.record({ params: fc.record(params), query, headers, body });
}

function urlOf(route: RouteEntry, request: FuzzRequest): string {
  let path = route.url.replace(/:(\w+)/g, (_m, name: string) => encode(request.params[name] ?? ''));
  if (path.endsWith('*')) path = path.slice(0, -1) + (request.params['*'] ?? '').split('/').map(encode).join('/');
  const query = request.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return query ? `${path}?${query}` : path;
}

/** Status codes whose answer names no field (who or what, not which input). */
const NAMELESS_STATUSES = new Set([401, 403, 404, 405, 409, 413, 414, 415, 429]);

describeEachDatabase('HTTP fuzzing of every route', (ctx) => {
  let memory: MemoryApp;
  let root: string;
  let storageDir: string;
  const errorLogs: string[] = [];
  const known: Known = { sessionId: '', reviewId: '', userId: 'fuzz-owner' };
  const failures: string[] = [];
  const counts = { requests: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    // The store's folder sits inside an otherwise empty folder: anything written beside it escaped.
    root = await mkdtemp(join(tmpdir(), 'memory-http-fuzz-'));
    storageDir = join(root, 'store');
    await mkdir(storageDir);
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line) continue;
          const entry = JSON.parse(line) as { level?: number };
          if ((entry.level ?? 0) >= 50) errorLogs.push(line.slice(0, 2000));
        }
        done();
      },
    });
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: `file://${storageDir}`,
        MEMORY_EMBEDDING_DIMENSIONS: '16',
        MEMORY_DEMO_DATA: 'false',
        MEMORY_AUTH: 'off',
        MEMORY_RATE_LIMIT: '0',
      }),
      { logger: { level: 'error', stream: logs }, chatModel: null, mcpTokens: null },
    );
    const inject = (method: string, url: string, payload?: unknown) =>
      memory.app.inject({
        method: method as 'POST',
        url,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
    const session = await inject('POST', '/sessions', { userId: known.userId, title: 'fuzz owner' });
    known.sessionId = session.json<{ id: string }>().id;
    await inject('POST', `/sessions/${known.sessionId}/messages`, {
      messages: [{ role: 'user', content: 'the owner likes sailing' }],
    });
    await inject('PATCH', `/users/${known.userId}/profile`, { name: 'Owner' });
    await inject('POST', `/users/${known.userId}/knowledge`, { triples: [['owner', 'likes', 'sailing']] });
    const review = await inject('POST', `/sessions/${known.sessionId}/code-reviews`, { repo: 'owner/repo' });
    known.reviewId = review.json<{ id: string }>().id;
  }, 300_000);

  afterAll(async () => {
    await memory?.app.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("fuzzes every route of Fastify's table: no 5xx, no error logged, every 4xx typed and naming the field", async () => {
    const routes = memory.routes.entries.filter((r) => r.url !== '*' && r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      const names = new Set([
        ...route.params,
        ...fieldNames(route.schema?.querystring),
        ...fieldNames(route.schema?.headers),
        ...fieldNames(route.schema?.body),
      ]);
      await fc
        .assert(
          fc.asyncProperty(requestArbitrary(route, known), async (request) => {
            const url = urlOf(route, request);
            const headers: Record<string, string> = { ...request.headers };
            let payload: string | undefined;
            if (request.body.kind !== 'none') {
              headers['content-type'] = 'application/json';
              payload = request.body.kind === 'raw' ? request.body.text : JSON.stringify(request.body.value);
            }
            const where = `${route.method} ${route.url} as ${route.method} ${url.slice(0, 300)} body ${payload?.slice(0, 300)}`;
            const logsBefore = errorLogs.length;
            const response = await memory.app.inject({
              method: route.method as 'GET',
              url,
              headers,
              ...(payload !== undefined ? { payload } : {}),
            });
            counts.requests++;
            counts.byStatus.set(response.statusCode, (counts.byStatus.get(response.statusCode) ?? 0) + 1);
            const problems: string[] = [];
            const chatUnconfigured =
              route.url === '/chat/:sessionId' &&
              response.statusCode === 503 &&
              response.body.includes('CHAT_MODEL_NOT_CONFIGURED');
            if (response.statusCode >= 500 && !chatUnconfigured)
              problems.push(`status ${response.statusCode}: ${response.body.slice(0, 500)}`);
            if (errorLogs.length > logsBefore) problems.push(`error logged: ${errorLogs.slice(logsBefore).join('\n')}`);
            // HEAD answers carry no body (only the status); /mcp speaks JSON-RPC, not our error shape.
            if (response.statusCode >= 400 && route.method !== 'HEAD' && route.url !== '/mcp') {
              const type = String(response.headers['content-type'] ?? '');
              let body: { error?: unknown; message?: unknown; requestId?: unknown } = {};
              try {
                body = JSON.parse(response.body) as typeof body;
              } catch {
                problems.push(`a ${response.statusCode} that is not JSON (${type}): ${response.body.slice(0, 200)}`);
              }
              if (
                typeof body.error !== 'string' ||
                !/^[A-Z][A-Z_]+$/.test(body.error) ||
                typeof body.message !== 'string' ||
                typeof body.requestId !== 'string'
              )
                problems.push(`a ${response.statusCode} not in the error shape: ${response.body.slice(0, 300)}`);
              else if (response.statusCode === 400) {
                // The route in front of the message (`GET /users/:userId/…: `) names nothing by itself.
                const plain = body.message.replace(/^[A-Z]+ \S*: /, '');
                const squashed = plain.toLowerCase().replace(/[\s_-]/g, '');
                const details = (body as { details?: { field?: unknown; in?: unknown } }).details;
                const named =
                  typeof details?.field === 'string' ||
                  typeof details?.in === 'string' ||
                  [...names, 'body', 'querystring', 'params', 'path', 'JSON', 'content-type'].some((n) =>
                    squashed.includes(n.toLowerCase().replace(/[\s_-]/g, '')),
                  );
                if (!named) problems.push(`a 400 that names no field: ${body.message.slice(0, 300)}`);
              } else if (!NAMELESS_STATUSES.has(response.statusCode) && response.statusCode < 500)
                problems.push(`unexpected ${response.statusCode}: ${response.body.slice(0, 300)}`);
            }
            if (problems.length > 0) {
              failures.push(`${where}\n  ${problems.join('\n  ')}`);
              return false;
            }
            return true;
          }),
          { numRuns: RUNS, endOnFailure: true },
        )
        .catch((error: unknown) => {
          failures.push(
            `${route.method} ${route.url}: ${(error as Error).message.split('\n').slice(0, 6).join(' | ')}`,
          );
        });
    }
    console.log(
      `[http-fuzz] ${ctx.label}: ${routes.length} routes × ${RUNS} runs, ${counts.requests} requests, statuses ${JSON.stringify(Object.fromEntries(counts.byStatus))}`,
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it('regressions the fuzzer found, each answered typed in the one error shape', async () => {
    const logsBefore = errorLogs.length;
    const get = async (url: string) => {
      const response = await memory.app.inject({ method: 'GET', url });
      return {
        status: response.statusCode,
        body: response.json<{ error: string; message: string; details?: Record<string, unknown> }>(),
      };
    };
    // A lookup in a plain object found Object.prototype's keys: readFile of a missing file, a 500.
    for (const name of ['__proto__', 'constructor', 'toString'])
      expect(await get(`/console/${name}`)).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    // Fastify's default maxParamLength (100) answered 414 to valid user ids over 100 characters.
    expect(await get(`/users/${'u'.repeat(200)}/profile`)).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    expect(await get(`/users/${encodeURIComponent('用'.repeat(70))}/knowledge`)).toMatchObject({ status: 200 });
    // A user id the filesystem cannot name (ENAMETOOLONG) was a 502 STORAGE; now a 400 naming the key.
    const tooLongForFiles = await get(`/users/${'u'.repeat(300)}/profile`);
    expect(tooLongForFiles).toMatchObject({ status: 400, body: { error: 'INVALID_INPUT', details: { field: 'key' } } });
    expect(tooLongForFiles.body.message).toContain('use a shorter id');
    // The router's own refusals came in Fastify's shape ({"error":"Bad Request","code":"FST_ERR_…"}).
    const tooLong = await get(`/users/${'u'.repeat(3000)}/profile`);
    expect(tooLong).toMatchObject({ status: 414, body: { error: 'URI_TOO_LONG', details: { in: 'path' } } });
    expect(tooLong.body.message).toContain('path parameter is longer than 2048 characters');
    const badUtf8 = await get('/sessions/%ED%A0%80/messages');
    expect(badUtf8).toMatchObject({ status: 400, body: { error: 'INVALID_INPUT', details: { in: 'path' } } });
    expect(badUtf8.body.message).toContain('not valid UTF-8');
    // now before the year 1 reached PostgreSQL as "-000001-12-25T…": a 503 DATABASE.
    const early = await get('/archive/plan?now=0000-01-01T00:00:00Z');
    expect(early).toMatchObject({ status: 400, body: { error: 'INVALID_INPUT', details: { field: 'now' } } });
    const tooEarlyForPolicy = await get('/archive/plan?now=0001-03-01T00:00:00Z');
    expect(tooEarlyForPolicy).toMatchObject({ status: 400, body: { details: { field: 'now', step: 'deep' } } });
    // A profile patch nested 10 000 deep overflowed the stack in the merge patch: a 500.
    const deep = await memory.app.inject({
      method: 'PATCH',
      url: `/users/${known.userId}/profile`,
      headers: { 'content-type': 'application/json' },
      payload: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({
      error: 'INVALID_INPUT',
      details: { in: 'body', problem: 'too-deep', maxDepth: 64 },
    });
    expect(deep.json().message).toContain('nests deeper than 64 levels');
    // A NUL in a query filter reached PGlite as "insufficient data left in message": a 500.
    const nul = await get(`/audit?actor=${known.userId}&resourceId=nul%00byte`);
    expect(nul).toMatchObject({
      status: 400,
      body: { error: 'INVALID_INPUT', details: { field: 'resourceId', in: 'querystring', problem: 'nul' } },
    });
    expect(nul.body.message).toContain('resourceId contains a NUL character');
    // A user id the filesystem backend keeps for itself (".memory-…") failed the export after
    // its 200 and the first lines were sent: a cut-off body and an error in the log.
    const exported = await get(`/users/.memory-meta.x.json/export`);
    expect(exported).toMatchObject({ status: 400, body: { error: 'INVALID_INPUT', details: { field: 'key' } } });
    expect(errorLogs.slice(logsBefore)).toEqual([]);
  });

  it('a text query whose words embed to the zero vector finds nothing (200), not "no words" (found by the 30-minute soak)', async () => {
    // The hashing embedder's signed features cancel out for some texts ("soak 1386" at 64
    // dimensions): the soak's 100 clients each got one 400 "has no words to search by".
    const texts = Array.from({ length: 5000 }, (_, i) => `soak ${i}`);
    const vectors = await memory.services.embedder.embed(texts);
    const cancelled = texts.find((_, i) => vectors[i]!.every((x) => x === 0));
    expect(cancelled, 'some text embeds to the zero vector at this dimension').toBeDefined();
    const search = (text: string) =>
      memory.app.inject({ method: 'POST', url: `/users/${known.userId}/search`, payload: { text } });
    const answer = await search(cancelled!);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ hits: [] });
    const noWords = await search('?!…');
    expect(noWords.statusCode).toBe(400);
    expect(noWords.json()).toMatchObject({ error: 'INVALID_INPUT', details: { field: 'text' } });
    expect((await search('sailing')).statusCode).toBe(200);
  });

  it('wrote nothing outside the storage folder, and the owner’s data is intact', async () => {
    expect(await readdir(root)).toEqual(['store']);
    const files = (await readdir(storageDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => relative(storageDir, join(e.parentPath, e.name)));
    for (const file of files)
      expect(file, 'an object key outside the known prefixes').toMatch(
        /^(profiles|knowledge|archive|sessions|exports)\//,
      );
    const session = await memory.app.inject({ method: 'GET', url: `/sessions/${known.sessionId}` });
    // The fuzzer may have renamed or deleted it through its own routes; if it is there, it is whole.
    expect([200, 404]).toContain(session.statusCode);
    const health = await memory.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  });
});
