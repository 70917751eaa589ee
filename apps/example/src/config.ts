import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_EMBEDDING_DIMENSIONS } from '@memory/models';
import { ConfigurationError } from '@memory/errors';

/** How the service reaches its embedding model. */
export type EmbeddingConfig =
  | { kind: 'hashing'; dimensions: number }
  | { kind: 'openai-compatible'; url: string; model: string; dimensions: number; apiKey?: string };

/** Everything the service and the CLI need, resolved from options or the environment. */
export interface AppConfig {
  /** Database URL: `postgres://…` or `pglite://<dir>` / `pglite://memory`. */
  databaseUrl: string;
  /** Long-term storage URL for `createLongTermStorage`: `file://…`, `s3://…`, `bos://…`, `memory://`. */
  storageUrl: string;
  /** Base of relative `file://./dir` storage URLs. */
  cwd: string;
  embedding: EmbeddingConfig;
  /** Load the demo conversation on start (idempotent). */
  demoData: boolean;
  /**
   * Prepare the stores' hot statements under their names on PostgreSQL (`createMemoryDb`'s
   * `preparedStatements`); `false` behind a pooler in transaction mode that does not track them.
   */
  preparedStatements: boolean;
  /** HTTP port of `main.ts`. */
  port: number;
  host: string;
  /** pino level; `'silent'` turns logging off. */
  logLevel: string;
  /** `pretty` (one readable line per entry) or `json` (pino's lines); default pretty on a terminal. */
  logFormat: 'pretty' | 'json';
  /** Origins allowed to call the API from a browser (CORS); empty: no CORS headers. `*` allows any. */
  corsOrigins: string[];
  /** The largest request body accepted, in bytes (413 beyond, naming the limit). */
  bodyLimit: number;
  /**
   * API keys: `off`, `keys` (always required) or `auto` (default: required as soon as one
   * active key exists, so a fresh embedded setup is open until `memory keys create`).
   */
  authMode: 'off' | 'keys' | 'auto';
  /** Requests a minute per key (or per address without one); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Credentials and settings read by storage backends (BOS_ACCESS_KEY, …), never logged. */
  env: Record<string, string | undefined>;
}

/** The environment variables the app reads (documented in the README). */
const ENV = {
  DATABASE_URL: 'DATABASE_URL',
  STORAGE_URL: 'MEMORY_STORAGE_URL',
  DATA_DIR: 'MEMORY_DATA_DIR',
  EMBEDDING_URL: 'MEMORY_EMBEDDING_URL',
  EMBEDDING_MODEL: 'MEMORY_EMBEDDING_MODEL',
  EMBEDDING_DIMENSIONS: 'MEMORY_EMBEDDING_DIMENSIONS',
  EMBEDDING_API_KEY: 'MEMORY_EMBEDDING_API_KEY',
  DEMO_DATA: 'MEMORY_DEMO_DATA',
  PORT: 'PORT',
  HOST: 'HOST',
  LOG_LEVEL: 'LOG_LEVEL',
  LOG_FORMAT: 'LOG_FORMAT',
  CORS_ORIGINS: 'MEMORY_CORS_ORIGINS',
  BODY_LIMIT: 'MEMORY_BODY_LIMIT',
  AUTH: 'MEMORY_AUTH',
  RATE_LIMIT: 'MEMORY_RATE_LIMIT',
  PREPARED_STATEMENTS: 'MEMORY_DB_PREPARED_STATEMENTS',
} as const;

/**
 * The folder for embedded data: `MEMORY_DATA_DIR`, else `.data/` at the root of the workspace
 * holding `cwd` (the folder with `pnpm-workspace.yaml`), else `./.data`.
 */
export function defaultDataDir(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return join(dir, '.data');
    if (dirname(dir) === dir) return resolve(cwd, '.data');
  }
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ConfigurationError(`[memory/example] ${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function authMode(raw: string | undefined): 'off' | 'keys' | 'auto' {
  if (raw === undefined) return 'auto';
  if (raw === 'off' || raw === 'keys' || raw === 'auto') return raw;
  throw new ConfigurationError(`[memory/example] ${ENV.AUTH} must be off, keys or auto, got ${JSON.stringify(raw)}`);
}

function onOff(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigurationError(`[memory/example] ${name} must be on or off, got ${JSON.stringify(raw)}`);
}

function logFormat(raw: string | undefined): 'pretty' | 'json' {
  if (raw === undefined) return process.stdout.isTTY ? 'pretty' : 'json';
  if (raw === 'pretty' || raw === 'json') return raw;
  throw new ConfigurationError(`[memory/example] ${ENV.LOG_FORMAT} must be pretty or json, got ${JSON.stringify(raw)}`);
}

/**
 * Reads the configuration from `env` (default `process.env`): the one place the app looks at
 * the environment. Nothing set means embedded PGlite and filesystem storage under `.data/`.
 *
 * @example
 * ```ts
 * const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app' });
 * ```
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): AppConfig {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const dataDir = resolve(cwd, get(ENV.DATA_DIR) ?? defaultDataDir(cwd));
  const dimensions = positiveInt(ENV.EMBEDDING_DIMENSIONS, get(ENV.EMBEDDING_DIMENSIONS), DEFAULT_EMBEDDING_DIMENSIONS);
  const embeddingUrl = get(ENV.EMBEDDING_URL);
  let embedding: EmbeddingConfig;
  if (embeddingUrl) {
    const model = get(ENV.EMBEDDING_MODEL);
    if (!model) {
      throw new ConfigurationError(
        `[memory/example] ${ENV.EMBEDDING_URL} is set but ${ENV.EMBEDDING_MODEL} is not: name the embedding model, e.g. text-embedding-3-small`,
      );
    }
    const apiKey = get(ENV.EMBEDDING_API_KEY);
    embedding = { kind: 'openai-compatible', url: embeddingUrl, model, dimensions, ...(apiKey ? { apiKey } : {}) };
  } else {
    embedding = { kind: 'hashing', dimensions };
  }
  const demo = get(ENV.DEMO_DATA);
  return {
    databaseUrl: get(ENV.DATABASE_URL) ?? `pglite://${join(dataDir, 'pglite')}`,
    storageUrl: get(ENV.STORAGE_URL) ?? `file://${join(dataDir, 'longterm')}`,
    cwd,
    embedding,
    demoData: demo === undefined ? true : !['0', 'false', 'no', 'off'].includes(demo.toLowerCase()),
    preparedStatements: onOff(ENV.PREPARED_STATEMENTS, get(ENV.PREPARED_STATEMENTS), true),
    port: positiveInt(ENV.PORT, get(ENV.PORT), 3000),
    host: get(ENV.HOST) ?? '127.0.0.1',
    logLevel: get(ENV.LOG_LEVEL) ?? 'info',
    logFormat: logFormat(get(ENV.LOG_FORMAT)),
    corsOrigins: (get(ENV.CORS_ORIGINS) ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    bodyLimit: positiveInt(ENV.BODY_LIMIT, get(ENV.BODY_LIMIT), 10 * 1024 * 1024),
    authMode: authMode(get(ENV.AUTH)),
    rateLimitPerMinute: get(ENV.RATE_LIMIT) === '0' ? 0 : positiveInt(ENV.RATE_LIMIT, get(ENV.RATE_LIMIT), 1200),
    env,
  };
}
