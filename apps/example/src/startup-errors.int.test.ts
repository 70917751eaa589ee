import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { createPostgresScratchDatabase, PG_TEST_URL_ENV, type ScratchDatabase } from '@memory/db/testing';
import { MemoryError } from '@memory/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './build-app.js';
import { loadConfig } from './config.js';
import { checkPgvector } from './health-checks.js';
import { explainStartupError } from './startup-errors.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const adminUrl = process.env[PG_TEST_URL_ENV];

// Missing pgvector rights (#14 item 6): a database without the vector extension whose role may not
// create it (pgvector is not a trusted extension: only a superuser may). The service must say what
// is wrong and what to do in one paragraph: no stack trace, no password.
describe.skipIf(!adminUrl)(
  `startup on a database without pgvector rights${adminUrl ? '' : ` (set ${PG_TEST_URL_ENV} to run)`}`,
  () => {
    const role = `memory_test_novector_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    let admin: MemoryDb;
    let scratch: ScratchDatabase;
    let url: string;
    let dataDir: string;

    beforeAll(async () => {
      admin = createMemoryDb({ url: adminUrl!, embeddingDimensions: 3 });
      await admin.ready();
      await admin.execute(`create role ${role} login nosuperuser nocreatedb nocreaterole password '${password}'`);
      scratch = await createPostgresScratchDatabase(adminUrl!);
      // The role owns its database (it may create tables there), but is no superuser.
      const name = new URL(scratch.url).pathname.slice(1);
      await admin.execute(`alter database ${name} owner to ${role}`);
      const target = new URL(scratch.url);
      target.username = role;
      target.password = password;
      url = target.toString();
      dataDir = mkdtempSync(join(tmpdir(), 'memory-novector-'));
    }, 120_000);

    afterAll(async () => {
      await scratch?.drop();
      await admin?.execute(`drop role if exists ${role}`);
      await admin?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('the database really lacks the extension and the role really may not create it', async () => {
      const db = createMemoryDb({ url, embeddingDimensions: 3 });
      try {
        await db.ready();
        expect(await db.execute("select 1 from pg_extension where extname = 'vector'")).toEqual([]);
        // The health check tells the missing right from a missing install too.
        const check = await checkPgvector(db);
        expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/installed on the server but/) });
        expect(check.fix).toMatch(/have a superuser run CREATE EXTENSION vector/);
        const [me] = await db.execute<{ rolsuper: boolean }>(
          'select rolsuper from pg_roles where rolname = current_user',
        );
        expect(me?.rolsuper).toBe(false);
      } finally {
        await db.close();
      }
    });

    it('buildApp fails with a typed database error naming what to do', async () => {
      const config = loadConfig({ DATABASE_URL: url, MEMORY_DEMO_DATA: 'false', LOG_LEVEL: 'silent' });
      const error = await buildApp(config).then(
        () => {
          throw new Error('the service started without pgvector');
        },
        (e: unknown) => e,
      );
      expect(MemoryError.isInstance(error)).toBe(true);
      expect((error as MemoryError).code).toBe('DATABASE');
      const message = (error as MemoryError).message;
      expect(message).toContain('permission denied to create extension "vector"');
      // A right is missing, not the extension: no advice to install it.
      expect(message).toContain(
        `pgvector is installed on the server, but the role "${role}" may not create extensions`,
      );
      expect(message).toContain('have a superuser run CREATE EXTENSION vector in this database');
      expect(message).not.toMatch(/install (it|pgvector)/i);
      expect(message).not.toContain(password);

      const explained = explainStartupError(error, config);
      expect(explained).toMatch(/^\[memory\] the service could not start: /);
      expect(explained).toContain(`database: postgresql://${role}:`);
      expect(explained).not.toContain(password);
      expect(explained).not.toMatch(/\n\s+at /);
    });

    it('the service process prints that paragraph and exits 1, with no stack trace and no password', () => {
      // main.ts from its sources (tsx, the sibling packages' sources too): what `npm start` runs once built.
      const tsx = join(root, 'node_modules', '.bin', 'tsx');
      const r = spawnSync(tsx, ['--conditions=@memory/source', join(here, 'main.ts')], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: url,
          MEMORY_DATA_DIR: dataDir,
          MEMORY_DEMO_DATA: 'false',
          PORT: String(20_000 + Math.floor(Math.random() * 20_000)), // never reached: the database fails first
          LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain('the service could not start');
      expect(r.stderr).toContain('have a superuser run CREATE EXTENSION vector in this database');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(`${r.stdout}${r.stderr}`).not.toContain(password);
    }, 300_000);
  },
);

// The other case: pgvector is not installed on the server at all, so no role can create it. A real
// server that lacks it: PGlite without its vector bundle, spoken to over the PostgreSQL wire
// protocol (its socket server) through a postgres:// URL, as any PostgreSQL without pgvector.
describe('startup on a server without pgvector installed', () => {
  let pglite: PGlite;
  let server: PGLiteSocketServer;
  let url: string;

  beforeAll(async () => {
    pglite = await PGlite.create();
    server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1' });
    await server.start();
    const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await pglite?.close();
  });

  it('initDb fails saying pgvector must be installed on the server, not asking for a superuser', async () => {
    // One connection: the socket server serves one client at a time (so no separate init-lock connection).
    const db = createMemoryDb({ url, embeddingDimensions: 3, pool: { min: 0, max: 1 } });
    try {
      const error = await db.initDb().then(
        () => {
          throw new Error('initDb succeeded without pgvector');
        },
        (e: unknown) => e,
      );
      expect(MemoryError.isInstance(error)).toBe(true);
      expect((error as MemoryError).code).toBe('DATABASE');
      const message = (error as MemoryError).message;
      expect(message).toMatch(/extension "vector" is not available|could not open extension control file/);
      expect(message).toContain(
        'pgvector is not installed on the database server: install it on the machine PostgreSQL runs on',
      );
      expect(message).not.toMatch(/superuser|may not create/);
      const config = loadConfig({ DATABASE_URL: url, MEMORY_DEMO_DATA: 'false', LOG_LEVEL: 'silent' });
      const explained = explainStartupError(error, config);
      expect(explained).toMatch(/^\[memory\] the service could not start: .*pgvector is not installed/);
      expect(explained).not.toMatch(/\n\s+at /);

      expect(await checkPgvector(db)).toMatchObject({
        ok: false,
        detail: 'pgvector is not installed on the database server',
        fix: expect.stringMatching(/^install pgvector on the machine PostgreSQL runs on/),
      });
    } finally {
      await db.close();
    }
  }, 120_000);
});
