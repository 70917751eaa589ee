import { describe, expect, it } from 'vitest';
import { InMemoryLongTermStorage } from './in-memory-storage.js';
import { runStorageConformance } from './testing/index.js';
import { normalizePrefix, withPrefix } from './with-prefix.js';

runStorageConformance('withPrefix(InMemoryLongTermStorage, "long_term/")', () => ({
  storage: withPrefix(new InMemoryLongTermStorage(), 'long_term/'),
}));

describe('withPrefix', () => {
  it('stores under the prefix and lists keys relative to it', async () => {
    const inner = new InMemoryLongTermStorage();
    const storage = withPrefix(inner, 'long_term');
    await storage.putObject('profiles/u1.json', '{}');
    await inner.putObject('other/app.json', 'not ours');
    expect(await inner.listPrefix('')).toEqual(['long_term/profiles/u1.json', 'other/app.json']);
    expect(await storage.listPrefix('')).toEqual(['profiles/u1.json']);
    expect(await storage.listPrefix('prof')).toEqual(['profiles/u1.json']);
    const iterated: string[] = [];
    for await (const k of storage.iteratePrefix('profiles/')) iterated.push(k);
    expect(iterated).toEqual(['profiles/u1.json']);
    expect(await storage.getObject('other/app.json')).toBeNull();
    await storage.deleteObject('profiles/u1.json');
    expect(await inner.listPrefix('')).toEqual(['other/app.json']);
  });

  it('passes capabilities and conditional writes through', async () => {
    const storage = withPrefix(new InMemoryLongTermStorage({ conditionalWrites: false }), 'p');
    expect(storage.capabilities.conditionalWrites).toBe(false);
    await expect(storage.putObject('k', 'v', { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('normalizes prefixes to a folder', () => {
    expect(normalizePrefix('long_term')).toBe('long_term/');
    expect(normalizePrefix('/long_term/')).toBe('long_term/');
    expect(normalizePrefix('a/b')).toBe('a/b/');
    expect(normalizePrefix('')).toBe('');
    expect(normalizePrefix('/')).toBe('');
    expect(normalizePrefix(undefined)).toBe('');
  });

  it('refuses an empty key rather than touching the prefix object itself', async () => {
    const storage = withPrefix(new InMemoryLongTermStorage(), 'p');
    await expect(storage.getObject('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
