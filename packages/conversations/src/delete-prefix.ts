import type { LongTermStorage } from '@memory/longterm-core';

/**
 * Deletes every object under `prefix` and returns how many there were. The keys are listed
 * completely before the first delete, so backends whose listing pages by marker never skip
 * a key because the listing changed under them.
 */
export async function deletePrefix(storage: LongTermStorage, prefix: string): Promise<number> {
  const keys: string[] = [];
  for await (const key of storage.iteratePrefix(prefix)) keys.push(key);
  for (const key of keys) await storage.deleteObject(key);
  return keys.length;
}
