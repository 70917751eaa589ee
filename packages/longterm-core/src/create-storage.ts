import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigurationError, MemoryError, redactUrl } from '@memory/errors';
import { FileSystemLongTermStorage } from './file-system-storage.js';
import { InMemoryLongTermStorage } from './in-memory-storage.js';
import type { LongTermStorage } from './types.js';
import { withPrefix } from './with-prefix.js';

/** The backends the factory knows. */
export type LongTermBackendName = 'memory' | 'file' | 's3' | 'bos';

/**
 * A configuration object, in the original's config-dict spelling (snake_case) or camelCase.
 * With neither `backend`/`type` nor a bucket, the result is in-memory, as in the original.
 */
export interface LongTermStorageConfig {
  /** `'memory'`, `'file'` (alias `'fs'`), `'s3'` (alias `'minio'`) or `'bos'`. */
  backend?: LongTermBackendName | 'fs' | 'minio' | (string & {});
  /** Alias of `backend`. */
  type?: LongTermBackendName | 'fs' | 'minio' | (string & {});
  bucket?: string;
  /** S3: the endpoint URL (MinIO, another S3-compatible store); omit for AWS. BOS: default `https://bj.bcebos.com`. */
  endpoint_url?: string;
  endpoint?: string;
  endpointUrl?: string;
  access_key?: string;
  accessKey?: string;
  secret_key?: string;
  secretKey?: string;
  session_token?: string;
  sessionToken?: string;
  /** S3 region, default `us-east-1`. */
  region?: string;
  /** Key prefix inside the bucket or directory, e.g. `long_term/`. */
  prefix?: string;
  force_path_style?: boolean;
  forcePathStyle?: boolean;
  /** Filesystem backend: the root directory. */
  path?: string;
  root_dir?: string;
  rootDir?: string;
}

