import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDatabase } from '@memory/db/testing';
import { createLongTermStorage } from '@memory/longterm-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { expect, it } from 'vitest';
import { createMemoryMcpServer } from './server.js';

function threeLines(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const match = /## Three lines\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no "## Three lines" ts block');
  // The repository's front page shows the same lines: it must not drift from what runs here.
  const front = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  if (!front.includes(match[1]!))
    throw new Error("the root README does not show this package's three lines as written");
  return match[1]!;
}

describeEachDatabase('the README snippet', (ctx) => {
  it('runs as written: a client of the connected server sees the user', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-readme-'));
    try {
      const db = await ctx.createDb({ embeddingDimensions: 8 });
      // The stdio transport of the snippet, swapped for the SDK's in-memory pair so the test's
      // own stdio is left alone.
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const scope = {
        db,
        process: { env: { MEMORY_STORAGE_URL: `file://${dir}` } },
        createLongTermStorage,
        createMemoryMcpServer,
        StdioServerTransport: function StdioServerTransport() {
          return serverSide;
        },
      };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<unknown>;
      await new AsyncFunction(...Object.keys(scope), threeLines())(...Object.values(scope));

      const client = new Client({ name: 'readme', version: '1.0.0' });
      await client.connect(clientSide);
      await client.callTool({ name: 'update_profile', arguments: { traits: { emotional_tone: 'calm' } } });
      const profile = (await client.callTool({ name: 'get_profile', arguments: {} })) as {
        content: Array<{ text: string }>;
      };
      expect(JSON.parse(profile.content[0]!.text)).toEqual({ traits: { emotional_tone: 'calm' } });
      await client.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
