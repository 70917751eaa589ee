import { ConflictError, type MemoryError } from '@memory/errors';

/** `details.reason` of the `ConflictError` thrown when appending to an archived session. */
const SESSION_ARCHIVED = 'session_archived';

/**
 * The `ConflictError` for a write (an append, a message update or delete: `operation` names the
 * method) to a session whose status is not active.
 */
export function sessionArchivedError(
  sessionId: string,
  status: number,
  afterRestore = false,
  operation = 'appendMessages',
): ConflictError {
  const message = afterRestore
    ? `[memory/conversations] session ${sessionId} is still archived (status ${status}) after the restore hook ran: check the restore implementation`
    : `[memory/conversations] session ${sessionId} is archived (status ${status}): restore it first, or call ${operation} with { restore: true } on a store created with a restore hook`;
  return new ConflictError(message, { details: { reason: SESSION_ARCHIVED, sessionId, status } });
}

/**
 * True when `error` is the `ConflictError` that {@link ConversationStore.appendMessages} (or
 * `updateMessage`, `deleteMessage`) throws for an archived session (`details.reason === 'session_archived'`, with `sessionId` and `status`).
 *
 * @example
 * ```ts
 * try { await store.appendMessages(id, msgs) }
 * catch (e) { if (isSessionArchivedError(e)) await store.appendMessages(id, msgs, { restore: true }); else throw e }
 * ```
 */
export function isSessionArchivedError(error: unknown): error is ConflictError {
  return ConflictError.isInstance(error) && (error as MemoryError).details.reason === SESSION_ARCHIVED;
}
