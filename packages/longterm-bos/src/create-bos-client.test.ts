import { ConfigurationError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { checkEndpoint, createBosClient, needsPathStyle } from './create-bos-client.js';

describe('createBosClient', () => {
  it('addresses BOS region endpoints by host and anything else by path', () => {
    expect(needsPathStyle('https://bj.bcebos.com')).toBe(false);
    expect(needsPathStyle('https://gz.bcebos.com')).toBe(false);
    expect(needsPathStyle('http://127.0.0.1:9000')).toBe(true);
    expect(needsPathStyle('http://localhost:9000')).toBe(true);
    expect(needsPathStyle('https://bos-proxy.internal')).toBe(true);
  });

  it('builds an SDK BosClient with the credentials and addressing style', () => {
    const client = createBosClient({ endpoint: 'http://localhost:9000/', accessKey: 'ak', secretKey: 'sk' });
    expect(client.constructor.name).toBe('BosClient');
    expect(client.config).toMatchObject({
      endpoint: 'http://localhost:9000',
      credentials: { ak: 'ak', sk: 'sk' },
      pathStyleEnable: true,
    });
  });

  it('refuses endpoints that are not a bare http(s) origin', () => {
    expect(() => checkEndpoint('bj.bcebos.com')).toThrow(ConfigurationError);
    expect(() => checkEndpoint('ftp://bj.bcebos.com')).toThrow(/http or https/);
    expect(() => checkEndpoint('https://bj.bcebos.com/bucket')).toThrow(/without a path/);
    expect(() => checkEndpoint('https://bj.bcebos.com/')).not.toThrow();
  });
});
