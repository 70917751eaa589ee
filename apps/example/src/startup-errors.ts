import { MemoryError, redactUrl } from '@memory/errors';
import type { AppConfig } from './config.js';

/**
 * What to tell a person whose service failed to start: one paragraph saying what went wrong and
 * what to do, never a stack trace (those are for bugs: `LOG_LEVEL=debug` prints them) and never a
 * secret (URLs are redacted).
 */
export function explainStartupError(error: unknown, config: AppConfig | undefined): string {
  const err = error as NodeJS.ErrnoException & { port?: number };
  const head = '[memory] the service could not start:';
  if (err?.code === 'EADDRINUSE') {
    const port = config?.port ?? err.port ?? 3000;
    return `${head} port ${port} on ${config?.host ?? '127.0.0.1'} is already in use by another program.\n  Stop that program, or pick another port: PORT=${port + 1} npm start`;
  }
  if (err?.code === 'EACCES' && config) {
    return `${head} not allowed to listen on port ${config.port}.\n  Use a port above 1023: PORT=3000 npm start`;
  }
  if (err?.code === 'EADDRNOTAVAIL' && config) {
    return `${head} ${config.host} is not an address of this machine.\n  Set HOST to one of its addresses, e.g. HOST=127.0.0.1`;
  }
  if (MemoryError.isInstance(error)) {
    const where = config
      ? `\n  database: ${redactUrl(config.databaseUrl)}\n  storage:  ${redactUrl(config.storageUrl)}`
      : '';
    return `${head} ${error.message}${where}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.LOG_LEVEL === 'debug' && error instanceof Error ? `\n${error.stack}` : '';
  return `${head} ${message}\n  (LOG_LEVEL=debug shows the stack trace)${stack}`;
}
