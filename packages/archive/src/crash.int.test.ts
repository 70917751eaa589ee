import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MemoryDb } from '@memory/db';
import { describeEachDatabase } from '@memory/db/testing';
import { FileSystemLongTermStorage } from '@memory/longterm-core';
import { SessionStatus } from '@memory/models';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countRows, daysBefore, inventory, seedSession, statusOf } from '../test/fixtures.js';
import { archiveObjectKeys } from './object-layout.js';

const here = dirname(fileURLToPath(import.meta.url));
const runner = join(here, '..', 'test', 'crash-runner.ts');

/** A small deterministic generator, so a failing schedule can be replayed (the seed is printed). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

interface ChildOutcome {
  completed: boolean;
  /** The last progress line before the kill (where the run was). */
  lastProgress: string;
}

/**
 * When to SIGKILL the child: `afterMs` after it reports `ready` (connected, about to run), or
 * `delayMs` after its `afterProgress`-th progress line. Either lands anywhere in a batch:
 * mid-statement, mid-export, mid-commit. Counting progress lines keeps the kill inside the
 * work however fast the machine runs it; a wall-clock kill alone can come after the pass ended.
 */
type KillAt = { afterMs: number } | { afterProgress: number; delayMs: number };

/** Runs the child, and SIGKILLs it at `killAt` when given. */
function runChild(env: Record<string, string>, killAt?: KillAt): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    // node itself with tsx as a loader (not the tsx CLI, which would leave its node child running
    // when killed): SIGKILL must stop the process that does the work.
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@memory/source', runner], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let completed = false;
    let lastProgress = 'before the first progress event';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let readyAt = 0;
    let progressLines = 0;
    const kill = (delayMs: number) => setTimeout(() => child.kill('SIGKILL'), delayMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (process.env.MEMORY_CRASH_TRACE) console.log(Math.round(performance.now() - readyAt), line);
      if (line === 'ready') readyAt = performance.now();
      if (line === 'ready' && killAt && 'afterMs' in killAt) kill(killAt.afterMs);
      if (line.startsWith('done ')) completed = true;
      if (line.startsWith('progress ')) {
        lastProgress = line.slice('progress '.length);
        progressLines++;
        if (killAt && 'afterProgress' in killAt && progressLines === killAt.afterProgress) kill(killAt.delayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ completed, lastProgress });
      else reject(new Error(`crash-runner exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

describeEachDatabase(
  'archive crash safety',
  (ctx) => {
    let db: MemoryDb;
    let dir: string;
    let url: string;

    beforeAll(async () => {
      url = await ctx.createDatabaseUrl();
      db = await ctx.createDb({ url, embeddingDimensions: 3 });
      dir = await mkdtemp(join(tmpdir(), 'memory-archive-crash-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it(
      'loses and duplicates no message when a runner is killed at many points and rerun',
      { timeout: 180_000 },
      async () => {
        const now = new Date();
        const keep: { id: string; expected: number }[] = [];
        for (let i = 0; i < 200; i++) {
          const cold = i % 3 === 0;
          keep.push({
            id: await seedSession(db, {
              updatedAt: daysBefore(now, cold ? 30 : 200 + i),
              messages: 20,
              summaries: i % 3,
            }),
            expected: cold ? SessionStatus.COLD_ARCHIVED : SessionStatus.DEEP_ARCHIVED,
          });
        }
        const expected = await inventory(db, new FileSystemLongTermStorage(dir));
        expect(expected.count).toBe(4000);
        const doomed: string[] = [];
        for (let i = 0; i < 6; i++)
          doomed.push(await seedSession(db, { updatedAt: daysBefore(now, 1200 + i), messages: 10 }));
        // Each child opens its own connection; this one must not hold locks meanwhile.
        const env = {
          MEMORY_CRASH_DB_URL: url,
          MEMORY_CRASH_STORAGE_DIR: dir,
          MEMORY_CRASH_NOW: now.toISOString(),
          MEMORY_CRASH_BATCH: '3',
        };

        const seed = Number(process.env.MEMORY_CRASH_SEED ?? 20261125);
        const next = lcg(seed);
        const kills: ChildOutcome[] = [];
        for (let round = 0; round < 7; round++) {
          // Round 0 is killed among the first cold batches, round 1 at a time (planning, or wherever
          // the pass is then), the rest a few progress events into a pass and up to 40 ms after one
          // (cold batches, deep exports: mid-statement, mid-write, mid-commit). The whole work is
          // about 200 events (67 cold batches, 133 exports, 6 deletions), so every round is killed
          // mid-pass however fast the machine is.
          const outcome = await runChild(
            env,
            round === 1
              ? { afterMs: 50 + next(400) }
              : { afterProgress: 1 + next(round === 0 ? 30 : 15), delayMs: next(40) },
          );
          kills.push(outcome);
          const where = `round ${round} (seed ${seed}), killed after ${outcome.lastProgress}`;
          const inv = await inventory(db, new FileSystemLongTermStorage(dir), doomed);
          expect(inv.duplicates, where).toEqual([]);
          expect(inv.checksum, where).toBe(expected.checksum);
          if (outcome.completed) break;
        }
        console.log(
          `crash test (seed ${seed}): ${kills.length} runs, killed after: ${kills.map((k) => (k.completed ? 'completed' : k.lastProgress)).join(' | ')}`,
        );
        expect(kills.filter((k) => !k.completed).length).toBe(7);

        const final = await runChild(env);
        expect(final.completed).toBe(true);
        const storage = new FileSystemLongTermStorage(dir);
        const inv = await inventory(db, storage, doomed);
        expect(inv.checksum).toBe(expected.checksum);
        expect(inv.duplicates).toEqual([]);
        for (const s of keep) expect(await statusOf(db, s.id)).toBe(s.expected);
        for (const id of doomed) {
          expect(await statusOf(db, id)).toBe(SessionStatus.DELETED);
          expect(await countRows(db, 'messages', id)).toBe(0);
          expect(await storage.listPrefix(archiveObjectKeys(id).prefix)).toEqual([]);
        }
        // Exactly the deep sessions' exports are left: no half-written folder survives a rerun.
        const deep = keep.filter((s) => s.expected === SessionStatus.DEEP_ARCHIVED);
        expect((await storage.listPrefix('archive/')).length).toBe(deep.length * 3);
      },
    );
  },
  { engines: ['postgres'] },
);

if (!process.env.MEMORY_TEST_PG_URL) {
  console.log(
    '[memory/archive] crash test skipped: it needs MEMORY_TEST_PG_URL. It kills runner processes, so the database must be shared across processes; PGlite in memory cannot be, and a pglite:// file database opens in one process at a time, so each of the 8 runner processes and each check between them would pay a PGlite boot (about 15 s here).',
  );
}
