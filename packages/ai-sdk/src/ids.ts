import { v5 as uuidv5, validate as isUuid } from 'uuid';

/**
 * The UUIDv5 namespace of this project (itself `uuidv5('https://github.com/memory/ai-sdk', URL)`,
 * fixed forever: changing it would change every id derived from it).
 */
export const MEMORY_ID_NAMESPACE = 'b1f9d6f5-bda6-5974-abc9-d1763f0fcc89';

/**
 * The table id of an AI SDK id (a chat id or a `UIMessage` id, which are not UUIDs): a UUIDv5 in
 * {@link MEMORY_ID_NAMESPACE}, the same for the same `kind` and id on every machine and run. An
 * id that already is a UUID is kept as it is (lower-cased), so callers that use UUIDs see them
 * unchanged in the tables. `scope` separates ids that are unique only within something, such as
 * message ids within a chat (the table's message ids are unique across all sessions).
 *
 * @example
 * ```ts
 * externalIdToUuid('chat', 'k2x9Qw'); // always the same UUID for this chat id
 * ```
 */
export function externalIdToUuid(kind: 'chat' | 'message', id: string, scope?: string): string {
  if (isUuid(id)) return id.toLowerCase();
  return uuidv5(scope === undefined ? `${kind}:${id}` : `${kind}:${scope}:${id}`, MEMORY_ID_NAMESPACE);
}

/**
 * The id of the `index`-th message of a turn (`variant` separates an interrupted attempt's
 * partial answer from the finished one). The same session, turn key and index always give the
 * same id, so recording a retried call inserts nothing twice.
 */
export function turnMessageId(sessionId: string, turnKey: string, index: number, variant = ''): string {
  return uuidv5(`turn:${sessionId}:${turnKey}:${index}${variant ? `:${variant}` : ''}`, MEMORY_ID_NAMESPACE);
}
