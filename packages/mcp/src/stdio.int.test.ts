import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConversationStore } from '@memory/conversations';
import { createMemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { createLongTermStorage } from '@memory/longterm-core';
import { saveUserProfile } from '@memory/semantics';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describeEachDatabase('the memory-mcp command over stdio', (ctx) => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('serves the user named in its arguments, and only that user', async () => {
    const url = await ctx.createDatabaseUrl();
    const dir = await mkdtemp(join(tmpdir(), 'memory-mcp-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const storageUrl = `file://${dir}`;
    // Seed, then close: an embedded database has one process at a time.
    const db = createMemoryDb({ url, embeddingDimensions: 8 });
    await db.initDb();
    const store = createConversationStore(db);
    const own = await store.createSession({ userId: 'alice', title: 'mine' });
    await store.appendMessages(own.id, [{ role: 'user', content: 'hello from alice' }]);
    const other = await store.createSession({ userId: 'bob', title: 'not mine' });
    await saveUserProfile(await createLongTermStorage(storageUrl), 'alice', {
      user_id: 'alice',
      traits: { emotional_tone: 'cheerful' },
    });
    await db.close();

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', '--conditions=@memory/source', main, '--user', 'alice', '--db', url],
      env: {
        ...(process.env as Record<string, string>),
        MEMORY_STORAGE_URL: storageUrl,
        MEMORY_EMBEDDING_DIMENSIONS: '8',
      },
      cwd: packageDir,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    cleanup.push(() => client.close());

    const sessions = (await client.callTool({ name: 'list_sessions', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(sessions.content[0]!.text).sessions.map((s: { id: string }) => s.id)).toEqual([own.id]);
    const profile = (await client.callTool({ name: 'get_profile', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(profile.content[0]!.text)).toEqual({ traits: { emotional_tone: 'cheerful' } });
    const denied = await client.callTool({ name: 'read_history', arguments: { sessionId: other.id } });
    expect(denied.isError).toBe(true);
  });
});
