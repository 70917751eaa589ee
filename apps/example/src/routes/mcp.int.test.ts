import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDatabase } from '@memory/db/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../api-keys.js';
import { buildApp, type MemoryApp } from '../build-app.js';
import { loadConfig } from '../config.js';
import { mcpTokensFromEnv } from './mcp.js';

const ALICE = 'alice-service-token-0123456789';
const BOB = 'bob-service-token-0123456789ab';

describeEachDatabase('the MCP endpoint of the sample service', (ctx) => {
  let storageDir: string;
  let memory: MemoryApp;
  let base: string;

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'memory-mcp-route-'));
    const config = loadConfig({
      DATABASE_URL: ctx.url,
      MEMORY_STORAGE_URL: `file://${storageDir}`,
      MEMORY_EMBEDDING_DIMENSIONS: '32',
      LOG_LEVEL: 'silent',
    });
    memory = await buildApp(config, {
      chatModel: null,
      mcpTokens: mcpTokensFromEnv({ MEMORY_MCP_TOKENS: `${ALICE}:alice,${BOB}:bob` }),
    });
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await memory?.app.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('serves MCP at /mcp, each token confined to its user', async () => {
    const { store } = memory.services;
    const mine = await store.createSession({ userId: 'alice', title: 'alice chat' });
    await store.createSession({ userId: 'bob', title: 'bob chat' });
    const client = new Client({ name: 'route-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${ALICE}` } },
      }),
    );
    const listed = (await client.callTool({ name: 'list_sessions', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(listed.content[0]!.text).sessions.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    await client.close();

    const anonymous = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });

  it('accepts a user-bound API key of the service, confined to its user; an admin key is refused', async () => {
    const { store, db } = memory.services;
    const carols = await store.createSession({ userId: 'carol', title: 'carol chat' });
    const { key: carolKey } = await createApiKey(db, { name: 'carol-mcp', userId: 'carol' });
    const client = new Client({ name: 'route-test-key', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${carolKey}` } },
      }),
    );
    const listed = (await client.callTool({ name: 'list_sessions', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(listed.content[0]!.text).sessions.map((s: { id: string }) => s.id)).toEqual([carols.id]);
    await client.close();

    const { key: adminKey } = await createApiKey(db, { name: 'admin-mcp', userId: null });
    const asAdmin = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${adminKey}`,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(asAdmin.status).toBe(401);
    await asAdmin.body?.cancel();
  });
});
