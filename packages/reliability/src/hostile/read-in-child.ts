/**
 * One read of a hostile object, in a process of its own so that its memory can be measured:
 * run by huge-objects.int.test.ts as `node --conditions=@memory/source --import tsx
 * read-in-child.ts '<json task>'`, it prints one JSON line with the error (if any) and how far
 * the resident set rose above where it was just before the read.
 *
 * The peak is the kernel's high-water mark (`VmHWM`), reset to the current resident set just
 * before the read (`echo 5 > /proc/self/clear_refs`, Linux 4.0+), so module loading before it
 * does not count and a short spike during it does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FileSystemLongTermStorage, type LongTermStorage } from '@memory/longterm-core';
import { createS3Storage } from '@memory/longterm-s3';
import {
  addKnowledgeTriples,
  loadKnowledgeTriples,
  loadUserProfile,
  updateUserProfile,
  type LoadTriplesOptions,
} from '@memory/semantics';

/** What the parent asks for. */
export interface ChildTask {
  backend:
    | { kind: 'fs'; root: string }
    | { kind: 's3'; endpoint: string; bucket: string; accessKey: string; secretKey: string };
  op: 'loadKnowledge' | 'addKnowledge' | 'loadProfile' | 'updateProfile';
  userId: string;
  options?: LoadTriplesOptions;
}

/** What the child prints. */
export interface ChildReport {
  /** Peak resident set during the read minus the resident set just before it, MiB. */
  grewMiB: number;
  error?: { name: string; code?: string; message: string; details?: unknown };
  /** How many triples, or whether a profile came back, when there was no error. */
  result?: unknown;
}

/** The process's resident set high-water mark, bytes. */
function peakRss(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kb === undefined) throw new Error('read-in-child: no VmHWM in /proc/self/status');
  return Number(kb) * 1024;
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]!) as ChildTask;
  const b = task.backend;
  const storage: LongTermStorage =
    b.kind === 'fs'
      ? new FileSystemLongTermStorage(b.root)
      : createS3Storage({ bucket: b.bucket, endpointUrl: b.endpoint, accessKey: b.accessKey, secretKey: b.secretKey });
  // Load every module the read needs (the SDK's included) before measuring.
  await loadUserProfile(storage, 'warm-up-nobody');
  writeFileSync('/proc/self/clear_refs', '5'); // the high-water mark starts again from here
  const before = process.memoryUsage().rss;
  let report: ChildReport;
  try {
    const result =
      task.op === 'loadKnowledge'
        ? (await loadKnowledgeTriples(storage, task.userId, task.options)).length
        : task.op === 'addKnowledge'
          ? (await addKnowledgeTriples(storage, task.userId, [['s', 'p', 'o']], task.options)).added
          : task.op === 'loadProfile'
            ? (await loadUserProfile(storage, task.userId, task.options)) !== null
            : (await updateUserProfile(storage, task.userId, () => undefined, task.options)).attempts;
    report = { grewMiB: 0, result };
  } catch (e) {
    const error = e as Error & { code?: string; details?: unknown };
    report = {
      grewMiB: 0,
      error: { name: error.name, code: error.code, message: error.message, details: error.details },
    };
  }
  report.grewMiB = Math.round((peakRss() - before) / 1024 / 1024);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
