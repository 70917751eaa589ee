import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '@memory/models';
import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from './api-keys.js';
import { isPublicRoute } from './auth.js';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describeEachDatabase('API keys', (ctx) => {
  let memory: MemoryApp;
  let base: string;
  let storageDir: string;
  const keys: Record<string, string> = {};
  const bob: Record<string, string> = {};

  const api = async (method: string, path: string, key?: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (response.headers.get('content-type') ?? '').includes('json') && text ? (JSON.parse(text) as Json) : text,
    };
  };

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'memory-auth-'));
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: `file://${storageDir}`,
        MEMORY_EMBEDDING_DIMENSIONS: '64',
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await memory?.app.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('is open while no key exists (auto), then requires one; keys are stored hashed', async () => {
    expect((await api('GET', '/sessions')).status).toBe(200);
    const { db } = memory.services;
    keys.admin = (await createApiKey(db, { name: 'ops', userId: null })).key;
    keys.alice = (await createApiKey(db, { name: 'alice-app', userId: 'alice' })).key;
    const rows = await db.execute<{ hash: string }>('select hash from api_keys');
    expect(rows.map((r) => r.hash).join()).not.toContain(keys.alice.slice(3, 20));

    const anonymous = await api('GET', '/sessions');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('UNAUTHORIZED');
    expect(anonymous.body.message).toContain('memory keys create');
    expect((await api('GET', '/sessions', 'mk_not-a-key')).status).toBe(401);
    expect((await api('GET', '/health')).status).toBe(200);
    expect((await api('GET', '/openapi.json')).status).toBe(200);
  });

  it("a user-bound key gets 403 on every route of Fastify's table touching another user's data", async () => {
    // Bob's data, written with the admin key.
    bob.sessionId = (await api('POST', '/sessions', keys.admin, { userId: 'bob', title: 'bob' })).body.id;
    bob.messageId = (
      await api('POST', `/sessions/${bob.sessionId}/messages`, keys.admin, {
        messages: [{ role: 'user', content: 'bob likes sailing' }],
      })
    ).body.insertedIds[0];
    bob.reviewId = (
      await api('POST', `/sessions/${bob.sessionId}/code-reviews`, keys.admin, { repo: 'bob/repo' })
    ).body.id;
    await api('PATCH', '/users/bob/profile', keys.admin, { name: 'Bob' });

    const fill: Record<string, string> = {
      userId: 'bob',
      sessionId: bob.sessionId!,
      reviewId: bob.reviewId!,
      messageId: bob.messageId!,
      runId: '00000000-0000-4000-8000-000000000000',
    };
    const walked: string[] = [];
    const unexpected: string[] = [];
    for (const route of memory.routes.entries) {
      if (route.url === '*' || route.method === 'OPTIONS' || isPublicRoute(route.method, route.url, route.hidden))
        continue;
      const unknown = route.params.filter((p) => !(p in fill));
      expect(unknown, `${route.method} ${route.url}: teach this test the parameter`).toEqual([]);
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(fill[name]!));
      const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(route.method);
      const answer = await api(route.method, `${path}?userId=bob`, keys.alice, hasBody ? { userId: 'bob' } : undefined);
      walked.push(`${route.method} ${route.url}`);
      if (answer.status !== 403) unexpected.push(`${route.method} ${route.url} -> ${answer.status}`);
    }
    expect(unexpected).toEqual([]);
    // The walk covered the routes the issue names.
    expect(walked).toEqual(
      expect.arrayContaining([
        'GET /sessions',
        'POST /sessions',
        'GET /sessions/:sessionId/messages',
        'POST /sessions/:sessionId/messages',
        'PATCH /sessions/:sessionId/messages/:messageId',
        'DELETE /sessions/:sessionId/messages/:messageId',
        'PATCH /users/:userId/profile',
        'GET /users/:userId/knowledge',
        'GET /users/:userId/export',
        'POST /users/:userId/search',
        'DELETE /users/:userId',
      ]),
    );
    // Bob's data is intact.
    expect((await api('GET', `/sessions/${bob.sessionId}`, keys.admin)).body.title).toBe('bob');
    expect(
      (await api('GET', `/sessions/${bob.sessionId}/messages`, keys.admin)).body.messages.map((m: Json) => m.content),
    ).toEqual(['bob likes sailing']);
    expect((await api('GET', '/users/bob/profile', keys.admin)).body.profile.name).toBe('Bob');
  });

  it("a user-bound key works on its own user's data, and lists only its sessions", async () => {
    const created = await api('POST', '/sessions', keys.alice, { title: 'mine' });
    expect(created.status).toBe(201);
    expect(created.body.userId).toBe('alice');
    const s = created.body.id;
    const appended = await api('POST', `/sessions/${s}/messages`, keys.alice, {
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(appended.status).toBe(201);
    const mine = appended.body.insertedIds[0] as string;
    expect((await api('PATCH', `/sessions/${s}/messages/${mine}`, keys.alice, { content: 'hello' })).status).toBe(200);
    // Bob's message under alice's own session: the key passes the session check, the message is not there.
    const foreign = await api('PATCH', `/sessions/${s}/messages/${bob.messageId}`, keys.alice, { content: 'x' });
    expect(foreign.status).toBe(404);
    expect((await api('DELETE', `/sessions/${s}/messages/${bob.messageId}`, keys.alice)).status).toBe(404);
    expect((await api('PATCH', '/users/alice/profile', keys.alice, { diet: 'vegetarian' })).status).toBe(200);
    const listed = await api('GET', '/sessions', keys.alice);
    expect(listed.body.sessions.map((x: Json) => x.userId)).toEqual(['alice']);
  });

  it("records every write's actor (the key name) in the audit log", async () => {
    const em = memory.services.db.fork();
    const rows = await em.find(AuditLog, { actor: 'alice-app' });
    const routes = rows.map((r) => (r.details as Json)?.route);
    expect(routes).toEqual(
      expect.arrayContaining(['POST /sessions', 'POST /sessions/:sessionId/messages', 'PATCH /users/:userId/profile']),
    );
    expect(await em.count(AuditLog, { actor: 'ops', action: 'create_code_review' })).toBe(1);
  });

  it('a revoked key is refused on the next request', async () => {
    await revokeApiKey(memory.services.db, 'alice-app');
    expect((await api('GET', '/sessions', keys.alice)).status).toBe(401);
  });

  it('sends security headers (helmet)', async () => {
    const answer = await api('GET', '/health');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describeEachDatabase('rate limit', (ctx) => {
  let memory: MemoryApp;
  let base: string;
  beforeAll(async () => {
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: 'memory://',
        MEMORY_EMBEDDING_DIMENSIONS: '64',
        MEMORY_DEMO_DATA: 'false',
        MEMORY_RATE_LIMIT: '3',
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(() => memory?.app.close());

  it('answers 429 with our error shape and says the limit', async () => {
    const statuses: number[] = [];
    let last: Json;
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${base}/sessions`);
      statuses.push(response.status);
      last = await response.json();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last.error).toBe('RATE_LIMITED');
    expect(last.message).toContain('at most 3 requests a minute');
  });
});
