import { ConflictError, InvalidInputError } from '@memory/errors';
import { sameEtag, type LongTermStorage } from '@memory/longterm-core';
import {
  loadUserProfileVersioned,
  saveUserProfile,
  updateUserProfile,
  type UserProfile,
  type VersionedProfile,
} from '@memory/semantics';
import { applyMergePatch } from './merge-patch.js';

/**
 * Reads a user's profile together with its etag (see `loadUserProfileVersioned`).
 */
export function readProfile(storage: LongTermStorage, userId: string): Promise<VersionedProfile> {
  return loadUserProfileVersioned(storage, userId);
}

/**
 * Merge-patches a user's profile. With `ifMatch`, the patch applies only to that version (a
 * `ConflictError` when the stored profile moved on): the client re-reads and retries. Without
 * it, the service reads, patches and writes with compare-and-swap itself, retrying on races.
 */
export async function patchProfile(
  storage: LongTermStorage,
  userId: string,
  patch: Record<string, unknown>,
  ifMatch: string | undefined,
): Promise<{ profile: UserProfile; etag: string }> {
  // The profile belongs to the user of the path: its `user_id` is not the client's to change.
  if ('user_id' in patch && patch.user_id !== userId) {
    throw new InvalidInputError(
      `user_id is the user of the path (${JSON.stringify(userId)}) and cannot be patched; leave it out of the body`,
      { details: { field: 'user_id' } },
    );
  }
  const owned = (value: unknown) => ({ ...(value as object), user_id: userId }) as UserProfile;
  if (ifMatch === undefined) {
    const { profile, etag } = await updateUserProfile(storage, userId, (current) =>
      owned(applyMergePatch(current, patch)),
    );
    return { profile, etag };
  }
  const current = await readProfile(storage, userId);
  if (ifMatch !== '*' && (current.etag === null || !sameEtag(current.etag, ifMatch))) {
    throw new ConflictError(
      `[memory/example] the profile of ${userId} changed (etag ${current.etag ?? 'none'}, If-Match ${ifMatch}): read it again and retry`,
      {
        details: { etag: current.etag },
      },
    );
  }
  if (ifMatch === '*' && current.etag === null) {
    throw new ConflictError(
      `[memory/example] ${userId} has no profile yet, so If-Match: * fails: send no If-Match to create it`,
    );
  }
  const base = current.profile ?? { user_id: userId, traits: {} };
  const profile = owned(applyMergePatch(base, patch));
  const { etag } = await saveUserProfile(storage, userId, profile, { ifMatch: current.etag! });
  return { profile, etag };
}
