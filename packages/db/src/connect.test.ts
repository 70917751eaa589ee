import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigurationError, DatabaseError } from '@memory/errors';
import { Session } from '@memory/models';
import { describe, expect, it } from 'vitest';
import { createMemoryDb } from './memory-db.js';

/** A local port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const SECRET = 'Sup3r-Secret-Pw';

function expectNoSecret(error: unknown) {
  expect(inspect(error, { depth: 8 })).not.toContain(SECRET);
  expect(JSON.stringify((error as DatabaseError).details)).not.toContain(SECRET);
}

describe('connection errors', () => {
  it('fails fast on an unknown scheme or a bad URL, naming what to use', () => {
    expect(() => createMemoryDb({ url: `mongodb://u:${SECRET}@h/db` })).toThrowError(ConfigurationError);
    expect(() => createMemoryDb({ url: 'garbage' })).toThrow(/is not a database URL: use postgres:\/\//);
    try {
      createMemoryDb({ url: `mongodb://u:${SECRET}@h/db` });
    } catch (e) {
      expectNoSecret(e);
    }
  });

  it('names host and port, never the password, when the server is unreachable', async () => {
    const port = await closedPort();
    const db = createMemoryDb({
      url: `postgresql+asyncpg://app:${SECRET}@127.0.0.1:${port}/memory`,
      connectTimeoutMs: 2000,
    });
    try {
      expect(db.url).toBe(`postgresql+asyncpg://app:***@127.0.0.1:${port}/memory`);
      for (const attempt of [
        () => db.initDb(),
        () => db.scope((em) => em.find(Session, {})),
        () => db.execute('select 1'),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(DatabaseError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain(`127.0.0.1:${port}`);
        expect((error as Error).message).toContain('database "memory"');
        expect((error as DatabaseError).details).toMatchObject({ host: '127.0.0.1', port, code: 'ECONNREFUSED' });
        expectNoSecret(error);
      }
    } finally {
      await db.close();
    }
  });

  it('rejects a bad embedding dimension up front', () => {
    expect(() => createMemoryDb({ url: 'pglite://memory', embeddingDimensions: 0 })).toThrow(
      /embeddingDimensions must be an integer/,
    );
    expect(() => createMemoryDb({ url: 'pglite://memory', embeddingDimensions: 1.5 })).toThrow(/embeddingDimensions/);
  });
});

describe.skipIf(!process.env.MEMORY_TEST_PG_URL)('connection errors [postgres]', () => {
  it('fails on a database that does not exist instead of creating it', async () => {
    const admin = new URL(process.env.MEMORY_TEST_PG_URL!.replace(/^[a-z0-9+]+:/i, 'postgresql:'));
    const name = `memory_test_missing_${Date.now().toString(36)}`;
    admin.pathname = `/${name}`;
    const db = createMemoryDb({ url: admin.toString() });
    try {
      const error = await db.initDb().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(DatabaseError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(`database "${name}" does not exist .*create the database or fix its name`),
      );
      expect((error as DatabaseError).details).toMatchObject({ code: '3D000' });
    } finally {
      await db.close();
    }
    const check = createMemoryDb({ url: process.env.MEMORY_TEST_PG_URL! });
    try {
      expect(await check.execute('select 1 as n from pg_database where datname = ?', [name])).toEqual([]);
    } finally {
      await check.close();
    }
  });
});

describe('pglite://<dir>', () => {
  it('makes missing parent directories and keeps the data across instances', async () => {
    const root = await mkdtemp(join(tmpdir(), 'memory-pglite-dir-'));
    try {
      const url = `pglite://${root}/nested/deeper/db`;
      const first = createMemoryDb({ url, embeddingDimensions: 3 });
      await first.initDb();
      const id = await first.scope((em) => em.create(Session, { title: '持久' }).id);
      await first.close();
      const second = createMemoryDb({ url, embeddingDimensions: 3 });
      try {
        expect((await second.fork().findOneOrFail(Session, id)).title).toBe('持久');
      } finally {
        await second.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
