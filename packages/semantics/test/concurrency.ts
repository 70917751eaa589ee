import type { LongTermStorage } from '@memory/longterm-core';
import { expect } from 'vitest';
import { addKnowledgeTriples, loadKnowledgeTriples, loadUserProfile, updateUserProfile } from '../src/index.js';

/**
 * Twenty concurrent profile updates, each setting its own trait, and twenty concurrent triple
 * additions, each adding its own triples: every change must be in the stored objects.
 */
export async function expectNoLostUpdates(storage: LongTermStorage, userId: string): Promise<void> {
  const n = 20;
  const profileResults = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      updateUserProfile(storage, userId, (p) => {
        p.traits = { ...p.traits, [`trait_${i}`]: `value ${i}` };
      }),
    ),
  );
  const profile = await loadUserProfile(storage, userId);
  for (let i = 0; i < n; i++) expect(profile?.traits?.[`trait_${i}`]).toBe(`value ${i}`);
  expect(profile?.user_id).toBe(userId);
  // Some writers must have lost a race and retried, or the test proves nothing.
  expect(profileResults.some((r) => r.attempts > 1)).toBe(true);

  const addResults = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      addKnowledgeTriples(storage, userId, [
        ['用户', '关注', `主题 ${i}`],
        ['user', 'knows', `fact ${i}`],
      ]),
    ),
  );
  const triples = await loadKnowledgeTriples(storage, userId);
  expect(triples).toHaveLength(2 * n);
  for (let i = 0; i < n; i++) {
    expect(triples.some((t) => t[2] === `主题 ${i}`)).toBe(true);
    expect(triples.some((t) => t[2] === `fact ${i}`)).toBe(true);
  }
  expect(addResults.some((r) => r.attempts > 1)).toBe(true);
}
