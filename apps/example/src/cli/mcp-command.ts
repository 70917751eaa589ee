import { once } from 'node:events';
import { createMemoryMcpServer, parseTokenList, startMcpHttpServer } from '@memory/mcp';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { InvalidArgumentError, type Command } from 'commander';
import { validateUserId } from '@memory/longterm-core';
import type { AppConfig } from '../config.js';
import { openMemoryServices } from '../memory-services.js';
import type { CliIo } from './cli-io.js';
import { CliError, EXIT } from './exit-codes.js';

/** The environment variable holding the HTTP transport's `token:userId` pairs. */
const MCP_TOKENS_ENV = 'MEMORY_MCP_TOKENS';

function parseUser(value: string): string {
  try {
    validateUserId(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return value;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port from 0 to 65535');
  return n;
}

/**
 * `memory mcp`: the MCP server of `@memory/mcp` on this deployment's database and storage. Over
 * stdio (`--user <id>`, for desktop clients: stdout carries the protocol, so nothing else is
 * printed there) until stdin closes; or over Streamable HTTP (`--http`) with bearer tokens from
 * `MEMORY_MCP_TOKENS` until interrupted.
 */
export function registerMcpCommand(
  program: Command,
  io: CliIo,
  configOf: (cmd: Command) => { config: AppConfig },
): void {
  program
    .command('mcp')
    .description('serve memory to MCP clients: over stdio for one user (--user), or Streamable HTTP (--http)')
    .option('--user <id>', 'the user a stdio connection acts for', parseUser)
    .option('--http', `serve Streamable HTTP; bearer tokens from ${MCP_TOKENS_ENV} (token:userId,...)`)
    .option('--port <port>', 'HTTP port', parsePort, 8808)
    .option('--host <host>', 'HTTP interface', '127.0.0.1')
    .action(async (opts: { user?: string; http?: boolean; port: number; host: string }, cmd: Command) => {
      if (!opts.http && !opts.user) throw new CliError('mcp needs --user <id> (stdio) or --http', EXIT.USAGE);
      const tokens = opts.http ? io.env[MCP_TOKENS_ENV] : undefined;
      if (opts.http && !tokens) {
        throw new CliError(`mcp --http needs ${MCP_TOKENS_ENV}=token:userId[,token:userId...]`, EXIT.USAGE);
      }
      const services = await openMemoryServices(configOf(cmd).config, { init: true, actor: 'memory-mcp' });
      const backend = {
        db: services.db,
        store: services.store,
        storage: services.storage,
        embeddings: services.embedder,
      };
      try {
        if (opts.http) {
          const http = await startMcpHttpServer({
            ...backend,
            tokens: parseTokenList(tokens!),
            port: opts.port,
            host: opts.host,
          });
          io.stderr.write(`memory MCP server at ${http.url}\n`);
          if (io.signal && !io.signal.aborted) await once(io.signal, 'abort');
          await http.close();
          return;
        }
        const server = createMemoryMcpServer({ ...backend, userId: opts.user! });
        const closed = once(io.stdin, 'end');
        await server.connect(new StdioServerTransport(io.stdin, io.stdout));
        await Promise.race([closed, ...(io.signal ? [once(io.signal, 'abort')] : [])]);
        await server.close();
      } finally {
        await services.close();
      }
    });
}
