import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MemoryDb } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { deepArchiveNext } from './cold-to-deep.js';
import { deleteNextExpired } from './deep-to-deleted.js';
import { moveBatchToCold } from './hot-to-cold.js';
import { countTransition, type TransitionCounts } from './plan-archive.js';
import { archiveCutoffs, checkNow, type ArchivePolicy } from './policy.js';
import { ProgressTracker, type ArchivePhase, type ArchiveProgress } from './progress.js';

/** Sessions a hot → cold transaction claims when `batchSize` is not given. */
const DEFAULT_BATCH_SIZE = 500;

/** Options of `runArchive`. */
export interface RunArchiveOptions {
  /** The time the policy is applied at. Default: now. */
  now?: Date;
  /** Sessions per hot → cold transaction (1 to 10000). Default 500. Deep and delete steps go one session a transaction. */
  batchSize?: number;
  /**
   * Sessions exported (deep) or deleted at once, each in its own transaction and connection
   * (1 to 32). Default 1. Raise it when the storage is remote: a session's export waits mostly
   * on storage round trips. Keep it below the database pool size. PGlite runs them one by one.
   */
  concurrency?: number;
  /** Stops the run after the current batch or session; the result says `aborted: true`. A rerun resumes. */
  signal?: AbortSignal;
  /** Called after every batch (cold) or session (deep, deleted), and once when a phase starts. */
  onProgress?: (progress: ArchiveProgress) => void;
}

/** What a run did. */
export interface ArchiveRunResult {
  /** Hot → cold. */
  cold: TransitionCounts;
  /** → deep (exported and verified). */
  deep: TransitionCounts;
  /** → deleted. */
  deleted: TransitionCounts;
  /** `true` when `signal` stopped the run before it finished. */
  aborted: boolean;
  durationMs: number;
}

function checkBatchSize(batchSize: unknown): number {
  if (batchSize === undefined) return DEFAULT_BATCH_SIZE;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new InvalidInputError(
      `[memory/archive] batchSize must be an integer from 1 to 10000, got ${String(batchSize)}`,
      {
        details: { batchSize },
      },
    );
  }
  return batchSize;
}

function checkConcurrency(concurrency: unknown): number {
  if (concurrency === undefined) return 1;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new InvalidInputError(
      `[memory/archive] concurrency must be an integer from 1 to 32, got ${String(concurrency)}`,
      {
        details: { concurrency },
      },
    );
  }
  return concurrency;
}

/**
 * Runs the lifecycle once at `now`: hot → cold in batches, then → deep one session at a time,
 * then → deleted. Each step is its own transaction, so stopping (abort, crash, kill) anywhere
 * loses nothing and a rerun picks up where the last one stopped.
 */
export async function runArchive(
  db: MemoryDb,
  storage: LongTermStorage,
  policy: Readonly<ArchivePolicy>,
  options: RunArchiveOptions & { actor: string },
): Promise<ArchiveRunResult> {
  const started = performance.now();
  const now = options.now ?? new Date();
  checkNow(now);
  const batchSize = checkBatchSize(options.batchSize);
  const concurrency = checkConcurrency(options.concurrency);
  const cutoffs = archiveCutoffs(policy, now);
  const result: ArchiveRunResult = {
    cold: { sessions: 0, messages: 0 },
    deep: { sessions: 0, messages: 0 },
    deleted: { sessions: 0, messages: 0 },
    aborted: false,
    durationMs: 0,
  };
  const stop = () => {
    if (options.signal?.aborted) result.aborted = true;
    return result.aborted;
  };

  const phase = async (name: ArchivePhase, step: () => Promise<TransitionCounts | null>, workers = 1) => {
    if (stop()) return;
    const tracker = new ProgressTracker(name, await countTransition(db, name, cutoffs));
    options.onProgress?.(tracker.snapshot());
    let failed = false;
    const worker = async () => {
      while (!failed && !stop()) {
        // Embedded PGlite answers in this thread without real I/O: without a turn of the event
        // loop between transactions, timers and signal handlers (the abort) would wait for the run.
        await nextTurn();
        if (stop()) break;
        const done = await step();
        if (!done || done.sessions === 0) break;
        result[name].sessions += done.sessions;
        result[name].messages += done.messages;
        options.onProgress?.(tracker.advance(done.sessions, done.messages));
      }
    };
    // Every worker is awaited before the phase ends, even when one fails: none is left running.
    const settled = await Promise.allSettled(
      Array.from({ length: workers }, () =>
        worker().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  };

  const { cold, deep, deleted } = cutoffs;
  if (cold) await phase('cold', () => moveBatchToCold(db, { coldCutoff: cold, deleteCutoff: deleted, batchSize }));
  if (deep)
    await phase(
      'deep',
      () => deepArchiveNext(db, storage, { deepCutoff: deep, deleteCutoff: deleted, actor: options.actor }).then(one),
      concurrency,
    );
  if (deleted)
    await phase(
      'deleted',
      () => deleteNextExpired(db, storage, { deleteCutoff: deleted, actor: options.actor }).then(one),
      concurrency,
    );
  result.durationMs = performance.now() - started;
  return result;
}

function one(r: { messages: number } | null): TransitionCounts | null {
  return r ? { sessions: 1, messages: r.messages } : null;
}
