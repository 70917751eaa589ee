import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMemoryMcpServer, type MemoryMcpServerOptions } from './server.js';

/**
 * Serves one user's memory over stdio (the transport desktop MCP clients start as a child
 * process). Resolves once connected; the server runs until stdin closes.
 *
 * @example
 * ```ts
 * await serveStdio({ db, storage, userId: 'u1' });
 * ```
 */
export async function serveStdio(options: MemoryMcpServerOptions): Promise<{ close: () => Promise<void> }> {
  const server = createMemoryMcpServer(options);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  return { close: () => server.close() };
}
