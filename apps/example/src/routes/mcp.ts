import { createMcpHttpHandler, parseTokenList } from '@memory/mcp';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';

/** The environment variable with the MCP endpoint's `token:userId` pairs (see `.env.example`). */
const MCP_TOKENS_ENV = 'MEMORY_MCP_TOKENS';

/**
 * Mounts the MCP server of `@memory/mcp` (Streamable HTTP) at `/mcp` when bearer tokens are
 * configured (`token → userId`, e.g. from `MEMORY_MCP_TOKENS`); each request acts for the user of
 * its token only. Without tokens nothing is mounted (`/mcp` is then a 404).
 */
export function registerMcpRoutes(app: App, services: MemoryServices, tokens: Record<string, string> | null): void {
  if (!tokens || Object.keys(tokens).length === 0) return;
  const handle = createMcpHttpHandler({
    db: services.db,
    store: services.store,
    storage: services.storage,
    embeddings: services.embedder,
    tokens,
  });
  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    schema: { hide: true },
    handler: async (request, reply) => {
      // The MCP transport writes the response itself (JSON or a server-sent event stream).
      reply.hijack();
      await handle(request.raw, reply.raw, request.body);
    },
  });
}

/** The MCP tokens from the environment, or `null` when `MEMORY_MCP_TOKENS` is not set. */
export function mcpTokensFromEnv(env: Record<string, string | undefined>): Record<string, string> | null {
  const value = env[MCP_TOKENS_ENV]?.trim();
  return value ? parseTokenList(value) : null;
}
