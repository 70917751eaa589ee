import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_TEST_URL_ENV } from './describe-each-database.js';
import {
  createPostgresScratchDatabase,
  dropScratchDatabase,
  scratchDatabaseCreatedAt,
  scratchDatabaseName,
  sweepStaleScratchDatabases,
} from './test-databases.js';

describe('scratch database names', () => {
  it('carry their creation time, to the second', () => {
    const now = Date.UTC(2026, 10, 25, 18, 30, 15, 999);
    const name = scratchDatabaseName(now);
    expect(name).toMatch(/^memory_test_[0-9a-z]+_[0-9a-f]{12}$/);
    expect(scratchDatabaseCreatedAt(name)).toBe(Date.UTC(2026, 10, 25, 18, 30, 15));
    expect(scratchDatabaseName(now)).not.toBe(name);
    // Names of another form (older runs, other tools) have no known age.
    expect(scratchDatabaseCreatedAt('memory_test_0123456789ab')).toBeUndefined();
    expect(scratchDatabaseCreatedAt('memory_bench_x')).toBeUndefined();
  });
});

describe('dropScratchDatabase', () => {
  /** A client whose drops fail with `codes` in turn, then succeed. */
  const failingClient = (codes: string[]) => {
    const sent: string[] = [];
    const client = {
      query: async (text: string) => {
        sent.push(text);
        const code = codes.shift();
        if (code) throw Object.assign(new Error(`failed with ${code}`), { code });
        return { rows: [] };
      },
    };
    return { client: client as unknown as pg.Client, sent };
  };

  it('tries again while the database is still in use (a background worker connected after FORCE)', async () => {
    const { client, sent } = failingClient(['55006', '55006']);
    await dropScratchDatabase(client, 'memory_test_x');
    expect(sent).toEqual(Array(3).fill('drop database if exists memory_test_x with (force)'));
  });

  it('gives up after its attempts, and at once on any other error', async () => {
    await expect(dropScratchDatabase(failingClient(['55006', '55006', '55006']).client, 'd', 3)).rejects.toMatchObject({
      code: '55006',
    });
    const other = failingClient(['42501']);
    await expect(dropScratchDatabase(other.client, 'd')).rejects.toMatchObject({ code: '42501' });
    expect(other.sent).toHaveLength(1);
  });
});

const adminUrl = process.env[PG_TEST_URL_ENV];

describe.skipIf(!adminUrl)(`sweepStaleScratchDatabases on PostgreSQL (set ${PG_TEST_URL_ENV} to run)`, () => {
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const exists = (name: string) =>
    admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);

  it('drops old scratch databases nobody uses, and keeps fresh, busy and foreign ones', async () => {
    const hourAgo = Date.now() - 60 * 60 * 1000;
    const [stale, busy, fresh] = [
      scratchDatabaseName(hourAgo - 1000),
      scratchDatabaseName(hourAgo - 2000),
      scratchDatabaseName(),
    ];
    const legacy = `memory_test_${'ab'.repeat(6)}`;
    await admin(async (c) => {
      for (const name of [stale, busy, fresh, legacy]) await c.query(`create database ${name}`);
    });
    const url = new URL(adminUrl!.replace(/^[a-z0-9+]+:\/\//i, 'postgresql://'));
    url.pathname = `/${busy}`;
    const user = new pg.Client({ connectionString: url.toString() });
    await user.connect();
    try {
      const dropped = await sweepStaleScratchDatabases(adminUrl!, { maxAgeMs: 30 * 60 * 1000 });
      expect(dropped).toContain(stale);
      expect(dropped).not.toContain(busy);
      expect(await exists(stale)).toBe(false);
      expect(await exists(busy)).toBe(true);
      expect(await exists(fresh)).toBe(true);
      expect(await exists(legacy)).toBe(true);
    } finally {
      await user.end();
      await admin(async (c) => {
        for (const name of [stale, busy, fresh, legacy]) await c.query(`drop database if exists ${name} with (force)`);
      });
    }
  });

  it('creates scratch databases whose names the sweep understands', async () => {
    const scratch = await createPostgresScratchDatabase(adminUrl!);
    try {
      const name = new URL(scratch.url).pathname.slice(1);
      expect(scratchDatabaseCreatedAt(name)).toBeGreaterThan(Date.now() - 60_000);
      expect(await exists(name)).toBe(true);
    } finally {
      await scratch.drop();
    }
  });
});
