import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The root launcher (scripts/run.mjs) behind `npm start`, `npm test` and `npm run memory`.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const launcher = join(root, 'scripts', 'run.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'memory-launcher-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** An old Node on this machine (e.g. Debian's Node 20 at /usr/bin/node), if there is one. */
function oldNode(): string | null {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const [major, minor] = version.split('.').map(Number);
    if (major! >= 18 && (major! < 22 || (major === 22 && minor! < 17))) return candidate;
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
    server.on('error', fail);
  });
}

const env = (extra: Record<string, string>) => ({
  ...process.env,
  MEMORY_DATA_DIR: dataDir,
  MEMORY_DEMO_DATA: 'false',
  LOG_LEVEL: 'warn',
  ...extra,
});

describe('scripts/run.mjs', () => {
  it('`memory --json doctor` prints only JSON on stdout (the build and launcher talk on stderr)', () => {
    const r = spawnSync(process.execPath, [launcher, 'memory', '--json', 'doctor'], {
      cwd: root,
      env: env({}),
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stdout.trim().startsWith('{'), r.stderr).toBe(true);
    const report = JSON.parse(r.stdout) as { checks: Record<string, { ok: boolean }> };
    expect(report.checks.database?.ok).toBe(true);
  }, 300_000);

  it('runs under an old Node by re-running under the pinned one', (context) => {
    const node = oldNode();
    if (!node) return context.skip(); // no Node 18–22.16 on this machine to try with
    const r = spawnSync(node, [launcher, 'memory', '--json', 'doctor'], {
      cwd: root,
      env: env({ PATH: `${dirname(node)}:/usr/bin:/bin` }),
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.stderr).toContain('running under Node');
    expect(JSON.parse(r.stdout)).toHaveProperty('checks');
  }, 300_000);

  it('SIGTERM to `start` stops the server: the port and the embedded database lock are freed', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [launcher, 'start'], {
      cwd: root,
      env: env({ PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    let up = false;
    for (let i = 0; i < 240 && !up; i++) {
      up = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((ok) => setTimeout(ok, 500));
    }
    expect(up, output).toBe(true);
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
  }, 300_000);

  it('a busy port or a missing database is one clear paragraph with what to do, no stack trace', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((ok) => blocker.once('listening', ok));
    const { port } = blocker.address() as { port: number };
    try {
      const busy = spawnSync(process.execPath, [launcher, 'start'], {
        cwd: root,
        env: env({ PORT: String(port) }),
        encoding: 'utf8',
        timeout: 240_000,
      });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(busy.stderr).toContain(`PORT=${port + 1} npm start`);
      expect(busy.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    } finally {
      blocker.close();
    }
    const pg = process.env.MEMORY_TEST_PG_URL;
    if (!pg) return; // the missing-database case needs a server: set MEMORY_TEST_PG_URL
    const url = new URL(pg);
    url.pathname = '/memory_no_such_database';
    url.password = url.password ? 'hidden-secret' : '';
    const missing = spawnSync(process.execPath, [launcher, 'start'], {
      cwd: root,
      env: env({ DATABASE_URL: url.toString(), PORT: String(await freePort()) }),
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('the service could not start');
    expect(missing.stderr).toMatch(/memory_no_such_database/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(missing.stderr).not.toContain('hidden-secret');
  }, 300_000);
});
