import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StorageError } from '@memory/errors';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up waiting after this long, ms. */
  timeoutMs: number;
  /** A lock older than this is taken to be left by a crash, ms. */
  staleMs: number;
  /** For error messages. */
  describe: string;
}

interface LockInfo {
  pid?: number;
  host?: string;
  at?: number;
}

/**
 * Runs `fn` while holding `lockPath`, a file created with O_EXCL: a mutex between processes on
 * one machine. A lock whose process is gone (same host, pid not alive) or that is older than
 * `staleMs` is taken over, so a crash does not block the key for good.
 */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(
          JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() } satisfies LockInfo),
        );
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockPath, options.staleMs)) {
      // Move it aside atomically: of several processes seeing the same stale lock, one wins.
      const aside = `${lockPath}.stale-${randomUUID()}`;
      await rename(lockPath, aside).then(
        () => rm(aside, { force: true }),
        () => undefined,
      );
      continue;
    }
    if (Date.now() > deadline) {
      throw new StorageError(
        `[memory/fs] timed out after ${options.timeoutMs} ms waiting for the lock of ${options.describe}: another process holds ${lockPath}; remove it if none does`,
        { details: { lockPath } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 25);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  let info: LockInfo;
  let age: number;
  try {
    const [text, stats] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    age = Date.now() - stats.mtimeMs;
    try {
      info = JSON.parse(text) as LockInfo;
    } catch {
      // Being written right now, or its writer died between create and write.
      return age > Math.min(staleMs, 5_000);
    }
  } catch {
    return false; // gone already: the next attempt will take it
  }
  if (info.host === hostname() && typeof info.pid === 'number' && !isAlive(info.pid)) return true;
  return age > staleMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
