import { describe, expect, it } from 'vitest';
import { newSessionIdForUser, shardKeyOfSession, shardKeyOfUser, SHARD_KEY_SPACE } from './shard-key.js';

describe('shard keys', () => {
  it('a session minted for a user carries the user key, and stays a random v4 UUID', () => {
    for (const user of ['u123', '中文用户', 'a'.repeat(300)]) {
      const id = newSessionIdForUser(user);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(shardKeyOfSession(id)).toBe(shardKeyOfUser(user));
    }
    expect(newSessionIdForUser('u1')).not.toBe(newSessionIdForUser('u1'));
  });

  it('a session of the original library (random id, no user) gets a key from its own id', () => {
    expect(shardKeyOfSession('0b1e2f3a-1111-4222-8333-44445555abcd')).toBe(0xabcd);
    expect(shardKeyOfSession('0B1E2F3A-1111-4222-8333-44445555ABCD')).toBe(0xabcd);
    const id = newSessionIdForUser(undefined);
    expect(shardKeyOfSession(id)).toBe(Number.parseInt(id.slice(-4), 16));
  });

  it('user keys spread over the whole key space', () => {
    const keys = new Set<number>();
    for (let i = 0; i < 2000; i++) keys.add(shardKeyOfUser(`user-${i}`));
    expect(Math.max(...keys)).toBeLessThan(SHARD_KEY_SPACE);
    expect(keys.size).toBeGreaterThan(1900);
    // 32 Citus-like buckets all get users
    expect(new Set([...keys].map((k) => k % 32)).size).toBe(32);
  });

  it('rejects a session id that is not a UUID', () => {
    expect(() => shardKeyOfSession('not-a-uuid')).toThrow(/not a UUID/);
  });
});
