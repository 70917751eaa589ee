import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { memoryMigrations } from '@memory/db';
import { SessionStatus } from '@memory/models';
import { updateUserProfile } from '@memory/semantics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openMemoryServices } from '../memory-services.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SLOW = 240_000;
// tsx's loader by absolute URL: the CLI runs in a temporary folder, outside this workspace.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as users run it: `src/cli.ts` bundled by tsup (as `pnpm build` does) into a folder of
 * this package (under node_modules/.cache), run by node in a child process. The workspace packages it imports resolve to
 * their sources (the `@memory/source` condition, through tsx), so no package build is needed.
 */
describe('memory CLI (built binary, PGlite directory database)', () => {
  let work: string;
  let bin: string;
  let env: Record<string, string>;
  const user = 'cli-user';
  const sessions = { cold: randomUUID(), deep: randomUUID(), dead: randomUUID() };

  const run = (
    args: string[],
    options: { input?: string; onStderr?: (chunk: string, child: ReturnType<typeof spawn>) => void } = {},
  ) =>
    new Promise<Run>((done, fail) => {
      const child = spawn(process.execPath, ['--conditions=@memory/source', '--import', tsxLoader, bin, ...args], {
        cwd: work,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        options.onStderr?.(stderr, child);
      });
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });

  const withServices = async <T>(fn: (s: Awaited<ReturnType<typeof openMemoryServices>>) => Promise<T>): Promise<T> => {
    const services = await openMemoryServices({ ...loadConfig(env, work), demoData: false });
    try {
      return await fn(services);
    } finally {
      await services.close();
    }
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'memory-cli-'));
    // Inside this package's node_modules: ignored by git and lint, and the bundle's imports resolve from there.
    const outDir = join(appDir, 'node_modules', '.cache', 'memory-cli-test', randomUUID());
    const { build } = await import('tsup');
    await build({
      entry: [join(appDir, 'src/cli.ts')],
      format: ['esm'],
      outDir,
      config: false,
      silent: true,
      target: 'node22',
      skipNodeModulesBundle: true,
    });
    bin = join(outDir, 'cli.js');
    env = {
      DATABASE_URL: `pglite://${join(work, 'db')}`,
      MEMORY_STORAGE_URL: `file://${join(work, 'longterm')}`,
      MEMORY_EMBEDDING_DIMENSIONS: '16',
    };
    return () => rm(outDir, { recursive: true, force: true });
  }, SLOW);
  afterAll(() => rm(work, { recursive: true, force: true }));

  it(
    'refuses usage mistakes with exit code 2 before touching the database',
    async () => {
      const unknown = await run(['frobnicate']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
      const badId = await run(['restore', 'not-a-uuid']);
      expect(badId.code).toBe(2);
      expect(badId.stderr).toMatch(/session id/);
      const badUser = await run(['purge-user', 'a/b', '--yes']);
      expect(badUser.code).toBe(2);
      expect((await run(['--help'])).code).toBe(0);
    },
    SLOW,
  );

  it(
    'init-db creates the schema; doctor then finds everything in order',
    async () => {
      const init = await run(['--json', 'init-db']);
      expect(init.code, init.stderr).toBe(0);
      expect(JSON.parse(init.stdout).applied).toHaveLength(memoryMigrations(1536).length);
      const again = await run(['--json', 'migrate']);
      expect(JSON.parse(again.stdout).applied).toEqual([]);

      const doctor = await run(['--json', 'doctor']);
      expect(doctor.code, doctor.stdout).toBe(0);
      const report = JSON.parse(doctor.stdout);
      expect(report.ok).toBe(true);
      expect(Object.keys(report.checks)).toEqual(['database', 'pgvector', 'migrations', 'storage']);
    },
    SLOW,
  );

  it(
    'refuses an embedded database another live process has open',
    async () => {
      const dir = join(work, 'busy-db');
      // This test process plays the running service.
      await writeFile(`${dir}.lock`, String(process.pid));
      const busy = await run(['archive', 'plan', '--database-url', `pglite://${dir}`]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`in use by process ${process.pid}: stop it first`);
    },
    SLOW,
  );

  it(
    'doctor says what to fix and exits 1 when the database is missing its schema',
    async () => {
      const fresh = await run(['doctor', '--database-url', `pglite://${join(work, 'empty-db')}`]);
      expect(fresh.code).toBe(1);
      expect(fresh.stdout).toMatch(/FAIL migrations .*\n\s+fix: run `memory migrate`/);
    },
    SLOW,
  );

  it(
    'plans and runs the archive with plain progress lines, restores a session, exports and purges the user',
    async () => {
      await withServices(async ({ store, storage, db, embedder }) => {
        for (const [name, id] of Object.entries(sessions)) {
          await store.createSession({ id, userId: user, title: name });
          const texts = [`${name} question`, `${name} answer`];
          const vectors = await embedder.embed(texts);
          await store.appendMessages(
            id,
            texts.map((content, i) => ({ role: (i ? 'assistant' : 'user') as never, content, embedding: vectors[i]! })),
          );
        }
        const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
        await db.execute('update sessions set updated_at = ? where id = ?', [daysAgo(30), sessions.cold]);
        await db.execute('update sessions set updated_at = ? where id = ?', [daysAgo(400), sessions.deep]);
        await db.execute('update sessions set updated_at = ? where id = ?', [daysAgo(2000), sessions.dead]);
        await updateUserProfile(storage, user, (p) => ({ ...p, traits: { communication_style: 'terse' } }));
      });

      const plan = await run(['--json', 'archive', 'plan']);
      expect(plan.code, plan.stderr).toBe(0);
      expect(JSON.parse(plan.stdout)).toMatchObject({
        cold: { sessions: 2, messages: 4 },
        deep: { sessions: 1 },
        deleted: { sessions: 1, messages: 2 },
      });

      const archived = await run(['archive', 'run', '--batch-size', '1']);
      expect(archived.code, archived.stderr).toBe(0);
      // Not a terminal: one plain line per update, with counts and an ETA.
      expect(archived.stderr).toMatch(/^cold: 0\/2 sessions, 0\/4 messages, ETA \?$/m);
      expect(archived.stderr).toMatch(/^cold: 2\/2 sessions, 4\/4 messages, .*ETA 0:00$/m);
      expect(archived.stderr).not.toContain('\r');
      expect(archived.stdout).toMatch(/deleted: 1 sessions/);

      const restored = await run(['--json', 'restore', sessions.deep]);
      expect(restored.code, restored.stderr).toBe(0);
      expect(JSON.parse(restored.stdout)).toMatchObject({ sessionId: sessions.deep, from: 'deep', messages: 2 });
      const missing = await run(['restore', randomUUID()]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^memory: \[memory\/archive\] session .* does not exist/m);

      const file = join(work, 'export.jsonl');
      const exported = await run(['--json', 'export-user', user, '-o', file]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(JSON.parse(exported.stdout).counts.sessions).toBe(3);
      const lines = (await readFile(file, 'utf8'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[0].type).toBe('export');
      expect(lines.at(-1).type).toBe('end');
      const toStdout = await run(['export-user', user]);
      expect(toStdout.stdout.trimEnd().split('\n')).toHaveLength(lines.length);

      const refused = await run(['purge-user', user], { input: 'someone-else\n' });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/not confirmed: nothing was deleted/);
      const confirmed = await run(['--json', 'purge-user', user], { input: `${user}\n` });
      expect(confirmed.code, confirmed.stderr).toBe(0);
      expect(JSON.parse(confirmed.stdout)).toMatchObject({ userId: user, sessions: 3, longTermObjects: 1 });

      await withServices(async ({ store, storage }) => {
        expect((await store.listSessions({ userId: user })).sessions).toEqual([]);
        expect(await storage.listPrefix(`profiles/${user}`)).toEqual([]);
      });
    },
    SLOW * 2,
  );

  it(
    'Ctrl-C stops archive run after the current batch (exit 130) and a rerun resumes',
    async () => {
      const ids = Array.from({ length: 120 }, () => randomUUID());
      await withServices(async ({ store, db }) => {
        for (const id of ids) {
          await store.createSession({ id, userId: 'bulk' });
          await store.appendMessages(id, [{ role: 'user' as never, content: 'old' }]);
        }
        await db.execute(`update sessions set updated_at = now() - interval '10 days' where user_id = 'bulk'`);
      });
      let sent = false;
      const stopped = await run(['archive', 'run', '--batch-size', '1'], {
        onStderr: (text, child) => {
          if (!sent && /^cold: [1-9]\d*\/120/m.test(text)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      });
      expect(stopped.code, JSON.stringify(stopped)).toBe(130);
      expect(stopped.stderr).toMatch(/rerun `memory archive run` to resume/);
      const cold = async () =>
        withServices(
          async ({ db }) =>
            (
              await db.execute<{ n: number }>(
                `select count(*)::int as n from sessions where user_id = 'bulk' and status = ?`,
                [SessionStatus.COLD_ARCHIVED],
              )
            )[0]!.n,
        );
      const afterStop = await cold();
      expect(afterStop).toBeGreaterThan(0);
      expect(afterStop).toBeLessThan(120);

      const resumed = await run(['--json', 'archive', 'run']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout).cold.sessions).toBe(120 - afterStop);
      expect(await cold()).toBe(120);
    },
    SLOW * 2,
  );
});
