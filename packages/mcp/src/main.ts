#!/usr/bin/env node
// The `memory-mcp` command: serves one user's memory over stdio (for desktop MCP clients), or
// many users' over Streamable HTTP with bearer tokens. Argument parsing is node:util's
// parseArgs: a handful of flags does not need a CLI framework.
import { parseArgs } from 'node:util';
import { createMemoryDb } from '@memory/db';
import { createLongTermStorage } from '@memory/longterm-core';
import { createHashingEmbedder } from '@memory/knowledge-index';
import { parseTokenList, startMcpHttpServer } from './http.js';
import { serveStdio } from './stdio.js';

const USAGE = `usage: memory-mcp --user <id> [--db <url>] [--storage <url>] [--hashing-embedder]
       memory-mcp --http [--port 8808] [--host 127.0.0.1] [--db <url>] [--storage <url>]

  --user              the one user a stdio connection acts for
  --db                database URL (default $DATABASE_URL, else pglite://.memory-mcp)
  --storage           long-term storage URL (default $MEMORY_STORAGE_URL; none: profile/knowledge tools off)
  --dimensions        embedding dimension of the database (default $MEMORY_EMBEDDING_DIMENSIONS, else 1024)
  --hashing-embedder  search messages with the built-in hashing embedder
  --http              serve Streamable HTTP; tokens from $MEMORY_MCP_TOKENS (token:userId,...)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      db: { type: 'string' },
      storage: { type: 'string' },
      dimensions: { type: 'string' },
      'hashing-embedder': { type: 'boolean' },
      http: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const dimensions = Number(values.dimensions ?? process.env.MEMORY_EMBEDDING_DIMENSIONS ?? 1024);
  const db = createMemoryDb({
    url: values.db ?? process.env.DATABASE_URL ?? 'pglite://.memory-mcp',
    embeddingDimensions: dimensions,
  });
  await db.initDb();
  const storageUrl = values.storage ?? process.env.MEMORY_STORAGE_URL;
  const storage = storageUrl ? await createLongTermStorage(storageUrl) : null;
  const embeddings = values['hashing-embedder'] ? createHashingEmbedder({ dimensions }) : null;

  if (values.http) {
    const tokens = process.env.MEMORY_MCP_TOKENS;
    if (!tokens) throw new Error('set MEMORY_MCP_TOKENS=token:userId[,token:userId...] for the HTTP transport');
    const { url } = await startMcpHttpServer({
      db,
      storage,
      embeddings,
      tokens: parseTokenList(tokens),
      port: Number(values.port ?? 8808),
      host: values.host ?? '127.0.0.1',
    });
    process.stderr.write(`memory MCP server at ${url}\n`);
    return;
  }
  if (!values.user) throw new Error(`--user is required for stdio\n${USAGE}`);
  await serveStdio({ db, storage, embeddings, userId: values.user });
  process.stdin.on('close', () => void db.close().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`[memory/mcp] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
