import { createRequire } from 'node:module';
import { ConfigurationError } from '@memory/errors';
import type { BosClientConfig, BosClientLike } from './bos-client-like.js';

const BOS_REGION_HOST = /^[a-z0-9-]+\.bcebos\.com$/i;

/** What {@link createBosClient} needs. */
export interface BosClientSettings {
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

/**
 * True when the SDK should address the bucket in the path. The SDK itself only does that for
 * IP endpoints; for any other host that is not a `{region}.bcebos.com` endpoint it would send
 * `{endpoint}/{key}` with the bucket nowhere in the request.
 */
export function needsPathStyle(endpoint: string): boolean {
  return !BOS_REGION_HOST.test(new URL(endpoint).hostname);
}

/** Throws `ConfigurationError` unless `endpoint` is an http(s) URL without a path. */
export function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigurationError(
      `[memory/bos] endpoint ${JSON.stringify(endpoint)} is not a URL: use e.g. https://bj.bcebos.com`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(
      `[memory/bos] endpoint must be http or https, got ${url.protocol}: use e.g. https://bj.bcebos.com`,
    );
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new ConfigurationError(
      `[memory/bos] endpoint must be a bare origin like https://bj.bcebos.com, without a path or query`,
    );
  }
}

/**
 * Builds an `@baiducloud/sdk` `BosClient`. The SDK is CommonJS and loads every Baidu Cloud
 * client on import, so it is required here, on first use, rather than at module load.
 */
export function createBosClient(settings: BosClientSettings): BosClientLike {
  const require = createRequire(import.meta.url);
  const sdk = require('@baiducloud/sdk') as { BosClient: new (config: BosClientConfig) => BosClientLike };
  const endpoint = settings.endpoint.replace(/\/+$/, '');
  return new sdk.BosClient({
    endpoint,
    credentials: { ak: settings.accessKey, sk: settings.secretKey },
    pathStyleEnable: needsPathStyle(endpoint),
  });
}
