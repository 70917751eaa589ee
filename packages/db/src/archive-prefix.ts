import { InvalidInputError } from '@memory/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The object-storage prefix under which a session's exported archive lives:
 * `archive/{sessionId}/` (lower-case UUID, trailing slash). `@memory/archive` writes deep-archive
 * exports under it and `@memory/conversations` deletes everything under it when a session or a
 * user is purged, so both build keys with this function. It lives in `@memory/db`, which both
 * depend on, so that neither has to depend on the other for it.
 *
 * @example
 * ```ts
 * archivePrefix('9F1C2D3E-0000-4000-8000-00000000ABCD') // 'archive/9f1c2d3e-0000-4000-8000-00000000abcd/'
 * ```
 * @throws InvalidInputError when `sessionId` is not a UUID (so no key can escape the prefix).
 */
export function archivePrefix(sessionId: string): string {
  if (typeof sessionId !== 'string' || !UUID.test(sessionId)) {
    const shown = typeof sessionId === 'string' ? JSON.stringify(sessionId.slice(0, 64)) : typeof sessionId;
    throw new InvalidInputError(`[memory/db] archivePrefix: sessionId must be a UUID (8-4-4-4-12 hex), got ${shown}`, {
      details: { field: 'sessionId' },
    });
  }
  return `archive/${sessionId.toLowerCase()}/`;
}
