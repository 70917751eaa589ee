import { normalizeUuid } from './ids.js';

/**
 * The object-storage prefix under which a session's exported archive lives:
 * `archive/{sessionId}/` (lower-case UUID, trailing slash). `@memory/archive` writes deep-archive
 * exports under it and {@link ConversationStore.purgeUser} deletes everything under it, so both
 * packages must build keys with this function.
 *
 * @example
 * ```ts
 * archivePrefix('9F1C2D3E-0000-4000-8000-00000000ABCD') // 'archive/9f1c2d3e-0000-4000-8000-00000000abcd/'
 * ```
 * @throws InvalidInputError when `sessionId` is not a UUID.
 */
export function archivePrefix(sessionId: string): string {
  return `archive/${normalizeUuid(sessionId, 'sessionId')}/`;
}
