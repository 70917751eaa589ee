import { InvalidInputError } from '@memory/errors';
import { isUuid } from './ids.js';

/**
 * What a keyset cursor points at: a session in a session list (by `updated_at`, `id`) or a
 * message in a history (by `created_at`, `id`). A cursor of one kind is refused where the
 * other is expected.
 */
export type CursorKind = 'session' | 'message';

/** The position a cursor encodes: a timestamp with microseconds (UTC, ISO 8601) and a row id. */
export interface CursorPosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exactly as {@link timestampKeySql} renders it. */
  at: string;
  id: string;
}

const VERSION = 1;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * SQL that renders a `timestamptz` column as the cursor's timestamp text, in UTC with all six
 * fractional digits. Cursors must keep microseconds: a JavaScript `Date` has only milliseconds,
 * and two rows a few microseconds apart would otherwise share a position and be skipped or
 * repeated across pages.
 */
export function timestampKeySql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * Encodes a keyset position as an opaque, URL-safe string.
 *
 * @example
 * ```ts
 * encodeCursor('message', { at: '2026-01-02T03:04:05.000006Z', id: '...' })
 * ```
 */
export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  const { at, id } = position;
  // Every row of a history page or an append carries a cursor: for the timestamps and UUIDs
  // PostgreSQL hands back (nothing JSON would escape) the JSON is written out, twice as fast.
  const json =
    PLAIN.test(at) && PLAIN.test(id)
      ? `[${VERSION},"${kind}","${at}","${id}"]`
      : JSON.stringify([VERSION, kind, at, id]);
  return Buffer.from(json, 'utf8').toString('base64url');
}

const PLAIN = /^[\w.:-]*$/;

/**
 * Decodes a cursor made by {@link encodeCursor}. Anything else (a cursor of the other kind, a
 * truncated or edited string) throws `InvalidInputError`: the caller should drop the cursor and
 * start from the first page.
 */
export function decodeCursor(kind: CursorKind, cursor: unknown, field = 'cursor'): CursorPosition {
  const fail = (why: string): never => {
    throw new InvalidInputError(
      `[memory/conversations] ${field} is not a valid ${kind} cursor (${why}): pass a cursor returned by the previous page, or none to start over`,
      {
        details: { field, kind },
      },
    );
  };
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 512) return fail('not a short string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return fail('not decodable');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return fail('unexpected shape');
  const [version, gotKind, at, id] = parsed as unknown[];
  if (version !== VERSION) return fail(`unknown version ${String(version)}`);
  if (gotKind !== kind) return fail(`it is a ${String(gotKind)} cursor`);
  if (typeof at !== 'string' || !TIMESTAMP.test(at) || Number.isNaN(Date.parse(at))) return fail('bad timestamp');
  if (!isUuid(id)) return fail('bad id');
  return { at, id: id.toLowerCase() };
}
