import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from '../build-app.js';
import { loadConfig } from '../config.js';
import { chatModelFromEnv } from './chat.js';

/**
 * A local OpenAI-compatible server: answers `POST /v1/chat/completions` with a streamed reply
 * (server-sent events, as the OpenAI API does) and keeps the request bodies it got.
 */
async function startFixtureModel(
  reply: string,
): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions' || req.headers.authorization !== 'Bearer fixture-key') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key or path"}}');
        return;
      }
      bodies.push(JSON.parse(raw));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'fixture', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      for (const piece of reply.match(/.{1,5}/gs) ?? []) res.write(chunk({ content: piece }));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describeEachDatabase('POST /chat/:sessionId', (ctx) => {
  let storageDir: string;
  let fixture: Awaited<ReturnType<typeof startFixtureModel>>;
  let withModel: MemoryApp;
  let base: string;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'memory-chat-'));
    fixture = await startFixtureModel('Hello Ada, you live in Lyon.');
    const config = loadConfig({
      DATABASE_URL: ctx.url,
      MEMORY_STORAGE_URL: `file://${storageDir}`,
      MEMORY_EMBEDDING_DIMENSIONS: '32',
      LOG_LEVEL: 'silent',
    });
    withModel = await buildApp(config, {
      chatModel: chatModelFromEnv({
        MEMORY_CHAT_BASE_URL: fixture.url,
        MEMORY_CHAT_MODEL: 'fixture-model',
        MEMORY_CHAT_API_KEY: 'fixture-key',
      }),
    });
    base = await withModel.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await withModel?.app.close();
    await fixture?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('streams the reply through the memory middleware and records the turn once', async () => {
    const { store } = withModel.services;
    const session = await store.createSession({ userId: 'chat-user', title: 'chat' });
    await store.appendMessages(session.id, [
      { role: 'user', content: 'My name is Ada and I live in Lyon.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
    ]);
    const send = () =>
      fetch(`${base}/chat/${session.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Where do I live?', turnKey: 'client-msg-1' }),
      });
    const res = await send();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toBe('Hello Ada, you live in Lyon.');

    // The model got the memory context as a system message, then the user's message.
    const body = fixture.bodies.at(-1) as { model: string; messages: Array<{ role: string; content: string }> };
    expect(body.model).toBe('fixture-model');
    expect(body.messages[0]!.role).toBe('system');
    expect(body.messages[0]!.content).toContain('My name is Ada and I live in Lyon.');
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Where do I live?' });

    const history = async () => (await store.getHistory(session.id)).messages.map((m) => `${m.role}: ${m.content}`);
    await waitFor(async () => (await history()).length === 4);
    expect((await history()).slice(2)).toEqual(['user: Where do I live?', 'assistant: Hello Ada, you live in Lyon.']);

    // The client retries the same turn: nothing is recorded twice.
    expect(await (await send()).text()).toBe('Hello Ada, you live in Lyon.');
    await new Promise((r) => setTimeout(r, 200));
    expect(await history()).toHaveLength(4);
  });

  it('answers 404 for an unknown session and 503 with what to set when no model is configured', async () => {
    const missing = await fetch(`${base}/chat/00000000-0000-4000-8000-000000000000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });
    expect(missing.status).toBe(404);
    await missing.body?.cancel();

    await withModel.app.close();
    const config = loadConfig({
      DATABASE_URL: ctx.url,
      MEMORY_STORAGE_URL: `file://${storageDir}`,
      MEMORY_EMBEDDING_DIMENSIONS: '32',
      LOG_LEVEL: 'silent',
    });
    withModel = await buildApp(config, { chatModel: null });
    base = await withModel.app.listen({ port: 0, host: '127.0.0.1' });
    const session = await withModel.services.store.createSession({ userId: 'chat-user' });
    const res = await fetch(`${base}/chat/${session.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi' }),
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('CHAT_MODEL_NOT_CONFIGURED');
    expect(body.message).toContain('MEMORY_CHAT_BASE_URL');
    expect(body.message).toContain('MEMORY_CHAT_MODEL');
  }, 300_000);

  it('reads the model from the environment only when base URL and model are both set', () => {
    expect(chatModelFromEnv({})).toBeNull();
    expect(chatModelFromEnv({ MEMORY_CHAT_BASE_URL: 'http://x/v1' })).toBeNull();
    expect(chatModelFromEnv({ MEMORY_CHAT_BASE_URL: 'http://x/v1', MEMORY_CHAT_MODEL: 'm' })).toEqual({
      baseURL: 'http://x/v1',
      model: 'm',
    });
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
