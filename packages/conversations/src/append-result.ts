import { ConflictError } from '@memory/errors';
import { encodeCursor } from './cursor.js';
import { toDate } from './rows.js';
import type { AppendedMessage } from './types.js';
import type { CheckedMessage } from './validate.js';

/** A message row an append found: inserted by it, or stored before (maybe in another session). */
export interface StoredRow {
  id: string;
  session_id: string | null;
  created_at: string;
  inserted: boolean;
}

/** What one append attempt found: the messages, or the status of a session that is not active. */
export type AppendAttempt = { kind: 'done'; messages: AppendedMessage[] } | { kind: 'archived'; status: number };

/**
 * The append's result in the order of `messages`, from the rows found by id (single-server and
 * Citus appends alike). A message found in another session, or not found at all (stored and
 * removed while the append ran), is a `ConflictError`.
 */
export function appendedInOrder(
  sessionId: string,
  messages: readonly CheckedMessage[],
  byId: ReadonlyMap<string, StoredRow>,
): AppendedMessage[] {
  return messages.map((m) => {
    const row = byId.get(m.id);
    if (!row) {
      throw new ConflictError(
        `[memory/conversations] message ${m.id} was stored and removed while this append ran: retry the append`,
        { details: { messageId: m.id, sessionId } },
      );
    }
    if (!row.inserted && row.session_id !== sessionId) {
      throw new ConflictError(
        `[memory/conversations] message id ${m.id} already belongs to session ${row.session_id}, not ${sessionId}: give each message its own id`,
        { details: { messageId: m.id, sessionId, existingSessionId: row.session_id } },
      );
    }
    return {
      id: m.id,
      inserted: row.inserted,
      createdAt: toDate(row.created_at),
      cursor: encodeCursor('message', { at: row.created_at, id: m.id }),
    };
  });
}
