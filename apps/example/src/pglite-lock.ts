import { open, readFile, rm } from 'node:fs/promises';
import { ConflictError } from '@memory/errors';

/** A held lock; `release()` removes it (idempotent). */
export interface PgliteLock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>.lock` for this process. An embedded PGlite directory must be opened by one
 * process at a time (two would corrupt it), so the service and the CLI refuse to start on a
 * directory another live process holds; a lock left by a process that died is taken over.
 *
 * @throws ConflictError naming the process that holds the directory.
 */
export async function lockPgliteDir(dataDir: string): Promise<PgliteLock> {
  const path = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new ConflictError(
          `[memory/example] the embedded database ${dataDir} is in use by process ${holder}: stop it first (PGlite allows one process), or use PostgreSQL (DATABASE_URL) to share a database`,
          { details: { pid: holder } },
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new ConflictError(`[memory/example] could not lock ${dataDir}: another process keeps taking it`);
}
