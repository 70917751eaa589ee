/**
 * The child process of the crash test: runs one archive pass against the database and storage
 * named in its environment and prints a line per progress event, so the parent can SIGKILL it
 * at a chosen point. Prints `done <result JSON>` when the pass completes.
 *
 *   MEMORY_CRASH_DB_URL, MEMORY_CRASH_STORAGE_DIR, MEMORY_CRASH_NOW (ISO), MEMORY_CRASH_BATCH
 */
import { createMemoryDb } from '@memory/db';
import { FileSystemLongTermStorage } from '@memory/longterm-core';
import { createArchiver } from '../src/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`crash-runner: ${name} is not set`);
  return value;
};

const db = createMemoryDb({ url: env('MEMORY_CRASH_DB_URL'), embeddingDimensions: 3 });
try {
  const archiver = createArchiver({ db, storage: new FileSystemLongTermStorage(env('MEMORY_CRASH_STORAGE_DIR')) });
  process.stdout.write('ready\n');
  const result = await archiver.runArchive({
    now: new Date(env('MEMORY_CRASH_NOW')),
    batchSize: Number(env('MEMORY_CRASH_BATCH')),
    onProgress: (p) => process.stdout.write(`progress ${p.phase} ${p.done}/${p.total}\n`),
  });
  process.stdout.write(`done ${JSON.stringify(result)}\n`);
} finally {
  await db.close();
}
