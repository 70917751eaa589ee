import { InvalidInputError } from '@memory/errors';
import type { MessageRole } from '@memory/models';
import { sql, type Sql } from '@memory/db';
import { checkJsonObject, checkOptionalDate, checkRole } from './validate.js';

/** The message filters shared by history and search, already checked. */
export interface CheckedMessageFilter {
  roles: MessageRole[] | null;
  since: Date | null;
  until: Date | null;
  /** Top-level keys whose values must equal these (JSON equality). */
  metadataEquals: Record<string, unknown> | null;
  /** An object the metadata must contain (jsonb `@>`). */
  metadataContains: Record<string, unknown> | null;
}

/** The raw filter options (see `MessageFilter` in the types). */
interface RawFilter {
  roles?: unknown;
  since?: unknown;
  until?: unknown;
  metadataEquals?: unknown;
  metadataContains?: unknown;
}

/** Checks the message filters of a history or search call. */
export function checkMessageFilter(options: RawFilter): CheckedMessageFilter {
  const roles = options.roles === undefined || options.roles === null ? null : checkRoles(options.roles);
  const equals =
    options.metadataEquals === undefined || options.metadataEquals === null
      ? null
      : checkJsonObject(options.metadataEquals, 'metadataEquals');
  if (equals !== null && Object.keys(equals).length === 0) {
    throw new InvalidInputError('[memory/conversations] metadataEquals must name at least one key', {
      details: { field: 'metadataEquals' },
    });
  }
  return {
    roles,
    since: checkOptionalDate(options.since, 'since'),
    until: checkOptionalDate(options.until, 'until'),
    metadataEquals: equals,
    metadataContains:
      options.metadataContains === undefined || options.metadataContains === null
        ? null
        : checkJsonObject(options.metadataContains, 'metadataContains'),
  };
}

function checkRoles(roles: unknown): MessageRole[] {
  if (!Array.isArray(roles) || roles.length === 0) {
    throw new InvalidInputError('[memory/conversations] roles must be a non-empty array of MessageRole', {
      details: { field: 'roles' },
    });
  }
  return roles.map((role, i) => checkRole(role, `roles[${i}]`));
}

/**
 * The `WHERE` conditions of a filter on the messages aliased `alias`. Metadata equality compares
 * each key's jsonb value (`metadata -> 'key' = '<json>'::jsonb`: `{ tags: ['a'] }` matches only
 * `['a']`, and `{ k: null }` a key set to JSON null); containment is jsonb `@>` (`{ tags: ['a'] }`
 * matches `['a', 'b']`). A message without metadata matches neither.
 */
export function messageFilterConditions(
  alias: string,
  filter: CheckedMessageFilter,
  include: { roles?: boolean; time?: boolean; metadata?: boolean } = {},
): Sql[] {
  const where: Sql[] = [];
  const a = sql.raw(alias);
  if (include.roles !== false && filter.roles !== null) {
    where.push(sql`${a}.role = ANY(${filter.roles}::text[])`);
  }
  if (include.time !== false) {
    if (filter.since !== null) where.push(sql`${a}.created_at >= ${filter.since}::timestamptz`);
    if (filter.until !== null) where.push(sql`${a}.created_at < ${filter.until}::timestamptz`);
  }
  if (include.metadata !== false) {
    if (filter.metadataEquals !== null) {
      for (const [key, value] of Object.entries(filter.metadataEquals)) {
        where.push(sql`${a}.metadata -> ${key}::text = ${JSON.stringify(value)}::jsonb`);
      }
    }
    if (filter.metadataContains !== null) {
      where.push(sql`${a}.metadata @> ${JSON.stringify(filter.metadataContains)}::jsonb`);
    }
  }
  return where;
}

/** Whether a filter narrows anything. */
export function hasMessageFilter(filter: CheckedMessageFilter): boolean {
  return (
    filter.roles !== null ||
    filter.since !== null ||
    filter.until !== null ||
    filter.metadataEquals !== null ||
    filter.metadataContains !== null
  );
}
