import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, loadConfig } from './config.js';

const repo = join(import.meta.dirname, '..', '..', '..');

describe('loadConfig', () => {
  it('runs on embedded defaults under .data/ at the workspace root when nothing is set', () => {
    const config = loadConfig({}, join(repo, 'apps', 'example'));
    expect(config.databaseUrl).toBe(`pglite://${join(repo, '.data', 'pglite')}`);
    expect(config.storageUrl).toBe(`file://${join(repo, '.data', 'longterm')}`);
    expect(config.embedding).toEqual({ kind: 'hashing', dimensions: 1536 });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      demoData: true,
      logLevel: 'info',
      preparedStatements: true,
    });
    expect(defaultDataDir('/')).toBe('/.data');
  });

  it('switches to PostgreSQL, a bucket and an OpenAI-compatible model from the environment', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://app@db:5432/agent',
        MEMORY_STORAGE_URL: 'bos://bucket',
        MEMORY_EMBEDDING_URL: 'https://api.example.com/v1',
        MEMORY_EMBEDDING_MODEL: 'text-embedding-v4',
        MEMORY_EMBEDDING_DIMENSIONS: '1024',
        MEMORY_EMBEDDING_API_KEY: 'sk-test',
        MEMORY_DEMO_DATA: 'false',
        MEMORY_DB_PREPARED_STATEMENTS: 'off',
        PORT: '8080',
      },
      repo,
    );
    expect(config).toMatchObject({
      databaseUrl: 'postgres://app@db:5432/agent',
      storageUrl: 'bos://bucket',
      embedding: {
        kind: 'openai-compatible',
        url: 'https://api.example.com/v1',
        model: 'text-embedding-v4',
        dimensions: 1024,
        apiKey: 'sk-test',
      },
      demoData: false,
      preparedStatements: false,
      port: 8080,
    });
  });

  it('refuses configuration mistakes with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a positive integer/);
    expect(() => loadConfig({ MEMORY_EMBEDDING_DIMENSIONS: '-3' })).toThrow(/MEMORY_EMBEDDING_DIMENSIONS/);
    expect(() => loadConfig({ MEMORY_EMBEDDING_URL: 'https://api.example.com/v1' })).toThrow(/MEMORY_EMBEDDING_MODEL/);
    expect(() => loadConfig({ MEMORY_DB_PREPARED_STATEMENTS: 'maybe' })).toThrow(
      /MEMORY_DB_PREPARED_STATEMENTS must be on or off/,
    );
  });
});

describe('parseStatus', () => {
  it('takes names and the stored numbers; anything else is one error listing both', async () => {
    const { parseStatus } = await import('./schemas.js');
    expect(parseStatus('cold')).toBe(2);
    expect(parseStatus('2')).toBe(2);
    expect(parseStatus(' Deleted ')).toBe(4);
    expect(parseStatus('any')).toBeUndefined();
    expect(() => parseStatus('7')).toThrow('active, cold, deep, deleted, any (or the stored numbers 1, 2, 3, 4)');
  });
});
