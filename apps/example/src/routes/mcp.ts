import { createMcpHttpHandler, parseTokenList } from '@memory/mcp';
import { findPrincipal } from '../api-keys.js';
import type { App } from '../app-types.js';
import type { MemoryServices } from '../memory-services.js';

/** The environment variable with the MCP endpoint's `token:userId` pairs (see `.env.example`). */
const MCP_TOKENS_ENV = 'MEMORY_MCP_TOKENS';

/**
 * Mounts the MCP server of `@memory/mcp` (Streamable HTTP) at `/mcp`. A request's bearer token
 * picks the one user it acts for: a token of `MEMORY_MCP_TOKENS` (`token → userId`), or one of the
 * service's user-bound API keys (`memory keys create --user ID`). Admin keys, unknown tokens and
 * requests without a token get 401: an MCP connection always acts for exactly one user.
 */
export function registerMcpRoutes(app: App, services: MemoryServices, tokens: Record<string, string> | null): void {
  const handle = createMcpHttpHandler({
    db: services.db,
    store: services.store,
    storage: services.storage,
    embeddings: services.embedder,
    tokens: tokens ?? {},
    resolveUser: async (token) => (await findPrincipal(services.db, token))?.userId ?? null,
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
