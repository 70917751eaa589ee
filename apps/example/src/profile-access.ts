import { ConflictError } from '@memory/errors';
import { profileKey, sameEtag, type LongTermStorage } from '@memory/longterm-core';
import { parseProfile, saveUserProfile, updateUserProfile, type UserProfile } from '@memory/semantics';
import { applyMergePatch } from './merge-patch.js';

/** A profile with the etag of the stored object it was read from. */
export interface VersionedProfile {
  profile: UserProfile | null;
  etag: string | null;
}

/**
 * Reads a user's profile together with its etag. The storage contract has no "get with etag",
 * so it reads head, body, head and retries while a writer changes the object in between.
 */
export async function readProfile(storage: LongTermStorage, userId: string): Promise<VersionedProfile> {
  const key = profileKey(userId);
  for (let attempt = 0; ; attempt++) {
    const before = await storage.headObject(key);
    const bytes = await storage.getObject(key);
    const after = await storage.headObject(key);
    if ((before?.etag ?? null) === (after?.etag ?? null) && (bytes === null) === (after === null)) {
      return { profile: bytes === null ? null : parseProfile(bytes, { key }), etag: after?.etag ?? null };
    }
    if (attempt >= 10) throw new ConflictError(`[memory/example] ${key} kept changing while being read: retry`);
  }
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
    const { profile, etag } = await updateUserProfile(storage, userId, (current) => applyMergePatch(current, patch) as UserProfile);
    return { profile, etag };
  }
  const current = await readProfile(storage, userId);
  if (ifMatch !== '*' && (current.etag === null || !sameEtag(current.etag, ifMatch))) {
    throw new ConflictError(`[memory/example] the profile of ${userId} changed (etag ${current.etag ?? 'none'}, If-Match ${ifMatch}): read it again and retry`, {
      details: { etag: current.etag },
    });
  }
  if (ifMatch === '*' && current.etag === null) {
    throw new ConflictError(`[memory/example] ${userId} has no profile yet, so If-Match: * fails: send no If-Match to create it`);
  }
  const base = current.profile ?? { user_id: userId, traits: {} };
  const profile = applyMergePatch(base, patch) as UserProfile;
  const { etag } = await saveUserProfile(storage, userId, profile, { ifMatch: current.etag! });
  return { profile, etag };
}
