import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, redactUrl } from '@memory/errors';
import { FileSystemLongTermStorage } from './file-system-storage.js';
import { InMemoryLongTermStorage } from './in-memory-storage.js';
import type { LongTermStorageAdapter, LongTermStorageSettings } from './storage-adapter.js';
import type { LongTermStorage } from './types.js';
import { withPrefix } from './with-prefix.js';

/**
 * A configuration object, in the original's config-dict spelling (snake_case) or camelCase.
 * With neither `backend`/`type` nor a bucket nor a path, the result is in-memory, as in the original.
 */
export interface LongTermStorageConfig {
  /** `'memory'`, `'file'` (alias `'fs'`), or a scheme of an adapter passed in (`'s3'`, `'minio'`, `'bos'`). */
  backend?: string;
  /** Alias of `backend`. */
  type?: string;
  bucket?: string;
  /** The object store's endpoint URL. */
  endpoint_url?: string;
  endpoint?: string;
  endpointUrl?: string;
  access_key?: string;
  accessKey?: string;
  secret_key?: string;
  secretKey?: string;
  session_token?: string;
  sessionToken?: string;
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
  /**
   * The object-store backends the application uses, e.g. `[s3Adapter(), bosAdapter()]` from
   * `@memory/longterm-s3` and `@memory/longterm-bos`. `memory://` and `file://` are built in.
   */
  adapters?: readonly LongTermStorageAdapter[];
  /** Access key; wins over the config dict and any environment fallback of an adapter. */
  accessKey?: string;
  /** Secret key; wins over the config dict and any environment fallback of an adapter. */
  secretKey?: string;
  /** Session token of temporary credentials (STS). */
  sessionToken?: string;
  /** Where adapters read environment fallbacks (`BOS_ACCESS_KEY`...); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Base of relative `file://./dir` URLs and paths; default `process.cwd()`. */
  cwd?: string;
}

/** Hints for the schemes of this project's own backend packages, for the "no adapter" message. */
const ADAPTER_HINTS: Readonly<Record<string, string>> = {
  s3: "s3Adapter() from '@memory/longterm-s3'",
  minio: "s3Adapter() from '@memory/longterm-s3'",
  bos: "bosAdapter() from '@memory/longterm-bos'",
};

const memoryAdapter: LongTermStorageAdapter = {
  name: 'memory',
  schemes: ['memory', 'in_memory', 'inmemory'],
  create: (settings) => prefixed(new InMemoryLongTermStorage(), settings),
};

const fileAdapter: LongTermStorageAdapter = {
  name: 'file',
  schemes: ['file', 'fs', 'filesystem'],
  create(settings) {
    const rootDir = settings.params.path;
    if (typeof rootDir !== 'string' || rootDir === '') {
      throw new ConfigurationError(
        '[memory/longterm] the file backend needs a directory: file:///abs/dir, file://./rel/dir or { path }',
      );
    }
    return prefixed(
      new FileSystemLongTermStorage(isAbsolute(rootDir) ? rootDir : resolve(settings.cwd, rootDir)),
      settings,
    );
  },
};

function prefixed(storage: LongTermStorage, settings: LongTermStorageSettings): LongTermStorage {
  return settings.prefix ? withPrefix(storage, settings.prefix) : storage;
}

/**
 * Builds a storage from a URL or the original's config dict; with nothing configured, in-memory
 * (as the original). `memory://` and `file://` are built in; object stores come from the
 * adapters the application passes, so this package imports none of them and nothing depends on
 * an import's side effects.
 *
 * | URL | backend |
 * |---|---|
 * | `memory://` | {@link InMemoryLongTermStorage} |
 * | `file:///abs/dir`, `file://./rel/dir` | {@link FileSystemLongTermStorage} |
 * | `s3://bucket?endpoint=http://localhost:9000&region=us-east-1&prefix=long_term/&forcePathStyle=true` | `s3Adapter()` of `@memory/longterm-s3` |
 * | `bos://bucket?endpoint=https://bj.bcebos.com&prefix=long_term/` | `bosAdapter()` of `@memory/longterm-bos` |
 *
 * Every scheme takes `?prefix=`. Credentials never go in the URL (refused): pass them in
 * `options`, or rely on the adapter's environment fallback.
 *
 * @example
 * ```ts
 * import { s3Adapter } from '@memory/longterm-s3';
 * import { bosAdapter } from '@memory/longterm-bos';
 *
 * const storage = await createLongTermStorage(process.env.MEMORY_STORAGE_URL ?? 'file://./.data/longterm', {
 *   adapters: [s3Adapter(), bosAdapter()],
 * });
 * ```
 * @throws ConfigurationError for an unknown scheme or backend, a scheme no adapter was passed
 *   for (naming the one to pass), a missing bucket or credentials, credentials in a URL.
 */
export async function createLongTermStorage(
  urlOrConfig?: string | LongTermStorageConfig | null,
  options: CreateLongTermStorageOptions = {},
): Promise<LongTermStorage> {
  const adapters = [...(options.adapters ?? []), memoryAdapter, fileAdapter];
  for (const adapter of adapters) {
    if (!adapter || typeof adapter.create !== 'function' || !Array.isArray(adapter.schemes)) {
      throw new ConfigurationError(
        '[memory/longterm] options.adapters holds something that is not an adapter: pass e.g. s3Adapter() (called), not s3Adapter',
      );
    }
  }
  const settings =
    typeof urlOrConfig === 'string'
      ? parseStorageUrl(urlOrConfig, options)
      : normalizeConfig(urlOrConfig ?? {}, options, adapters);
  const adapter = adapters.find((candidate) => candidate.schemes.includes(settings.backend));
  if (!adapter) throw noAdapter(settings.backend, adapters);
  return adapter.create(settings);
}