/** Options of {@link createLongTermStorage}: what does not belong in a URL. */
export interface CreateLongTermStorageOptions {
  /** Credentials; they win over the config and the environment. */
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  /**
   * Where BOS credentials are read from when not given (`BOS_ACCESS_KEY`, `BOS_SECRET_KEY`);
   * default `process.env`. S3 credentials not given fall to the AWS SDK's default chain
   * (`AWS_ACCESS_KEY_ID`, profiles, instance roles).
   */
  env?: Record<string, string | undefined>;
  /** Base of relative `file://./dir` URLs and of package resolution; default `process.cwd()`. */
  cwd?: string;
  /**
   * Loads a backend package (`@memory/longterm-s3`, `@memory/longterm-bos`). Default: `import()`,
   * then resolution from `cwd`. Pass `(s) => import(s)` from your own code when a bundler or a
   * strict package layout hides the package from this one.
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

/** The options `@memory/longterm-s3`'s `S3CompatibleStorage` constructor receives from the factory. */
export interface S3BackendConfig {
  bucket: string;
  endpointUrl?: string;
  region?: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  prefix?: string;
  forcePathStyle?: boolean;
}

/** The options `@memory/longterm-bos`'s `BosStorage` constructor receives from the factory. */
export interface BosBackendConfig {
  bucket: string;
  endpoint?: string;
  accessKey: string;
  secretKey: string;
  prefix?: string;
}

const S3_PACKAGE = '@memory/longterm-s3';
const BOS_PACKAGE = '@memory/longterm-bos';

/**
 * Builds a storage from a URL or a config object; with nothing configured, in-memory (as the
 * original). S3 and BOS come from their own packages, loaded on demand: install the one you use.
 *
 * | URL | backend |
 * |---|---|
 * | `memory://` | {@link InMemoryLongTermStorage} |
 * | `file:///abs/dir`, `file://./rel/dir` | {@link FileSystemLongTermStorage} |
 * | `s3://bucket?endpoint=http://localhost:9000&region=us-east-1&prefix=long_term/&forcePathStyle=true` | `S3CompatibleStorage` |
 * | `bos://bucket?endpoint=https://bj.bcebos.com&prefix=long_term/` | `BosStorage` |
 *
 * Every scheme takes `?prefix=`. Credentials never go in the URL (refused): pass them in
 * `options`, or use the environment (AWS chain for S3; `BOS_ACCESS_KEY`/`BOS_SECRET_KEY`).
 *
 * @example
 * ```ts
 * const storage = await createLongTermStorage(process.env.MEMORY_STORAGE_URL ?? 'file://./.data/longterm');
 * const legacy = await createLongTermStorage({ backend: 's3', bucket: 'mem', endpoint_url: 'http://minio:9000', access_key, secret_key });
 * ```
 * @throws ConfigurationError for an unknown scheme or backend, a missing bucket or BOS
 *   credentials, credentials in a URL, or a backend package that is not installed.
 */
export async function createLongTermStorage(
  urlOrConfig?: string | LongTermStorageConfig | null,
  options: CreateLongTermStorageOptions = {},
): Promise<LongTermStorage> {
  const config =
    typeof urlOrConfig === 'string' ? parseStorageUrl(urlOrConfig, options) : normalizeConfig(urlOrConfig ?? {});
  return build(config, options);
}

interface Normalized {
  backend: LongTermBackendName;
  bucket?: string;
  endpoint?: string;
  region?: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  prefix?: string;
  forcePathStyle?: boolean;
  rootDir?: string;
}

/**
 * Parses a storage URL into the factory's normalized config (exported for tests and tooling).
 * @internal
 */
export function parseStorageUrl(url: string, options: Pick<CreateLongTermStorageOptions, 'cwd'> = {}): Normalized {
  const trimmed = url.trim();
  if (trimmed === '') return { backend: 'memory' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme) {
    throw new ConfigurationError(
      `[memory/longterm] storage URL "${redactUrl(trimmed)}" has no scheme: use memory://, file://, s3:// or bos://`,
    );
  }
  const rest = trimmed.slice(scheme.length + 3);
  const queryAt = rest.indexOf('?');
  const location = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const query = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
  for (const name of query.keys()) {
    if (/secret|access_?key|password|token|credential/i.test(name)) {
      throw new ConfigurationError(
        `[memory/longterm] storage URL has a credential parameter "${name}": pass credentials in options or the environment, never in the URL`,
      );
    }
  }
  const prefix = query.get('prefix') ?? undefined;
  switch (scheme) {
    case 'memory':
      return { backend: 'memory', prefix };
    case 'file': {
      if (location === '')
        throw new ConfigurationError(
          '[memory/longterm] file:// URL needs a directory: file:///abs/dir or file://./rel/dir',
        );
      const rootDir = location.startsWith('/')
        ? fileURLToPath(`file://${location}`)
        : resolve(options.cwd ?? process.cwd(), decodeURIComponent(location));
      return { backend: 'file', rootDir, prefix };
    }
    case 's3':
    case 'bos': {
      const bucket = decodeURIComponent(location.replace(/\/+$/, ''));
      if (!bucket || bucket.includes('/')) {
        throw new ConfigurationError(
          `[memory/longterm] ${scheme}:// URL needs a bucket name: ${scheme}://my-bucket?endpoint=...`,
        );
      }
      const forcePathStyle = query.get('forcePathStyle') ?? query.get('force_path_style');
      return {
        backend: scheme,
        bucket,
        endpoint: query.get('endpoint') ?? query.get('endpoint_url') ?? query.get('endpointUrl') ?? undefined,
        region: query.get('region') ?? undefined,
        prefix,
        forcePathStyle: forcePathStyle === null ? undefined : !/^(false|0|no)$/i.test(forcePathStyle),
      };
    }
    default:
      throw new ConfigurationError(
        `[memory/longterm] unknown storage scheme "${scheme}://": use memory://, file://, s3:// or bos://`,
      );
  }
}

function normalizeConfig(config: LongTermStorageConfig): Normalized {
  if (typeof config !== 'object')
    throw new ConfigurationError('[memory/longterm] storage config must be a URL string or an object');
  const endpoint = config.endpoint_url ?? config.endpointUrl ?? config.endpoint;
  const rootDir = config.root_dir ?? config.rootDir ?? config.path;
  const declared = (config.backend ?? config.type)?.toLowerCase();
  let backend: LongTermBackendName;
  if (declared === undefined || declared === '') {
    // The original built in-memory storage when nothing was configured; a bucket alone means
    // object storage: BOS when the endpoint is Baidu's, S3-compatible otherwise.
    if (config.bucket) backend = endpoint && /bcebos\.com/i.test(endpoint) ? 'bos' : 's3';
    else if (rootDir) backend = 'file';
    else backend = 'memory';
  } else if (declared === 'memory' || declared === 'in_memory' || declared === 'inmemory') backend = 'memory';
  else if (declared === 'file' || declared === 'fs' || declared === 'filesystem') backend = 'file';
  else if (declared === 's3' || declared === 'minio' || declared === 's3compatible' || declared === 's3_compatible')
    backend = 's3';
  else if (declared === 'bos') backend = 'bos';
  else
    throw new ConfigurationError(
      `[memory/longterm] unknown storage backend "${declared}": use memory, file, s3 or bos`,
    );
  return {
    backend,
    bucket: config.bucket,
    endpoint,
    region: config.region,
    accessKey: config.access_key ?? config.accessKey,
    secretKey: config.secret_key ?? config.secretKey,
    sessionToken: config.session_token ?? config.sessionToken,
    prefix: config.prefix,
    forcePathStyle: config.force_path_style ?? config.forcePathStyle,
    rootDir,
  };
}

async function build(config: Normalized, options: CreateLongTermStorageOptions): Promise<LongTermStorage> {
  const prefixed = (storage: LongTermStorage) => (config.prefix ? withPrefix(storage, config.prefix) : storage);
  switch (config.backend) {
    case 'memory':
      return prefixed(new InMemoryLongTermStorage());
    case 'file':
      if (!config.rootDir)
        throw new ConfigurationError(
          '[memory/longterm] the file backend needs a directory (path / rootDir, or file:///dir)',
        );
      return prefixed(
        new FileSystemLongTermStorage(
          isAbsolute(config.rootDir) ? config.rootDir : resolve(options.cwd ?? process.cwd(), config.rootDir),
        ),
      );
    case 's3': {
      if (!config.bucket) throw new ConfigurationError('[memory/longterm] the s3 backend needs a bucket');
      const mod = (await loadBackend(S3_PACKAGE, 's3', options)) as {
        S3CompatibleStorage?: new (c: S3BackendConfig) => LongTermStorage;
      };
      if (typeof mod.S3CompatibleStorage !== 'function') throw notABackend(S3_PACKAGE, 'S3CompatibleStorage');
      const s3: S3BackendConfig = { bucket: config.bucket };
      assign(s3, 'endpointUrl', config.endpoint);
      assign(s3, 'region', config.region);
      assign(s3, 'accessKey', options.accessKey ?? config.accessKey);
      assign(s3, 'secretKey', options.secretKey ?? config.secretKey);
      assign(s3, 'sessionToken', options.sessionToken ?? config.sessionToken);
      assign(s3, 'prefix', config.prefix);
      assign(s3, 'forcePathStyle', config.forcePathStyle);
      return new mod.S3CompatibleStorage(s3);
    }
    case 'bos': {
      if (!config.bucket) throw new ConfigurationError('[memory/longterm] the bos backend needs a bucket');
      const env = options.env ?? process.env;
      const accessKey = options.accessKey ?? config.accessKey ?? env.BOS_ACCESS_KEY;
      const secretKey = options.secretKey ?? config.secretKey ?? env.BOS_SECRET_KEY;
      if (!accessKey || !secretKey) {
        throw new ConfigurationError(
          '[memory/longterm] the bos backend needs credentials: pass accessKey/secretKey or set BOS_ACCESS_KEY and BOS_SECRET_KEY',
        );
      }
      const mod = (await loadBackend(BOS_PACKAGE, 'bos', options)) as {
        BosStorage?: new (c: BosBackendConfig) => LongTermStorage;
      };
      if (typeof mod.BosStorage !== 'function') throw notABackend(BOS_PACKAGE, 'BosStorage');
      const bos: BosBackendConfig = { bucket: config.bucket, accessKey, secretKey };
      assign(bos, 'endpoint', config.endpoint);
      assign(bos, 'prefix', config.prefix);
      return new mod.BosStorage(bos);
    }
  }
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function notABackend(pkg: string, name: string): ConfigurationError {
  return new ConfigurationError(
    `[memory/longterm] ${pkg} does not export ${name}: install a version that matches @memory/longterm-core`,
  );
}

async function loadBackend(pkg: string, scheme: string, options: CreateLongTermStorageOptions): Promise<unknown> {
  if (options.importModule) {
    try {
      return await options.importModule(pkg);
    } catch (error) {
      throw missingOr(pkg, scheme, error);
    }
  }
  try {
    return await import(/* @vite-ignore */ pkg);
  } catch (first) {
    if (!isModuleNotFound(first, pkg)) throw missingOr(pkg, scheme, first);
    // Under a strict layout (pnpm) this package cannot see the application's other packages:
    // resolve from the application's directory instead.
    let resolved: string;
    try {
      resolved = createRequire(join(options.cwd ?? process.cwd(), 'noop.js')).resolve(pkg);
    } catch (error) {
      throw missingOr(pkg, scheme, error);
    }
    try {
      return await import(pathToFileURL(resolved).href);
    } catch (error) {
      throw missingOr(pkg, scheme, error);
    }
  }
}

function isModuleNotFound(error: unknown, pkg: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // Only when the backend package itself is missing, not one of its own dependencies.
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find|failed to (load|resolve)/i.test(message);
  return notFound && (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`));
}

function missingOr(pkg: string, scheme: string, error: unknown): Error {
  if (MemoryError.isInstance(error)) return error;
  if (isModuleNotFound(error, pkg)) {
    return new ConfigurationError(
      `[memory/longterm] ${scheme}:// storage needs the package ${pkg}: install it (pnpm add ${pkg})`,
      {
        cause: error,
        details: { package: pkg },
      },
    );
  }
  return new ConfigurationError(
    `[memory/longterm] loading ${pkg} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
      details: { package: pkg },
    },
  );
}
