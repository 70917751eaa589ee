import { ConfigurationError, redactUrl } from '@memory/errors';

/** The engine behind a {@link MemoryDb}: a PostgreSQL server, or embedded PGlite. */
export type DatabaseKind = 'postgres' | 'pglite';

/** A parsed `postgres://` / `postgresql://` URL. */
export interface PostgresTarget {
  kind: 'postgres';
  host: string;
  port: number;
  user: string | undefined;
  /** Never printed: use {@link DatabaseTarget.display}. */
  password: string | undefined;
  database: string;
  /** TLS from `?sslmode=` / `?ssl=`: `false` (off), or the `pg` ssl options. */
  ssl: false | { rejectUnauthorized: boolean };
  /** The URL with the password masked, for messages and logs. */
  display: string;
}

/** A parsed `pglite://memory` or `pglite://<dir>` URL. */
export interface PgliteTarget {
  kind: 'pglite';
  /** The data directory, or `undefined` for an in-memory database. */
  dataDir: string | undefined;
  display: string;
}

/** Where a URL points: the result of {@link parseDatabaseUrl}. */
export type DatabaseTarget = PostgresTarget | PgliteTarget;

const POSTGRES_SCHEMES = new Set([
  'postgres',
  'postgresql',
  // The original's SQLAlchemy spellings, so an existing DATABASE_URL keeps working.
  'postgresql+asyncpg',
  'postgresql+psycopg2',
  'postgresql+psycopg',
  'postgres+asyncpg',
  'postgres+psycopg2',
]);

const HINT =
  'use postgres://user:password@host:5432/db (PostgreSQL with pgvector), pglite://memory (embedded, in memory) or pglite://<dir> (embedded, on disk)';

/**
 * Parses a database URL. Accepts `postgres://`, `postgresql://` and the original library's
 * `postgresql+asyncpg://` / `postgresql+psycopg2://` spellings (PostgreSQL), and
 * `pglite://memory` or `pglite://<dir>` (embedded PGlite; `pglite:///abs/dir` for an absolute
 * path). Anything else throws {@link ConfigurationError}; the password never appears in it.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('postgresql+asyncpg://app:pw@db:5432/mem') // { kind: 'postgres', host: 'db', port: 5432, ... }
 * parseDatabaseUrl('pglite://./.data/memory')                 // { kind: 'pglite', dataDir: './.data/memory' }
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError(`[memory/db] the database URL is empty: ${HINT}`);
  }
  const trimmed = url.trim();
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (!schemeMatch) {
    throw new ConfigurationError(`[memory/db] "${redactUrl(trimmed)}" is not a database URL: ${HINT}`, {
      details: { url: redactUrl(trimmed) },
    });
  }
  const scheme = schemeMatch[1]!.toLowerCase();
  if (scheme === 'pglite') return parsePglite(trimmed.slice(schemeMatch[0].length), trimmed);
  if (POSTGRES_SCHEMES.has(scheme)) return parsePostgres(trimmed, scheme);
  throw new ConfigurationError(
    `[memory/db] unsupported database URL scheme "${scheme}:" in "${redactUrl(trimmed)}": ${HINT}`,
    {
      details: { url: redactUrl(trimmed), scheme },
    },
  );
}

function parsePglite(rest: string, original: string): PgliteTarget {
  const path = decodeURIComponent(rest.split('?')[0] ?? '');
  if (path === '') {
    throw new ConfigurationError(
      `[memory/db] "${original}" names no PGlite location: use pglite://memory or pglite://<dir>`,
      {
        details: { url: original },
      },
    );
  }
  if (path === 'memory' || path === 'memory/' || path === ':memory:') {
    return { kind: 'pglite', dataDir: undefined, display: 'pglite://memory' };
  }
  return { kind: 'pglite', dataDir: path, display: original };
}

function parsePostgres(url: string, scheme: string): PostgresTarget {
  let parsed: URL;
  try {
    // WHATWG URL only knows the host part of special schemes; parse as a neutral one.
    parsed = new URL(`postgresql://${url.slice(scheme.length + 3)}`);
  } catch (cause) {
    throw new ConfigurationError(`[memory/db] cannot parse database URL "${redactUrl(url)}": ${HINT}`, {
      details: { url: redactUrl(url) },
      cause: scrubCause(cause),
    });
  }
  const host =
    decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1') || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port ? Number(parsed.port) : Number(parsed.searchParams.get('port') ?? 5432);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ConfigurationError(`[memory/db] invalid port in "${redactUrl(url)}": ${HINT}`, {
      details: { url: redactUrl(url) },
    });
  }
  const user = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user || 'postgres';
  const sslmode = (parsed.searchParams.get('sslmode') ?? parsed.searchParams.get('ssl') ?? '').toLowerCase();
  const ssl =
    sslmode === 'require' || sslmode === 'true' || sslmode === '1'
      ? { rejectUnauthorized: false }
      : sslmode === 'verify-ca' || sslmode === 'verify-full'
        ? { rejectUnauthorized: true }
        : false;
  return { kind: 'postgres', host, port, user, password, database, ssl, display: redactUrl(url) };
}

/** Node's URL errors quote the input, which may hold the password. */
function scrubCause(cause: unknown): Error {
  const code = (cause as { code?: string } | undefined)?.code;
  return new Error(`invalid URL${code ? ` (${code})` : ''}`);
}
