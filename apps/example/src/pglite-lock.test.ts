import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPgliteDir } from './pglite-lock.js';

describe('lockPgliteDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memory-lock-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('holds the directory until released', async () => {
    const db = join(dir, 'a');
    const lock = await lockPgliteDir(db);
    expect(await readFile(`${db}.lock`, 'utf8')).toBe(String(process.pid));
    await lock.release();
    await lock.release();
    const again = await lockPgliteDir(db);
    await again.release();
  });

  it('refuses a directory a live process holds, naming it', async () => {
    const db = join(dir, 'b');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(`${db}.lock`, String(other.pid));
      await expect(lockPgliteDir(db)).rejects.toThrow(new RegExp(`in use by process ${other.pid}`));
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const db = join(dir, 'c');
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.on('exit', resolve));
    await writeFile(`${db}.lock`, String(gone.pid));
    const lock = await lockPgliteDir(db);
    expect(await readFile(`${db}.lock`, 'utf8')).toBe(String(process.pid));
    await lock.release();
  });
});
