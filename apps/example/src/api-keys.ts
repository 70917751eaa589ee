import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { MemoryDb } from '@memory/db';
import { ConflictError, InvalidInputError, NotFoundError } from '@memory/errors';
import { defineEntity, p } from '@mikro-orm/core';

/**
 * The service's API keys (`api_keys`): only a SHA-256 hash of each key is stored (keys are 256
 * random bits, so a fast hash is enough: there is nothing to guess). An admin key may do
 * everything; a key bound to a user id may touch only that user's data.
 */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string().length(128).unique(),
    /** `null`: an admin key. */
    userId: p.string().length(512).nullable(),
    hash: p.string().length(64).unique(),
    /** The first characters of the key, to recognise it in a list. */
    prefix: p.string().length(16),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});

/** A row of `api_keys`. */
class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);

/** What the service knows about the caller of a request. */
export interface Principal {
  /** The key's name, recorded as the actor of every write. */
  name: string;
  /** The user the key is bound to; `null` for an admin key. */
  userId: string | null;
}

/** A key as listed (never the key itself). */
export interface ApiKeyInfo {
  name: string;
  userId: string | null;
  kind: 'admin' | 'user';
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

const KEY_PREFIX = 'mk_';
const NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** The SHA-256 of a key, hex: what `api_keys.hash` holds. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function info(row: ApiKey): ApiKeyInfo {
  return {
    name: row.name,
    userId: row.userId ?? null,
    kind: row.userId ? 'user' : 'admin',
    prefix: row.prefix,
    createdAt: row.createdAt as Date,
    revokedAt: (row.revokedAt as Date | null | undefined) ?? null,
  };
}

/**
 * Creates a key: an admin key (`userId` null) or one bound to `userId`. Returns the key, shown
 * this once (only its hash is stored), and writes an audit row.
 *
 * @throws InvalidInputError for a bad name; ConflictError when the name is taken.
 */
export async function createApiKey(
  db: MemoryDb,
  input: { name: string; userId: string | null; actor?: string },
): Promise<{ key: string; info: ApiKeyInfo }> {
  if (!NAME.test(input.name)) {
    throw new InvalidInputError(
      `key name ${JSON.stringify(input.name)} must be 1–128 letters, digits, dots, dashes or underscores`,
    );
  }
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db.scope(async (em) => {
    if (await em.findOne(ApiKey, { name: input.name })) {
      throw new ConflictError(`a key named ${input.name} exists already: pick another name or revoke it first`);
    }
    const created = em.create(ApiKey, {
      name: input.name,
      userId: input.userId,
      hash: hashApiKey(key),
      prefix: key.slice(0, 10),
      revokedAt: null,
    });
    db.logAudit(em, {
      action: 'create_api_key',
      resourceType: 'api_key',
      resourceId: created.id,
      actor: input.actor ?? 'memory-cli',
      details: {
        name: input.name,
        kind: input.userId ? 'user' : 'admin',
        ...(input.userId ? { userId: input.userId } : {}),
      },
    });
    return created;
  });
  return { key, info: info(row) };
}

/**
 * Revokes the key named `name` (kept, marked revoked, so the audit log still resolves its name).
 *
 * @throws NotFoundError when there is no such active key.
 */
export async function revokeApiKey(db: MemoryDb, name: string, actor = 'memory-cli'): Promise<ApiKeyInfo> {
  return db.scope(async (em) => {
    const row = await em.findOne(ApiKey, { name, revokedAt: null });
    if (!row) throw new NotFoundError(`no active key named ${name}: see \`memory keys list\``);
    row.revokedAt = new Date();
    db.logAudit(em, {
      action: 'revoke_api_key',
      resourceType: 'api_key',
      resourceId: row.id,
      actor,
      details: { name },
    });
    return info(row);
  });
}

/** Every key, newest first (revoked ones too). */
export async function listApiKeys(db: MemoryDb): Promise<ApiKeyInfo[]> {
  const rows = await db.fork().find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
  return rows.map(info);
}

/** Whether any key is active (in `auto` mode the service then requires keys). */
export async function hasActiveKeys(db: MemoryDb): Promise<boolean> {
  return (await db.fork().count(ApiKey, { revokedAt: null })) > 0;
}

/** The principal of an active key, or `null` for an unknown or revoked one. */
export async function findPrincipal(db: MemoryDb, key: string): Promise<Principal | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const hash = hashApiKey(key);
  const row = await db.fork().findOne(ApiKey, { hash, revokedAt: null });
  // The lookup is by hash; compare again in constant time for good measure.
  if (!row || !timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash))) return null;
  return { name: row.name, userId: row.userId ?? null };
}
