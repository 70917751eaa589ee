import { InvalidInputError } from '@memory/errors';
import { AuditLog } from '@memory/models';
import type { EntityManager } from '@mikro-orm/core';

/** One audit trail row, as {@link logAudit} takes it. */
export interface AuditEntry {
  /** What happened, e.g. `delete_session` (at most 64 characters). */
  action: string;
  /** What it happened to, e.g. `session` (at most 64 characters). */
  resourceType: string;
  /** The id of the resource, if any. */
  resourceId?: string | null;
  /** Structured facts (JSON). Never put secrets here. */
  details?: Record<string, unknown> | null;
  /** Who did it: a user id or a service name. */
  actor?: string | null;
}

/**
 * Adds an audit row to `em`'s unit of work and returns it; it is written at the next flush
 * (for example when the surrounding `scope` ends), in the same transaction as the change it
 * records. The original's `log_audit(session, action, resource_type, ...)`.
 *
 * @example
 * ```ts
 * await db.scope(async (em) => {
 *   em.remove(em.getReference(Session, id));
 *   logAudit(em, { action: 'delete_session', resourceType: 'session', resourceId: id, actor: userId });
 * });
 * ```
 */
export function logAudit(em: EntityManager, entry: AuditEntry): AuditLog {
  for (const key of ['action', 'resourceType'] as const) {
    const value: unknown = entry?.[key];
    if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
      throw new InvalidInputError(`[memory/db] logAudit: ${key} must be a non-empty string of at most 64 characters`, {
        details: { field: key },
      });
    }
  }
  return em.create(AuditLog, {
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    details: entry.details ?? null,
    actor: entry.actor ?? null,
    createdAt: new Date(),
  });
}
