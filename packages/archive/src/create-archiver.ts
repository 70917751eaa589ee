import type { MemoryDb } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import type { LongTermStorage } from '@memory/longterm-core';
import { planArchive, type ArchivePlan } from './plan-archive.js';
import { checkNow, resolveArchivePolicy, type ArchivePolicy } from './policy.js';
import { restoreSession, type RestoreOptions, type RestoreResult } from './restore-session.js';
import { runArchive, type ArchiveRunResult, type RunArchiveOptions } from './run-archive.js';

/** Options of {@link createArchiver}. */
export interface ArchiverOptions {
  /** The memory database (`createMemoryDb` from `@memory/db`), initialized. */
  db: MemoryDb;
  /** Where deep-archive exports go: `archive/{sessionId}/…` (any `LongTermStorage`). */
  storage: LongTermStorage;
  /** Ages in days; missing ones take the original's defaults (7, 180, 1095). */
  policy?: Partial<ArchivePolicy>;
  /** Recorded as `audit_logs.actor` on the rows the archiver writes. Default `'memory/archive'`. */
  actor?: string;
}

/** The lifecycle of conversations: hot → cold → deep → deleted, and back. */
export interface Archiver {
  /** The policy in force, with defaults filled in. */
  readonly policy: Readonly<ArchivePolicy>;
  /**
   * Counts what {@link Archiver.runArchive} would do at `now` (default: now), per transition,
   * changing nothing.
   *
   * @example
   * ```ts
   * const plan = await archiver.planArchive();
   * console.log(`${plan.cold.messages} messages go cold, ${plan.deleted.sessions} sessions are deleted`);
   * ```
   */
  planArchive(options?: { now?: Date }): Promise<ArchivePlan>;
  /**
   * Runs the lifecycle once. Safe to run from several processes at once (each session is
   * claimed with `FOR UPDATE SKIP LOCKED`) and to kill at any moment (rerun to resume).
   *
   * @example
   * ```ts
   * const ac = new AbortController();
   * process.once('SIGTERM', () => ac.abort());
   * const result = await archiver.runArchive({ signal: ac.signal, onProgress: (p) => log(p) });
   * ```
   */
  runArchive(options?: RunArchiveOptions): Promise<ArchiveRunResult>;
  /**
   * Brings a cold or deep session back to hot with identical messages and summaries (status 1,
   * `updated_at` set to `options.now` or now), then removes its export objects. A hot session is
   * left as it is (`from: 'hot'`).
   *
   * @throws NotFoundError when the session does not exist, was deleted, or its export is missing.
   * @example
   * ```ts
   * const store = createConversationStore(db, { restore: (id) => archiver.restoreSession(id) });
   * ```
   */
  restoreSession(sessionId: string, options?: RestoreOptions): Promise<RestoreResult>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates the archiver of a memory database and a long-term storage.
 *
 * @throws InvalidInputError when the policy is invalid.
 * @example
 * ```ts
 * import { createMemoryDb } from '@memory/db';
 * import { FileSystemLongTermStorage } from '@memory/longterm-core';
 * import { createArchiver } from '@memory/archive';
 *
 * const db = createMemoryDb({ url: 'pglite://./data' });
 * await db.initDb();
 * const archiver = createArchiver({ db, storage: new FileSystemLongTermStorage('./objects') });
 * console.log(await archiver.planArchive());
 * await archiver.runArchive({ onProgress: (p) => console.log(p.phase, p.done, '/', p.total) });
 * ```
 */
export function createArchiver(options: ArchiverOptions): Archiver {
  const { db, storage } = options;
  if (!db || typeof db.scope !== 'function') {
    throw new InvalidInputError(
      '[memory/archive] createArchiver needs options.db: pass the MemoryDb from createMemoryDb()',
    );
  }
  if (!storage || typeof storage.putObject !== 'function') {
    throw new InvalidInputError(
      '[memory/archive] createArchiver needs options.storage: pass a LongTermStorage (e.g. new InMemoryLongTermStorage())',
    );
  }
  const policy = resolveArchivePolicy(options.policy);
  const actor = options.actor ?? 'memory/archive';
  return {
    policy,
    async planArchive(planOptions = {}) {
      const now = planOptions.now ?? new Date();
      checkNow(now);
      return planArchive(db, policy, now);
    },
    async runArchive(runOptions = {}) {
      return runArchive(db, storage, policy, { ...runOptions, actor });
    },
    async restoreSession(sessionId, restoreOptions = {}) {
      if (typeof sessionId !== 'string' || !UUID.test(sessionId)) {
        throw new InvalidInputError(
          `[memory/archive] sessionId must be a UUID, got ${JSON.stringify(String(sessionId).slice(0, 64))}`,
        );
      }
      if (restoreOptions.now !== undefined) checkNow(restoreOptions.now);
      return restoreSession(db, storage, sessionId.toLowerCase(), {
        actor,
        ...(restoreOptions.now ? { now: restoreOptions.now } : {}),
      });
    },
  };
}
