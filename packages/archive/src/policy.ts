import { InvalidInputError } from '@memory/errors';
import { SessionStatus } from '@memory/models';

const DAY_MS = 86_400_000;

/**
 * When sessions move through the lifecycle, in days of inactivity counted from the session's
 * last activity (`sessions.updated_at`). Each threshold is a number of days (fractions allowed)
 * or `Infinity` to never take that step.
 *
 * A session idle past a later threshold is taken through the earlier steps in the same run:
 * idle 200 days with the defaults means hot → cold → deep, never "outside every window".
 */
export interface ArchivePolicy {
  /** Hot → cold (messages move to `messages_archive`). Default 7. */
  coldAfterDays: number;
  /** Cold → deep (exported to long-term storage, rows removed). Default 180. */
  deepAfterDays: number;
  /** Deep → deleted (exports and remaining rows removed, tombstone kept). Default 1095. */
  deleteAfterDays: number;
}

/**
 * The original library's ages: cold after 7 days idle, deep after 180, deleted after 1095
 * (three years).
 */
export const DEFAULT_ARCHIVE_POLICY: Readonly<ArchivePolicy> = Object.freeze({
  coldAfterDays: 7,
  deepAfterDays: 180,
  deleteAfterDays: 1095,
});

/**
 * Fills `policy` with {@link DEFAULT_ARCHIVE_POLICY} and checks it: every threshold a positive
 * number of days or `Infinity`, and cold ≤ deep ≤ delete (a later step can never come first).
 *
 * @throws InvalidInputError when a threshold is not a positive number or the order is wrong.
 * @example
 * ```ts
 * resolveArchivePolicy({ deleteAfterDays: Infinity }); // never delete, other ages as the original
 * ```
 */
export function resolveArchivePolicy(policy: Partial<ArchivePolicy> = {}): Readonly<ArchivePolicy> {
  const resolved: ArchivePolicy = { ...DEFAULT_ARCHIVE_POLICY };
  for (const name of ['coldAfterDays', 'deepAfterDays', 'deleteAfterDays'] as const) {
    const value = policy[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      throw new InvalidInputError(
        `[memory/archive] policy.${name} must be a positive number of days or Infinity, got ${String(value)}: pass e.g. ${DEFAULT_ARCHIVE_POLICY[name]}`,
        { details: { [name]: value } },
      );
    }
    resolved[name] = value;
  }
  if (!(resolved.coldAfterDays <= resolved.deepAfterDays && resolved.deepAfterDays <= resolved.deleteAfterDays)) {
    throw new InvalidInputError(
      `[memory/archive] policy thresholds must satisfy coldAfterDays <= deepAfterDays <= deleteAfterDays, got ${resolved.coldAfterDays}, ${resolved.deepAfterDays}, ${resolved.deleteAfterDays}: reorder them`,
      { details: { ...resolved } },
    );
  }
  return Object.freeze(resolved);
}

/**
 * The last-activity instants at or before which a session is due for each step at `now`;
 * `null` when the step is disabled (`Infinity`).
 */
export interface ArchiveCutoffs {
  cold: Date | null;
  deep: Date | null;
  deleted: Date | null;
}

/**
 * The cutoffs of `policy` at `now`: a session whose `updated_at` is at or before `cutoffs.cold`
 * is due to go cold, and so on.
 *
 * @example
 * ```ts
 * archiveCutoffs(DEFAULT_ARCHIVE_POLICY, new Date('2026-01-08T00:00:00Z')).cold; // 2026-01-01T00:00:00Z
 * ```
 */
export function archiveCutoffs(policy: Readonly<ArchivePolicy>, now: Date): ArchiveCutoffs {
  checkNow(now);
  const at = (days: number, step: string) => {
    if (!Number.isFinite(days)) return null;
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    // Before year 1 the ISO text (`-000001-…`) is no timestamp the database reads.
    if (cutoff.getTime() < EARLIEST)
      throw new InvalidInputError(
        `[memory/archive] now ${now.toISOString()} is too early for the policy: the ${step} cutoff (${days} days before) falls before the year 1; pass a later now`,
        { details: { field: 'now', now: now.toISOString(), step } },
      );
    return cutoff;
  };
  return {
    cold: at(policy.coldAfterDays, 'cold'),
    deep: at(policy.deepAfterDays, 'deep'),
    deleted: at(policy.deleteAfterDays, 'deleted'),
  };
}

/**
 * The status a session with last activity `updatedAt` should have at `now` under `policy`
 * (ignoring where it is today; the lifecycle only moves forward, so a deeper current status
 * wins).
 *
 * @example
 * ```ts
 * dueStatus(DEFAULT_ARCHIVE_POLICY, daysAgo(200), now); // SessionStatus.DEEP_ARCHIVED
 * ```
 */
export function dueStatus(policy: Readonly<ArchivePolicy>, updatedAt: Date, now: Date): SessionStatus {
  const cutoffs = archiveCutoffs(policy, now);
  const t = updatedAt.getTime();
  if (cutoffs.deleted && t <= cutoffs.deleted.getTime()) return SessionStatus.DELETED;
  if (cutoffs.deep && t <= cutoffs.deep.getTime()) return SessionStatus.DEEP_ARCHIVED;
  if (cutoffs.cold && t <= cutoffs.cold.getTime()) return SessionStatus.COLD_ARCHIVED;
  return SessionStatus.ACTIVE;
}

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants whose ISO text the database reads back. */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Throws unless `now` is a valid `Date` between the years 1 and 9999. */
export function checkNow(now: unknown): asserts now is Date {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new InvalidInputError(`[memory/archive] now must be a valid Date, got ${String(now)}: pass e.g. new Date()`, {
      details: { field: 'now' },
    });
  }
  if (now.getTime() < EARLIEST || now.getTime() > LATEST) {
    throw new InvalidInputError(
      `[memory/archive] now must fall between the years 1 and 9999, got ${now.toISOString()}: pass e.g. new Date()`,
      { details: { field: 'now' } },
    );
  }
}
