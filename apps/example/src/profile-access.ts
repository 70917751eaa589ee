import { ConflictError } from '@memory/errors';
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
  if (ifMatch === undefined) {
    const { profile, etag } = await updateUserProfile(
      storage,
      userId,
      (current) => applyMergePatch(current, patch) as UserProfile,
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
  const profile = applyMergePatch(base, patch) as UserProfile;
  const { etag } = await saveUserProfile(storage, userId, profile, { ifMatch: current.etag! });
  return { profile, etag };
}
