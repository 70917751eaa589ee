import { describe, expect, it } from 'vitest';
import { InMemoryLongTermStorage } from './in-memory-storage.js';
import { runStorageConformance } from './testing/index.js';

runStorageConformance('InMemoryLongTermStorage', () => ({ storage: new InMemoryLongTermStorage() }), {
  conditionalWrites: true,
});

runStorageConformance(
  'InMemoryLongTermStorage without conditional writes',
  () => ({
    storage: new InMemoryLongTermStorage({ conditionalWrites: false }),
  }),
  { conditionalWrites: false },
);

describe('InMemoryLongTermStorage', () => {
  it('hands out copies, so mutating a read buffer does not change the stored object', async () => {
    const storage = new InMemoryLongTermStorage();
    await storage.putObject('k', new Uint8Array([1, 2, 3]));
    const read = await storage.getObject('k');
    read![0] = 9;
    expect([...(await storage.getObject('k'))!]).toEqual([1, 2, 3]);
  });

  it('keeps the etag when identical content is rewritten, as S3 does', async () => {
    const storage = new InMemoryLongTermStorage();
    const a = await storage.putObject('k', 'same');
    const b = await storage.putObject('k', 'same');
    expect(b.etag).toBe(a.etag);
    expect(a.etag).toBe('"51037a4a37730f52c8732586d3aaa316"'); // md5("same"), quoted (from md5sum)
  });

  it('accepts an etag with or without quotes for ifMatch', async () => {
    const storage = new InMemoryLongTermStorage();
    const { etag } = await storage.putObject('k', 'v1');
    await storage.putObject('k', 'v2', { ifMatch: etag.replaceAll('"', '') });
    expect(new TextDecoder().decode((await storage.getObject('k'))!)).toBe('v2');
  });

  it('refuses ifMatch together with ifNoneMatch', async () => {
    const storage = new InMemoryLongTermStorage();
    await expect(storage.putObject('k', 'v', { ifMatch: '"x"', ifNoneMatch: '*' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('counts and clears', async () => {
    const storage = new InMemoryLongTermStorage();
    await storage.putObject('a', '1');
    await storage.putObject('b', '2');
    expect(storage.size).toBe(2);
    storage.clear();
    expect(await storage.listPrefix('')).toEqual([]);
  });
});
