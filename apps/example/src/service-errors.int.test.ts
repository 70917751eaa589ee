import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';

const DIMS = 8;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * A local OpenAI-compatible `/v1/embeddings` upstream: vectors for ordinary texts; a 500 for a
 * text holding `UPSTREAM-500` (with `retry-after-ms: 1`, so the SDK's retries are quick); a 401
 * for `UPSTREAM-401` (as when the key was revoked).
 */
async function startUpstream(key: string): Promise<{ url: string; server: Server; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      calls++;
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json', 'retry-after-ms': '1' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${key}`) return json(401, { error: { message: 'bad key' } });
      const input = (JSON.parse(raw) as { input: string[] }).input;
      if (input.some((t) => t.includes('UPSTREAM-500'))) return json(500, { error: { message: 'model crashed' } });
      if (input.some((t) => t.includes('UPSTREAM-401'))) return json(401, { error: { message: 'key revoked' } });
      return json(200, {
        object: 'list',
        data: input.map((t, index) => ({
          object: 'embedding',
          index,
          embedding: Array.from({ length: DIMS }, (_, i) => ((t.charCodeAt(i % t.length) % 5) + 1) / 10),
        })),
        model: 'fixture-embed',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, calls: () => calls };
}

describeEachDatabase('service error statuses', (ctx) => {
  const key = `sk-${randomBytes(12).toString('hex')}`;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let memory: MemoryApp;
  let base: string;

  const api = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json; raw: string; headers: Headers }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const raw = await response.text();
    return { status: response.status, body: raw ? JSON.parse(raw) : null, raw, headers: response.headers };
  };

  beforeAll(async () => {
    upstream = await startUpstream(key);
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: 'memory://',
        MEMORY_EMBEDDING_URL: upstream.url,
        MEMORY_EMBEDDING_MODEL: 'fixture-embed',
        MEMORY_EMBEDDING_API_KEY: key,
        MEMORY_EMBEDDING_DIMENSIONS: String(DIMS),
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
    // A trigger makes chosen statements fail with a chosen SQLSTATE, the way a constraint or a
    // bad statement would: real server errors through the routes' real paths.
    await memory.services.db.execute(`
      create or replace function memory_test_raise() returns trigger language plpgsql as $$
      begin
        if new.title like 'raise-%' then
          raise exception 'test trigger: %', new.title using errcode = substr(new.title, 7, 5);
        end if;
        return new;
      end $$`);
    await memory.services.db.execute(
      'create trigger memory_test_raise before insert or update on sessions for each row execute function memory_test_raise()',
    );
    await memory.services.db.execute(`
      create or replace function memory_test_raise_review() returns trigger language plpgsql as $$
      begin
        if new.repo like 'raise-%' then
          raise exception 'test trigger: %', new.repo using errcode = substr(new.repo, 7, 5);
        end if;
        return new;
      end $$`);
    await memory.services.db.execute(
      'create trigger memory_test_raise_review before insert on code_reviews for each row execute function memory_test_raise_review()',
    );
  }, 300_000);

  afterAll(async () => {
    await memory?.app.close();
    await new Promise((ok) => upstream?.server.close(ok));
  });

  it('an embedding upstream failure answers 502 naming the upstream, never the key', async () => {
    const session = (await api('POST', '/sessions', { title: 'embed' })).body;
    const ok = await api('POST', `/sessions/${session.id}/messages`, {
      messages: [{ role: 'user', content: 'ordinary text' }],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.embedded).toBe(1);

    const before = upstream.calls();
    const failed = await api('POST', `/sessions/${session.id}/messages`, {
      messages: [{ role: 'user', content: 'this makes the UPSTREAM-500 model crash' }],
    });
    expect(failed.status).toBe(502);
    expect(upstream.calls() - before).toBeGreaterThan(1); // the SDK retried before giving up
    expect(failed.body).toMatchObject({
      error: 'EMBEDDING_UPSTREAM_FAILED',
      message: expect.stringMatching(
        /^POST \/sessions\/:sessionId\/messages: the embedding service \(fixture-embed at 127\.0\.0\.1:\d+\) failed: .*model crashed.*MEMORY_EMBEDDING_URL/,
      ),
      details: { upstream: expect.stringMatching(/^fixture-embed at 127\.0\.0\.1:\d+$/), upstreamStatus: 500 },
    });
    expect(failed.raw).not.toContain(key);
    // Nothing was stored by the failed request.
    const history = await api('GET', `/sessions/${session.id}/messages`);
    expect(history.body.messages.map((m: Json) => m.content)).toEqual(['ordinary text']);

    // A refused key is the upstream's answer too (the service's configuration, not the client's input).
    const refused = await api('POST', `/sessions/${session.id}/search`, { text: 'UPSTREAM-401 please' });
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: 'EMBEDDING_UPSTREAM_FAILED', details: { upstreamStatus: 401 } });
    expect(refused.raw).not.toContain(key);
  }, 120_000);

  it('a database error that is no outage is never 503: conflict 409, refused value 400, other statement errors 500', async () => {
    const session = (await api('POST', '/sessions', { title: 'db errors' })).body;
    const seen: Record<string, { status: number; body: Json; raw: string; headers: Headers }> = {};
    for (const state of ['23505', '23503', '22P02', '42P01', 'XX000', '23514']) {
      seen[state] = await api('PATCH', `/sessions/${session.id}`, { title: `raise-${state}` });
    }
    expect(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.status]))).toEqual({
      '23505': 409,
      '23503': 409,
      '22P02': 400,
      '42P01': 500,
      XX000: 500,
      '23514': 500,
    });
    for (const answer of Object.values(seen)) {
      expect(answer.headers.get('retry-after')).toBeNull();
      expect(answer.raw).not.toMatch(/127\.0\.0\.1|memory_test_|PGlite/);
    }
    // The library maps a unique violation to its own ConflictError; the other conflicts are mapped here.
    expect(seen['23505']!.body).toMatchObject({ error: 'CONFLICT' });
    expect(seen['23503']!.body).toMatchObject({
      error: 'CONFLICT',
      message: expect.stringMatching(
        /^PATCH \/sessions\/:sessionId: the write conflicts with stored data \(test trigger: raise-23503/,
      ),
      details: { code: '23503' },
    });
    expect(seen['22P02']!.body).toMatchObject({ error: 'INVALID_INPUT', details: { code: '22P02' } });
    expect(seen['42P01']!.body).toMatchObject({ error: 'INTERNAL', message: expect.stringMatching(/^internal error/) });

    // The app's own queries (MikroORM, not the library's SQL) answer the same way.
    const review = await api('POST', `/sessions/${session.id}/code-reviews`, { repo: 'raise-23505' });
    expect(review.status).toBe(409);
    expect(review.body).toMatchObject({ error: 'CONFLICT', details: { code: '23505' } });
    const broken = await api('POST', `/sessions/${session.id}/code-reviews`, { repo: 'raise-42P01' });
    expect(broken.status).toBe(500);
    expect(broken.body.error).toBe('INTERNAL');
    // The session was left as it was.
    expect((await api('GET', `/sessions/${session.id}`)).body.title).toBe('db errors');
  });
});
