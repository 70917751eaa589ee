export { createMemoryMcpServer, type MemoryMcpServerOptions, type MemoryMcpBackend } from './server.js';
export { serveStdio } from './stdio.js';
export {
  createMcpHttpHandler,
  startMcpHttpServer,
  parseTokenList,
  type McpHttpOptions,
  type StartMcpHttpOptions,
} from './http.js';
