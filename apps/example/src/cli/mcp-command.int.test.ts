import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('memory mcp (stdio, PGlite directory database)', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('serves the --user over stdio to the SDK client, and exits when the client closes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'memory-mcp-cli-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--conditions=@memory/source', '--import', tsxLoader, cli, 'mcp', '--user', 'cli-alice'],
      env: {
        ...(process.env as Record<string, string>),
        DATABASE_URL: `pglite://${join(dir, 'db')}`,
        MEMORY_STORAGE_URL: `file://${join(dir, 'longterm')}`,
      },
      cwd: dir,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'cli-test', version: '1.0.0' });
    await client.connect(transport);
    const updated = await client.callTool({
      name: 'update_profile',
      arguments: { traits: { emotional_tone: 'calm' } },
    });
    expect(updated.isError).toBeFalsy();
    const profile = (await client.callTool({ name: 'get_profile', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(profile.content[0]!.text)).toEqual({ traits: { emotional_tone: 'calm' } });
    const sessions = (await client.callTool({ name: 'list_sessions', arguments: {} })) as {
      content: Array<{ text: string }>;
    };
    expect(JSON.parse(sessions.content[0]!.text).sessions).toEqual([]);
    await client.close();
  }, 240_000);
});
