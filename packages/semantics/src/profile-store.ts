import type { LongTermStorage, PutObjectResult } from '@memory/longterm-core';
import { profileKey } from '@memory/longterm-core';
import { parseProfile, serializeProfile, validateProfile } from './profile-format.js';
import type { UserProfile } from './profile-schema.js';
import { DEFAULT_MAX_PROFILE_BYTES, type ReadLimits } from './read-limits.js';
import { withConflictRetry, type RetryOptions } from './retry.js';
import { precondition, readVersioned, requireConditionalWrites } from './versioned-read.js';

const PROFILE_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Write preconditions for {@link saveUserProfile} and {@link saveKnowledgeTriples}. */
export interface SaveOptions {
  /** Write only if the stored object still has this etag (else `ConflictError`). */
  ifMatch?: string;
  /** `'*'`: write only if nothing is stored yet (else `ConflictError`). */
  ifNoneMatch?: '*';
}

/** The `maxBytes` of a profile read. */
function profileLimit(options: ReadLimits): number {
  return options.maxObjectBytes ?? DEFAULT_MAX_PROFILE_BYTES;
}

/**
 * Loads `profiles/{userId}.json`, or `null` when the user has none (as the original returned
 * `None`).
 *
 * @throws InvalidInputError when the stored object is not a JSON object, or is larger than
 * `maxObjectBytes` (default 4 MiB; refused before it is read).
 * @example
 * ```ts
 * const profile = await loadUserProfile(storage, 'u1');
 * profile?.traits?.communication_style;
 * ```
 */
export async function loadUserProfile(
  storage: LongTermStorage,
  userId: string,
  options: ReadLimits = {},
): Promise<UserProfile | null> {
  const key = profileKey(userId);
  const bytes = await storage.getObject(key, { maxBytes: profileLimit(options) });
  return bytes === null ? null : parseProfile(bytes, { key });
}

/** A profile with the etag of the stored object it was read from. */
export interface VersionedProfile {
  /** `null` when the user has no profile. */
  profile: UserProfile | null;
  /** The stored object's etag (`null` when there is none): pass it as `ifMatch` to save over exactly this version. */
  etag: string | null;
}

/**
 * Loads a profile together with its etag, for callers that hand the version to a client and
 * accept its change later only if nothing moved in between (HTTP `ETag` / `If-Match`). A read
 * that a concurrent writer overlapped is retried.
 *
 * @example
 * ```ts
 * const { profile, etag } = await loadUserProfileVersioned(storage, 'u1');
 * await saveUserProfile(storage, 'u1', edited, etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
 * ```
 */
export async function loadUserProfileVersioned(
  storage: LongTermStorage,
  userId: string,
  retry: RetryOptions & ReadLimits = {},
): Promise<VersionedProfile> {
  const key = profileKey(userId);
  const maxBytes = profileLimit(retry);
  return withConflictRetry(
    `read ${key}`,
    async () => {
      const { bytes, etag } = await readVersioned(storage, key, maxBytes);
      return { profile: bytes === null ? null : parseProfile(bytes, { key }), etag };
    },
    retry,
  );
}

/**
 * Saves a profile under `profiles/{userId}.json` in the original's format. It is checked
 * against `userProfileSchema` first. Without preconditions the write is last-writer-wins, as in
 * the original; to change one trait safely use {@link updateUserProfile}.
 *
 * @returns the new etag.
 * @throws InvalidInputError for a profile the schema refuses; ConflictError when a precondition fails.
 */
export async function saveUserProfile(
  storage: LongTermStorage,
  userId: string,
  profile: UserProfile,
  options: SaveOptions = {},
): Promise<PutObjectResult> {
  const key = profileKey(userId);
  const body = serializeProfile(validateProfile(profile, { key }));
  return storage.putObject(key, body, { contentType: PROFILE_CONTENT_TYPE, ...options });
}

/** What {@link updateUserProfile} returns. */
export interface UpdateProfileResult {
  /** The profile as written. */
  profile: UserProfile;
  /** Its etag. */
  etag: string;
  /** How many read-change-write rounds it took (1 without contention). */
  attempts: number;
}

/**
 * Changes a profile without losing concurrent updates: reads it with its etag, lets `mutate`
 * change a fresh copy (or return a replacement), writes with `ifMatch` (`ifNoneMatch: '*'` for
 * a new profile), and on `ConflictError` retries from the read with jittered backoff. `mutate`
 * may run several times, so it should only compute from its argument. A missing profile
 * starts as `{ user_id: userId, traits: {} }`.
 *
 * @throws ConflictError after `maxAttempts` lost races; UnsupportedError for a backend without
 * conditional writes; InvalidInputError when the result fails the profile schema, or the stored
 * profile is larger than `maxObjectBytes` (default 4 MiB).
 * @example
 * ```ts
 * await updateUserProfile(storage, 'u1', (p) => {
 *   p.traits = { ...p.traits, communication_style: 'concise' };
 * });
 * ```
 */
export async function updateUserProfile(
  storage: LongTermStorage,
  userId: string,
  mutate: (profile: UserProfile) => UserProfile | void | Promise<UserProfile | void>,
  options: RetryOptions & ReadLimits = {},
): Promise<UpdateProfileResult> {
  const key = profileKey(userId);
  requireConditionalWrites(storage, `updating ${key}`);
  const maxBytes = profileLimit(options);
  return withConflictRetry(
    key,
    async (attempts) => {
      const { bytes, etag } = await readVersioned(storage, key, maxBytes);
      const draft: UserProfile = bytes === null ? { user_id: userId, traits: {} } : parseProfile(bytes, { key });
      const profile = validateProfile((await mutate(draft)) ?? draft, { key });
      const result = await storage.putObject(key, serializeProfile(profile), {
        contentType: PROFILE_CONTENT_TYPE,
        ...precondition(etag),
      });
      return { profile, etag: result.etag, attempts };
    },
    options,
  );
}
