import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { createPostgresScratchDatabase, PG_TEST_URL_ENV, type ScratchDatabase } from '@memory/db/testing';
import { MemoryError } from '@memory/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './build-app.js';
import { loadConfig } from './config.js';
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
      expect(message).toContain('have a superuser run CREATE EXTENSION vector in this database');
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
