import { ConfigurationError } from '@memory/errors';
import { requireBucket, type LongTermStorageAdapter, type LongTermStorageSettings } from '@memory/longterm-core';
import type { BosStorageOptions } from './bos-storage-options.js';
import { createBosStorage } from './create-bos-storage.js';

/** What a URL cannot carry: timeouts, retries, a ready client. URL and config settings win over these. */
export type BosAdapterDefaults = Omit<BosStorageOptions, 'bucket'>;

const BOS_HOST = /(^|\.)bcebos\.com$/i;

/**
 * The `bos://` (config `backend: 'bos'`) backend for `createLongTermStorage` of
 * `@memory/longterm-core`. A config dict without a backend whose endpoint is a `*.bcebos.com`
 * host is recognized as BOS, as the original did.
 *
 * URL: `bos://bucket?endpoint=https://bj.bcebos.com&prefix=long_term/`. Credentials come from
 * the factory's options, the config dict, then `BOS_ACCESS_KEY` / `BOS_SECRET_KEY` of the
 * factory's `env` (default `process.env`).
 *
 * @example
 * ```ts
 * import { createLongTermStorage } from '@memory/longterm-core';
 * import { bosAdapter } from '@memory/longterm-bos';
 *
 * const storage = await createLongTermStorage('bos://memory-prod?prefix=long_term/', {
 *   adapters: [bosAdapter({ requestTimeoutMs: 10_000 })],
 * });
 * ```
 */
export function bosAdapter(defaults: BosAdapterDefaults = {}): LongTermStorageAdapter {
  return {
    name: 'bos',
    schemes: ['bos'],
    detect: (settings) => (settings.bucket && isBosEndpoint(settings.endpoint) ? 'match' : undefined),
    create: (settings) => createBosStorage(toBosOptions(settings, defaults)),
  };
}

function isBosEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return BOS_HOST.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** Maps the factory's settings to {@link BosStorageOptions}. */
export function toBosOptions(settings: LongTermStorageSettings, defaults: BosAdapterDefaults = {}): BosStorageOptions {
  const bucket = requireBucket(settings, 'bos');
  const options: BosStorageOptions = { ...defaults, bucket };
  if (!defaults.client) {
    const accessKey = settings.accessKey ?? defaults.accessKey ?? settings.env.BOS_ACCESS_KEY;
    const secretKey = settings.secretKey ?? defaults.secretKey ?? settings.env.BOS_SECRET_KEY;
    if (!accessKey || !secretKey) {
      throw new ConfigurationError(
        '[memory/bos] the bos backend needs credentials: pass accessKey/secretKey or set BOS_ACCESS_KEY and BOS_SECRET_KEY',
      );
    }
    options.accessKey = accessKey;
    options.secretKey = secretKey;
  }
  if (settings.endpoint !== undefined) options.endpoint = settings.endpoint;
  if (settings.prefix !== undefined) options.prefix = settings.prefix;
  return options;
}