function noAdapter(backend: string, adapters: readonly LongTermStorageAdapter[]): ConfigurationError {
  const known = adapters.map((adapter) => `${adapter.schemes[0]}://`).join(', ');
  const hint = ADAPTER_HINTS[backend];
  return new ConfigurationError(
    hint
      ? `[memory/longterm] ${backend}:// storage needs its adapter: createLongTermStorage(url, { adapters: [${hint}] })`
      : `[memory/longterm] unknown storage scheme or backend "${backend}": use ${known}, or pass an adapter for it in options.adapters`,
    { details: { backend } },
  );
}

function baseSettings(options: CreateLongTermStorageOptions) {
  return {
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
  };
}

function credentials(options: CreateLongTermStorageOptions, config: LongTermStorageConfig = {}) {
  const result: { accessKey?: string; secretKey?: string; sessionToken?: string } = {};
  const accessKey = options.accessKey ?? config.access_key ?? config.accessKey;
  const secretKey = options.secretKey ?? config.secret_key ?? config.secretKey;
  const sessionToken = options.sessionToken ?? config.session_token ?? config.sessionToken;
  if (accessKey !== undefined) result.accessKey = accessKey;
  if (secretKey !== undefined) result.secretKey = secretKey;
  if (sessionToken !== undefined) result.sessionToken = sessionToken;
  return result;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Parses a storage URL into the settings an adapter receives (exported for tests and tooling).
 * @internal
 */
export function parseStorageUrl(
  url: string,
  options: Omit<CreateLongTermStorageOptions, 'adapters'> = {},
): LongTermStorageSettings {
  const trimmed = url.trim();
  const base = { ...baseSettings(options), ...credentials(options) };
  if (trimmed === '') return { backend: 'memory', params: {}, ...base };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme) {
    throw new ConfigurationError(
      `[memory/longterm] storage URL "${redactUrl(trimmed)}" has no scheme: use memory://, file://, s3://, bos:// (or a scheme of an adapter you pass)`,
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
  const params: Record<string, string | boolean | undefined> = Object.fromEntries(query);
  const forcePathStyle = query.get('forcePathStyle') ?? query.get('force_path_style');
  if (forcePathStyle !== null) params.forcePathStyle = !/^(false|0|no)$/i.test(forcePathStyle);
  delete params.force_path_style;
  if (scheme === 'file') {
    if (location === '') {
      throw new ConfigurationError(
        '[memory/longterm] file:// URL needs a directory: file:///abs/dir or file://./rel/dir',
      );
    }
    params.path = location.startsWith('/')
      ? fileURLToPath(`file://${location}`)
      : resolve(base.cwd, decodeURIComponent(location));
  }
  return {
    backend: scheme,
    ...defined({
      bucket: scheme === 'file' ? undefined : decodeURIComponent(location.replace(/\/+$/, '')),
      endpoint: query.get('endpoint') ?? query.get('endpoint_url') ?? query.get('endpointUrl') ?? undefined,
      region: query.get('region') ?? undefined,
      prefix: query.get('prefix') ?? undefined,
    }),
    params,
    ...base,
  };
}

function normalizeConfig(
  config: LongTermStorageConfig,
  options: CreateLongTermStorageOptions,
  adapters: readonly LongTermStorageAdapter[],
): LongTermStorageSettings {
  if (typeof config !== 'object') {
    throw new ConfigurationError('[memory/longterm] storage config must be a URL string or an object');
  }
  const rootDir = config.root_dir ?? config.rootDir ?? config.path;
  const params: Record<string, string | boolean | undefined> = defined({
    path: rootDir,
    forcePathStyle: config.force_path_style ?? config.forcePathStyle,
  });
  const settings: Omit<LongTermStorageSettings, 'backend'> = {
    ...defined({
      bucket: config.bucket,
      endpoint: config.endpoint_url ?? config.endpointUrl ?? config.endpoint,
      region: config.region,
      prefix: config.prefix,
    }),
    ...credentials(options, config),
    params,
    ...baseSettings(options),
  };
  const declared = (config.backend ?? config.type)?.toLowerCase();
  if (declared) return { backend: declared, ...settings };
  // The original built in-memory storage when nothing was configured; a bucket means an object
  // store, which the adapters recognize (BOS by its endpoint, S3 for any bucket).
  if (config.bucket) {
    const probe = { backend: '', ...settings };
    const verdicts = adapters.map((adapter) => ({ adapter, verdict: adapter.detect?.(probe) }));
    const chosen =
      verdicts.find((v) => v.verdict === 'match')?.adapter ?? verdicts.find((v) => v.verdict === 'fallback')?.adapter;
    if (!chosen) {
      throw new ConfigurationError(
        `[memory/longterm] storage config has bucket "${config.bucket}" but no backend: set backend ('s3', 'bos'...) and pass its adapter in options.adapters`,
      );
    }
    return { backend: chosen.schemes[0] ?? chosen.name, ...settings };
  }
  return { backend: rootDir ? 'file' : 'memory', ...settings };
}
