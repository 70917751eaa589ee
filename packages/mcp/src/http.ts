import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError } from '@memory/errors';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMemoryMcpServer, type MemoryMcpBackend } from './server.js';

/** Options of {@link createMcpHttpHandler}. */
export interface McpHttpOptions extends MemoryMcpBackend {
  /**
   * Bearer tokens and the user each one acts for: `{ 'token-of-alice': 'alice' }`. A request
   * without a known token gets 401. Read them from configuration (never from code), e.g.
   * `MEMORY_MCP_TOKENS=token1:user1,token2:user2` (see `parseTokenList`).
   */
  tokens?: Readonly<Record<string, string>>;
  /**
   * Looks up the user of a bearer token that is not in `tokens` (for example a service's
   * user-bound API keys); `null` when the token is unknown or bound to no single user. Give
   * `tokens`, `resolveUser` or both.
   */
  resolveUser?: (token: string) => Promise<string | null> | string | null;
  /** Server name reported to clients. */
  name?: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Parses `token:userId` pairs separated by commas (the `MEMORY_MCP_TOKENS` format).
 *
 * @example
 * ```ts
 * parseTokenList('s3cret:alice,0ther:bob'); // { s3cret: 'alice', '0ther': 'bob' }
 * ```
 */
export function parseTokenList(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf(':');
    if (at <= 0 || at === pair.length - 1) {
      throw new InvalidInputError('[memory/mcp] each token entry must be token:userId (comma-separated)');
    }
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

/**
 * A Node HTTP handler serving MCP over Streamable HTTP (stateless: each request gets its own
 * server and transport, so any number of clients and processes can serve it). The bearer token
 * of the request picks the user; the server built for the request is bound to that user only.
 * Mount it on any path of an existing server (`app.all('/mcp', ...)`), or use
 * {@link startMcpHttpServer}.
 *
 * @example
 * ```ts
 * const handle = createMcpHttpHandler({ db, storage, tokens: parseTokenList(process.env.MEMORY_MCP_TOKENS!) });
 * http.createServer((req, res) => void handle(req, res)).listen(8808);
 * ```
 */
export function createMcpHttpHandler(
  options: McpHttpOptions,
): (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => Promise<void> {
  const entries = Object.entries(options.tokens ?? {});
  const { resolveUser } = options;
  if (entries.length === 0 && !resolveUser) {
    throw new InvalidInputError(
      '[memory/mcp] the HTTP transport needs bearer tokens (tokens: { token: userId }) or a resolveUser(token) lookup',
    );
  }
  for (const [token, userId] of entries) {
    if (token.length < 16) {
      throw new InvalidInputError(
        `[memory/mcp] the token of user ${userId} is shorter than 16 characters: use a long random token`,
      );
    }
  }
  const known = entries.map(([token, userId]) => ({ hash: digest(token), userId }));
  const userFor = async (req: IncomingMessage): Promise<string | null> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) return null;
    const token = match[1]!.trim();
    const given = digest(token);
    // Compare every entry in constant time, so timing does not tell how close a guess was.
    let found: string | null = null;
    for (const k of known) if (timingSafeEqual(k.hash, given)) found = k.userId;
    if (found === null && resolveUser) found = (await resolveUser(token)) || null;
    return found;
  };

  return async (req, res, parsedBody) => {
    const userId = await userFor(req);
    if (!userId) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32001, message: 'missing or unknown bearer token: send Authorization: Bearer <token>' },
          id: null,
        }),
      );
      return;
    }
    const server = createMemoryMcpServer({ ...options, userId });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, parsedBody);
  };
}

/** Options of {@link startMcpHttpServer}. */
export interface StartMcpHttpOptions extends McpHttpOptions {
  /** Port, default 0 (a free one). */
  port?: number;
  /** Interface, default `127.0.0.1`. */
  host?: string;
  /** URL path served, default `/mcp`. */
  path?: string;
}

/**
 * Starts an HTTP server with {@link createMcpHttpHandler} on `path` (default `/mcp`).
 *
 * @returns the server, its URL, and `close()`.
 */
export async function startMcpHttpServer(
  options: StartMcpHttpOptions,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const path = options.path ?? '/mcp';
  const handle = createMcpHttpHandler(options);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: MCP is served at ${path}`);
      return;
    }
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`[memory/mcp] ${error instanceof Error ? error.message : 'internal error'}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    server,
    url: `http://${host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
