import { ConfigurationError } from '@memory/errors';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads postgres URLs in every spelling the original accepted', () => {
    for (const scheme of ['postgres', 'postgresql', 'postgresql+asyncpg', 'postgresql+psycopg2']) {
      expect(parseDatabaseUrl(`${scheme}://app:p%40ss@db.example:6543/memory`)).toMatchObject({
        kind: 'postgres',
        host: 'db.example',
        port: 6543,
        user: 'app',
        password: 'p@ss',
        database: 'memory',
        ssl: false,
        display: `${scheme}://app:***@db.example:6543/memory`,
      });
    }
  });

  it('defaults the port, the database and TLS sensibly', () => {
    expect(parseDatabaseUrl('postgres://u@h')).toMatchObject({
      host: 'h',
      port: 5432,
      database: 'u',
      password: undefined,
    });
    expect(parseDatabaseUrl('postgres://h/db?sslmode=require')).toMatchObject({
      database: 'db',
      ssl: { rejectUnauthorized: false },
    });
    expect(parseDatabaseUrl('postgres://h/db?sslmode=verify-full')).toMatchObject({
      ssl: { rejectUnauthorized: true },
    });
    expect(parseDatabaseUrl('postgres://[::1]:5433/db')).toMatchObject({ host: '::1', port: 5433 });
  });

  it('reads pglite URLs: memory, relative and absolute directories', () => {
    expect(parseDatabaseUrl('pglite://memory')).toEqual({
      kind: 'pglite',
      dataDir: undefined,
      display: 'pglite://memory',
    });
    expect(parseDatabaseUrl('pglite://./.data/mem')).toMatchObject({ kind: 'pglite', dataDir: './.data/mem' });
    expect(parseDatabaseUrl('pglite:///var/lib/memory')).toMatchObject({ kind: 'pglite', dataDir: '/var/lib/memory' });
  });

  it('refuses unknown schemes, garbage and empty input with a ConfigurationError that hides the password', () => {
    const cases = [
      'mysql://root:hunter2@db/x',
      'not a url',
      '',
      'postgres://u:hunter2@host:notaport/db',
      'pglite://',
      'sqlite:///tmp/x.db',
    ];
    for (const url of cases) {
      let error: unknown;
      try {
        parseDatabaseUrl(url);
      } catch (e) {
        error = e;
      }
      expect(ConfigurationError.isInstance(error), url).toBe(true);
      const message = (error as Error).message;
      expect(message).toMatch(/^\[memory\/db\] /);
      expect(message).toMatch(/postgres:\/\/|pglite:\/\//);
      expect(message).not.toContain('hunter2');
      expect(JSON.stringify((error as ConfigurationError).details)).not.toContain('hunter2');
    }
    expect(() => parseDatabaseUrl('mysql://db/x')).toThrow(/unsupported database URL scheme "mysql:"/);
  });
});
