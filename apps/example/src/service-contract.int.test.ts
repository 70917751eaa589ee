import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDatabase } from '@memory/db/testing';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';
import { ContextBody, SessionBody, SearchBodyResponse, HistoryBody, ProfileBody } from './schemas.js';

const DIMS = 64;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// Issue 14: what a client meets at the HTTP boundary (items 1, 2, 3, 8, 9, 11).
describeEachDatabase('example service contract', (ctx) => {
  let memory: MemoryApp;
  let base: string;
  let storageDir: string;

  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Json; headers: Headers }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: type.includes('application/json') && text ? JSON.parse(text) : text,
    };
  };

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'memory-example-contract-'));
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: `file://${storageDir}`,
        MEMORY_EMBEDDING_DIMENSIONS: String(DIMS),
        MEMORY_DEMO_DATA: 'false',
        MEMORY_CORS_ORIGINS: 'http://localhost:5173',
        MEMORY_BODY_LIMIT: String(64 * 1024),
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await memory?.app.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('item 1: a profile PATCH cannot rewrite user_id', async () => {
    const hijack = await api('PATCH', '/users/alice/profile', { user_id: 'mallory', name: 'Alice' });
    expect(hijack.status).toBe(400);
    expect(hijack.body.message).toMatch(/user_id/);
    const ok = await api('PATCH', '/users/alice/profile', { user_id: 'alice', name: 'Alice' });
    expect(ok.status).toBe(200);
    expect(ok.body.profile.user_id).toBe('alice');
    expect((await api('GET', '/users/alice/profile')).body.profile).toMatchObject({ user_id: 'alice', name: 'Alice' });
  });

  it('item 2: every operation documents its success body, and real answers match it', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    const missing: string[] = [];
    for (const [path, operations] of Object.entries<Record<string, Json>>(doc.paths)) {
      for (const [method, operation] of Object.entries<Json>(operations)) {
        const success = Object.entries<Json>(operation.responses ?? {}).filter(([code]) => /^2\d\d$/.test(code));
        const documented = success.some(([code, r]) => code === '204' || Object.keys(r.content ?? {}).length > 0);
        if (!documented) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(doc.paths['/sessions/{sessionId}'].get.responses['200'].content['application/json'].schema).toBeTruthy();

    // The bodies the service sends conform to the schemas it documents.
    const session = await api('POST', '/sessions', { userId: 'alice', title: 'contract' });
    expect(Value.Check(SessionBody, session.body), JSON.stringify(session.body)).toBe(true);
    await api('POST', `/sessions/${session.body.id}/messages`, {
      messages: [{ role: 'user', content: 'I am vegetarian and I love hiking in the Alps' }],
    });
    const history = await api('GET', `/sessions/${session.body.id}/messages`);
    expect(Value.Check(HistoryBody, history.body)).toBe(true);
    const search = await api('POST', '/users/alice/search', { text: 'hiking Alps' });
    expect(Value.Check(SearchBodyResponse, search.body)).toBe(true);
    expect(Value.Check(ProfileBody, (await api('GET', '/users/alice/profile')).body)).toBe(true);
    const context = await api('POST', `/sessions/${session.body.id}/context`, {});
    expect(Value.Check(ContextBody, context.body)).toBe(true);
  });

  it('item 3: messages are embedded by default; embed:false (request or message) opts out; no score-0 hits', async () => {
    const s = (await api('POST', '/sessions', { userId: 'bob' })).body.id;
    const appended = await api('POST', `/sessions/${s}/messages`, {
      messages: [
        { role: 'user', content: 'My cat Mochi sleeps on the keyboard' },
        { role: 'user', content: 'private note about taxes', embed: false },
      ],
    });
    expect(appended.status).toBe(201);
    expect(appended.body.embedded).toBe(1);
    const history = (await api('GET', `/sessions/${s}/messages`)).body.messages;
    expect(history.map((m: Json) => m.hasEmbedding)).toEqual([true, false]);
    const none = await api('POST', `/sessions/${s}/messages`, {
      embed: false,
      messages: [{ role: 'user', content: 'not embedded either' }],
    });
    expect(none.body.embedded).toBe(0);

    const hits = (await api('POST', `/sessions/${s}/search`, { text: 'cat keyboard' })).body.hits;
    expect(hits.map((h: Json) => h.message.content)).toEqual(['My cat Mochi sleeps on the keyboard']);
    const unrelated = (await api('POST', `/sessions/${s}/search`, { text: 'volcano eruption' })).body.hits;
    expect(unrelated).toEqual([]);
  });

  it('item 8: statuses are names in answers', async () => {
    const created = await api('POST', '/sessions', { userId: 'carol' });
    expect(created.body.status).toBe('active');
    const list = await api('GET', '/sessions?userId=carol&status=1');
    expect(list.body.sessions.map((x: Json) => x.status)).toEqual(['active']);
    expect((await api('GET', '/sessions?userId=carol&status=ACTIVE')).body.sessions).toHaveLength(1);
    expect((await api('GET', '/sessions?userId=carol&status=deleted')).body.sessions).toHaveLength(0);
    const bad = await api('GET', '/sessions?status=7');
    expect(bad.status).toBe(400);
    expect(bad.body.details.allowed).toEqual(['active', 'cold', 'deep', 'deleted', 'any', 1, 2, 3, 4]);
  });

  it('item 9: top-level profile fields reach the context', async () => {
    const s = (await api('POST', '/sessions', { userId: 'dana' })).body.id;
    await api('PATCH', '/users/dana/profile', { name: 'Alice', diet: 'vegetarian' });
    await api('POST', `/sessions/${s}/messages`, { messages: [{ role: 'user', content: 'what should I cook?' }] });
    const context = await api('POST', `/sessions/${s}/context`, {});
    expect(context.body.parts.profile).toEqual({ name: 'Alice', diet: 'vegetarian' });
    expect(context.body.text).toContain('vegetarian');
  });

  it('item 11: strict bodies, clear limits and hints, 405, one code style, route-named 404s, CORS', async () => {
    const s = (await api('POST', '/sessions', { userId: 'erin' })).body.id;
    // A number where a string belongs is refused, not coerced.
    const coerced = await api('POST', '/sessions', { title: 42 });
    expect(coerced.status).toBe(400);
    expect(coerced.body.message).toMatch(/title/);
    // Unknown fields are refused and named.
    const unknown = await api('POST', '/sessions', { title: 'x', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(/colour/);
    // Empty content (messages have no parts here) is refused.
    const empty = await api('POST', `/sessions/${s}/messages`, { messages: [{ role: 'user', content: '' }] });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/content/);
    // 413 states the limit.
    const big = await api('POST', `/sessions/${s}/messages`, {
      messages: [{ role: 'user', content: 'x'.repeat(70 * 1024) }],
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('PAYLOAD_TOO_LARGE');
    expect(big.body.message).toContain('64 KiB');
    // 415 says what to send.
    const form = await api('POST', '/sessions', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.message).toContain('application/json');
    // A known path with another method is 405 with Allow, an unknown one 404.
    const put = await api('PUT', `/sessions/${s}`);
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toContain('GET');
    expect(put.body.error).toBe('METHOD_NOT_ALLOWED');
    expect((await api('GET', '/no/such/route')).status).toBe(404);
    // One code style everywhere: upper snake case, no library prefix.
    for (const answer of [coerced, unknown, empty, big, form, put])
      expect(answer.body.error).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    for (const answer of [coerced, unknown, empty, big, form, put]) expect(answer.body.error).not.toMatch(/^FST_/);
    // 404s name the route, not a library function.
    const missing = await api('GET', '/sessions/00000000-0000-4000-8000-000000000000/messages');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/^GET \/sessions\/:sessionId\/messages: /);
    expect(missing.body.message).not.toMatch(/\[memory\/|createSession|getHistory/);
    expect(missing.body.message).toContain('POST /sessions');
    // CORS for the configured origin only.
    const allowed = await fetch(`${base}/sessions`, { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await fetch(`${base}/sessions`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
