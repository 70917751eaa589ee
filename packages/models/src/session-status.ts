/**
 * The lifecycle state of a session, stored in `sessions.status` (`smallint`) with the original
 * library's numbers. Compare against these names instead of literals.
 *
 * @example
 * ```ts
 * if (session.status === SessionStatus.ACTIVE) { ... }
 * ```
 */
export const SessionStatus = {
  /** Hot: messages live in `messages`. */
  ACTIVE: 1,
  /** Messages were moved to `messages_archive`. */
  COLD_ARCHIVED: 2,
  /** Exported to object storage (the original only flipped the status). */
  DEEP_ARCHIVED: 3,
  /** Past retention; kept as a tombstone. */
  DELETED: 4,
} as const;

/** One of the {@link SessionStatus} values: `1 | 2 | 3 | 4`. */
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];

const STATUS_VALUES: ReadonlySet<number> = new Set(Object.values(SessionStatus));

/** True when `value` is one of the {@link SessionStatus} numbers. */
export function isSessionStatus(value: unknown): value is SessionStatus {
  return typeof value === 'number' && STATUS_VALUES.has(value);
}
