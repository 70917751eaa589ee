import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';
import { embeddedSocketDir } from './embedded-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = resolve(here, '../../../node_modules/.bin/tsx');

/** Runs the CLI in another process (the lock is per process), from source. */
function cli(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(tsx, ['--conditions=@memory/source', join(here, 'cli.ts'), ...args], {
      env: { ...process.env, MEMORY_DATA_DIR: dataDir, MEMORY_EMBEDDING_DIMENSIONS: '64' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

// Issue 14 item 5: while the service runs on embedded defaults, the CLI works too.
describe('an embedded database shared by the running service', () => {
  let dataDir: string;
  let memory: MemoryApp;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'memory-share-'));
    memory = await buildApp(
      loadConfig({
        MEMORY_DATA_DIR: dataDir,
        MEMORY_EMBEDDING_DIMENSIONS: '64',
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      }),
      { shareEmbedded: true },
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(async () => {
    await memory?.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the database on a socket only this user can open, and the CLI uses it while the service writes', async () => {
    expect(memory.services.embedded).toBe('serving');
    const socketDir = embeddedSocketDir(join(dataDir, 'pglite'));
    expect(existsSync(join(socketDir, '.s.PGSQL.5432'))).toBe(true);
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);

    const created = await fetch(`${base}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'shared-user', title: 'while running' }),
    }).then((r) => r.json() as Promise<{ id: string }>);

    const doctor = await cli(dataDir, ['--json', 'doctor']);
    expect(doctor.code, doctor.stderr).toBe(0);
    const report = JSON.parse(doctor.stdout) as { ok: boolean };
    expect(report.ok).toBe(true);

    // The service keeps answering while the CLI reads through the socket.
    const [exported, listed] = await Promise.all([
      cli(dataDir, ['export-user', 'shared-user']),
      fetch(`${base}/sessions?userId=shared-user`).then((r) => r.json() as Promise<{ sessions: unknown[] }>),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(created.id);
    expect(listed.sessions).toHaveLength(1);
  }, 300_000);

  it('creates and revokes API keys with the CLI while the service runs', async () => {
    const created = await cli(dataDir, ['--json', 'keys', 'create', '--name', 'ops', '--admin']);
    expect(created.code, created.stderr).toBe(0);
    const { key } = JSON.parse(created.stdout) as { key: string };
    expect(key).toMatch(/^mk_/);
    expect((await fetch(`${base}/sessions`)).status).toBe(401);
    expect((await fetch(`${base}/sessions`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const listed = await cli(dataDir, ['--json', 'keys', 'list']);
    expect(listed.stdout).not.toContain(key);
    expect(JSON.parse(listed.stdout).keys[0]).toMatchObject({ name: 'ops', kind: 'admin', revokedAt: null });
    const revoked = await cli(dataDir, ['keys', 'revoke', 'ops']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await fetch(`${base}/sessions`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const usage = await cli(dataDir, ['keys', 'create', '--name', 'x']);
    expect(usage.code).toBe(2);
  }, 300_000);

  it('removes the socket and the lock when the service closes', async () => {
    const socketDir = embeddedSocketDir(join(dataDir, 'pglite'));
    await memory.app.close();
    expect(existsSync(socketDir)).toBe(false);
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
  });
});
