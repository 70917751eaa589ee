import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A real size-limited filesystem (tmpfs), mounted on a fresh temp directory. */
export interface SmallFilesystem {
  readonly dir: string;
  /** Fills the filesystem with a filler file until `ENOSPC`, keeping `leaveBytes` free; returns the filler's path. */
  fill(leaveBytes?: number): Promise<string>;
  /** Removes the filler: space returns. */
  free(): Promise<void>;
  unmount(): Promise<void>;
}

/** Mounts a `size`-byte tmpfs (needs root); throws with the mount's message when refused. */
export async function mountSmallFilesystem(sizeBytes: number): Promise<SmallFilesystem> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-diskfull-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  } catch (error) {
    await rmdir(dir).catch(() => undefined);
    throw error;
  }
  const filler = join(dir, 'filler.bin');
  return {
    dir,
    async fill(leaveBytes = 0) {
      const handle = await open(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) {
          try {
            await handle.write(chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
            break;
          }
        }
        // Byte by byte is not needed: tmpfs is full to the page once the 64 KiB writes fail.
        for (;;) {
          try {
            await handle.write(Buffer.alloc(4096, 1));
          } catch {
            break;
          }
        }
        if (leaveBytes > 0) {
          const { size } = await handle.stat();
          await handle.truncate(Math.max(0, size - leaveBytes));
        }
      } finally {
        await handle.close();
      }
      return filler;
    },
    async free() {
      await rm(filler, { force: true });
    },
    async unmount() {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      await rmdir(dir).catch(() => undefined);
    },
  };
}

/** Every file under `dir` (relative paths), hidden ones included. */
export async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
