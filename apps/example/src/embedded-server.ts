import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The file name libpq and node-postgres look for in a socket directory (port 5432). */
const SOCKET_FILE = '.s.PGSQL.5432';
/** Unix socket paths are limited to about 107 bytes. */
const MAX_SOCKET_PATH = 100;

/**
 * The folder holding the Unix socket through which the process that owns an embedded database
 * shares it: `<dataDir>.socket/`, or a folder in the temp dir named after the data dir when that
 * path would be too long for a socket.
 */
export function embeddedSocketDir(dataDir: string): string {
  const beside = `${dataDir}.socket`;
  if (join(beside, SOCKET_FILE).length <= MAX_SOCKET_PATH) return beside;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join(tmpdir(), `memory-pglite-${hash}`);
}

/** The PostgreSQL URL of an embedded database shared on `socketDir` (no password: the folder's permissions guard it). */
export function socketDatabaseUrl(socketDir: string): string {
  // A host that is a path means a Unix socket folder to node-postgres; percent-encoded in the URL.
  return `postgres://postgres@${encodeURIComponent(socketDir)}:5432/postgres`;
}

/** True when a process is serving the embedded database of `dataDir` on its socket. */
export function embeddedSocketExists(dataDir: string): boolean {
  return existsSync(join(embeddedSocketDir(dataDir), SOCKET_FILE));
}

/** A running share of an embedded database. */
export interface EmbeddedServer {
  /** The URL every client (the service itself included) connects with. */
  readonly url: string;
  readonly socketDir: string;
  /** Stops serving, removes the socket, closes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the PGlite database in `dataDir` (with pgvector) and serves it on a Unix socket with
 * PGlite's socket server, so other processes (the CLI, `memory mcp`) can use it while the service
 * runs: PGlite itself is one process, one connection. The service connects through the socket
 * too, so the socket server's queue keeps every client's transaction whole (it runs the queries of
 * the connection in a transaction before anyone else's).
 *
 * The socket's folder is created with mode 0700: only this user can connect (no password).
 */
export async function serveEmbeddedDatabase(
  dataDir: string,
  options: { maxConnections?: number } = {},
): Promise<EmbeddedServer> {
  const socketDir = embeddedSocketDir(dataDir);
  await rm(socketDir, { recursive: true, force: true }); // a socket left by a process that died
  await mkdir(socketDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  const server = new PGLiteSocketServer({
    db,
    path: join(socketDir, SOCKET_FILE),
    maxConnections: options.maxConnections ?? 32,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close().catch(() => undefined);
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url: socketDatabaseUrl(socketDir),
    socketDir,
    close() {
      closed ??= (async () => {
        await server.stop().catch(() => undefined);
        await db.close().catch(() => undefined);
        await rm(socketDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
