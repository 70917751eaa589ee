import { describe, expect, it } from 'vitest';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { deletePrefix } from './delete-prefix.js';

describe('deletePrefix', () => {
  it('deletes every key under the prefix and nothing else, counting them', async () => {
    const storage = new InMemoryLongTermStorage();
    for (const key of ['archive/a/1', 'archive/a/2', 'archive/ab/1', 'profiles/a.json'])
      await storage.putObject(key, 'x');
    expect(await deletePrefix(storage, 'archive/a/')).toBe(2);
    expect(await storage.listPrefix('')).toEqual(['archive/ab/1', 'profiles/a.json']);
    expect(await deletePrefix(storage, 'archive/a/')).toBe(0);
  });
});
