import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidInputError, UnsupportedError } from '@memory/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemLongTermStorage } from './file-system-storage.js';
import { runStorageConformance } from './testing/index.js';

const tempRoot = () => mkdtemp(join(tmpdir(), 'memory-fs-'));

runStorageConformance(
  'FileSystemLongTermStorage',
  async () => {
    const dir = await tempRoot();
    return { storage: new FileSystemLongTermStorage(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  { conditionalWrites: true },
);

describe('FileSystemLongTermStorage', () => {
  let dir: string;
  let storage: FileSystemLongTermStorage;
  beforeEach(async () => {
    dir = await tempRoot();
    storage = new FileSystemLongTermStorage(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores each object as a plain file at its key path, readable by other tools', async () => {
    await storage.putObject('profiles/u1.json', '{"user_id":"u1"}', { contentType: 'application/json' });
    expect(await readFile(join(dir, 'profiles', 'u1.json'), 'utf8')).toBe('{"user_id":"u1"}');
  });

  it.each([
    ['absolute', '/etc/passwd'],
    ['parent segment', '../outside.json'],
    ['inner parent segment', 'profiles/../../outside.json'],
    ['dot segment', 'profiles/./u1.json'],
    ['empty segment', 'profiles//u1.json'],
    ['trailing slash', 'profiles/'],
    ['backslash', 'profiles\\..\\x'],
    ['NUL', 'profiles/u1\0.json'],
    ['reserved name', 'profiles/.memory-meta.u1.json.json'],
  ])('refuses a %s key before touching the disk', async (_why, key) => {
    await expect(storage.putObject(key, 'x')).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    await expect(storage.getObject(key)).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    await expect(storage.deleteObject(key)).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    await expect(storage.headObject(key)).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    expect(await readdir(dir)).toEqual([]);
  });

  it('never lists its metadata or temp files', async () => {
    await storage.putObject('a/b.json', '{}', { contentType: 'application/json' });
    await writeFile(join(dir, 'a', '.memory-tmp-leftover'), 'crash debris');
    expect((await readdir(join(dir, 'a'))).sort()).toEqual([
      '.memory-meta.b.json.json',
      '.memory-tmp-leftover',
      'b.json',
    ]);
    expect(await storage.listPrefix('')).toEqual(['a/b.json']);
    expect(await storage.listPrefix('a/.memory')).toEqual([]);
  });

  it('serves a file written by another tool: etag from its bytes, default content type', async () => {
    await mkdir(join(dir, 'knowledge'), { recursive: true });
    await writeFile(join(dir, 'knowledge', 'u1.jsonl'), '["a","b","c"]');
    const head = await storage.headObject('knowledge/u1.jsonl');
    expect(head).toMatchObject({
      etag: '"c29a5747d698b2f95cdfd5ed6502f19d"',
      size: 13,
      contentType: 'application/octet-stream',
    }); // md5sum
    const rewritten = await storage.putObject('knowledge/u1.jsonl', '["a","b","c"]');
    expect(rewritten.etag).toBe(head!.etag);
    expect(await storage.listPrefix('knowledge/')).toEqual(['knowledge/u1.jsonl']);
  });

  it('notices a file changed behind its back (stale sidecar) and does not let a stale ifMatch through', async () => {
    const { etag } = await storage.putObject('p.json', 'v1', { contentType: 'application/json' });
    await writeFile(join(dir, 'p.json'), 'edited by hand');
    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, 'p.json'), later, later);
    const head = await storage.headObject('p.json');
    expect(head!.etag).not.toBe(etag);
    expect(head!.size).toBe(14);
    await expect(storage.putObject('p.json', 'v2', { ifMatch: etag })).rejects.toMatchObject({ code: 'CONFLICT' });
    await storage.putObject('p.json', 'v2', { ifMatch: head!.etag });
  });

  it('writes atomically: a concurrent reader sees the old or the new object, never a mix', async () => {
    const a = new Uint8Array(2 * 1024 * 1024).fill(0x61);
    const b = new Uint8Array(2 * 1024 * 1024).fill(0x62);
    await storage.putObject('big', a);
    let stop = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!stop) {
        const got = (await storage.getObject('big'))!;
        expect(got.byteLength).toBe(a.byteLength);
        seen.add(`${got[0]}-${got[got.length - 1]}`);
      }
    })();
    for (let i = 0; i < 10; i++) await storage.putObject('big', i % 2 ? a : b);
    stop = true;
    await reader;
    for (const s of seen) expect(['97-97', '98-98']).toContain(s);
  });

  it('shares the per-key lock between two instances on one directory', async () => {
    const other = new FileSystemLongTermStorage(dir);
    const { etag } = await storage.putObject('race', 'base');
    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, (_, i) => storage.putObject('race', `a${i}`, { ifMatch: etag })),
      ...Array.from({ length: 5 }, (_, i) => other.putObject('race', `b${i}`, { ifMatch: etag })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps compare-and-swap between processes: concurrent increments from 3 processes lose none', async () => {
    const tsx = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const worker = join(import.meta.dirname, '..', 'test', 'fs-cas-worker.ts');
    const increments = 25;
    const runs = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        promisify(execFile)(tsx, ['--conditions=@memory/source', worker, dir, 'counter.json', id, String(increments)], {
          timeout: 60_000,
        }),
      ),
    );
    const conflicts = runs.map((r) => (JSON.parse(r.stdout) as { conflicts: number }).conflicts);
    const final = JSON.parse(await readFile(join(dir, 'counter.json'), 'utf8')) as { n: number };
    expect(final.n).toBe(3 * increments);
    console.log(
      `[fs] cross-process CAS: ${3 * increments} increments, ${conflicts.reduce((a, b) => a + b, 0)} conflicts retried`,
    );
    expect((await readdir(dir)).filter((n) => n.startsWith('.memory-lock'))).toEqual([]);
  }, 90_000);

  it('takes over a lock left by a crashed process', async () => {
    await storage.putObject('k', 'v1');
    await writeFile(
      join(dir, '.memory-lock.k'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), at: Date.now() }),
    );
    await storage.putObject('k', 'v2');
    expect(await readFile(join(dir, 'k'), 'utf8')).toBe('v2');
  });

  it('waits for a live lock and gives up with a StorageError naming it', async () => {
    const slow = new FileSystemLongTermStorage(dir, { lockTimeoutMs: 200 });
    await slow.putObject('k', 'v1');
    await writeFile(
      join(dir, '.memory-lock.k'),
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), at: Date.now() }),
    );
    await expect(slow.putObject('k', 'v2')).rejects.toThrow(
      /timed out after 200 ms waiting for the lock of "k".*\.memory-lock\.k/,
    );
    await rm(join(dir, '.memory-lock.k'));
    await slow.putObject('k', 'v2');
    expect(await readFile(join(dir, 'k'), 'utf8')).toBe('v2');
  });

  it('refuses a key that needs an existing object to be a directory', async () => {
    await storage.putObject('a', 'object');
    await expect(storage.putObject('a/b', 'x')).rejects.toSatisfy((e) => UnsupportedError.isInstance(e));
    await storage.putObject('d/e', 'x');
    await expect(storage.putObject('d', 'x')).rejects.toSatisfy((e) => UnsupportedError.isInstance(e));
    expect(await storage.getObject('d')).toBeNull();
    expect(await storage.getObject('a/b')).toBeNull();
    await storage.deleteObject('d');
    expect(await storage.listPrefix('')).toEqual(['a', 'd/e']);
  });

  it('removes the folders a delete leaves empty, up to but not including the root', async () => {
    await storage.putObject('archive/s1/messages.jsonl.gz', 'm');
    await storage.putObject('archive/s1/manifest.json', '{}');
    await storage.putObject('archive/s2/manifest.json', '{}');
    await storage.deleteObject('archive/s1/messages.jsonl.gz');
    expect(await readdir(join(dir, 'archive', 's1'))).toEqual(['.memory-meta.manifest.json.json', 'manifest.json']);
    await storage.deleteObject('archive/s1/manifest.json');
    // The session id is no longer visible as a folder name; its sibling keeps archive/ alive.
    expect(await readdir(join(dir, 'archive'))).toEqual(['s2']);
    await storage.deleteObject('archive/s2/manifest.json');
    expect(await readdir(dir)).toEqual([]);
    await storage.putObject('top.json', '{}');
    await storage.deleteObject('top.json');
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps a folder that still holds something, and finishes an interrupted clean-up on the next delete', async () => {
    await storage.putObject('a/b/c.json', '{}');
    await writeFile(join(dir, 'a', 'b', 'notes.txt'), 'placed by another tool');
    await storage.deleteObject('a/b/c.json');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['notes.txt']);
    await rm(join(dir, 'a', 'b', 'notes.txt'));
    // Left empty (as by a crash between the unlink and the clean-up): deleting the key again clears it.
    await storage.deleteObject('a/b/c.json');
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets writes and deletes race in one folder: every write lands, the folder goes with the last object', async () => {
    const rounds = 150;
    // Two writers in one folder, each writing, reading back and deleting its own key: a delete
    // often empties the folder (and removes it) right while the other writer is making it.
    const writer = async (name: string) => {
      for (let i = 0; i < rounds; i++) {
        await storage.putObject(`race/${name}`, `${name}${i}`);
        expect(await readFile(join(dir, 'race', name), 'utf8')).toBe(`${name}${i}`);
        await storage.deleteObject(`race/${name}`);
      }
    };
    await Promise.all([writer('a'), writer('b'), writer('c')]);
    expect(await readdir(dir)).toEqual([]);
    // And a write racing the delete of the folder's only other object, round after round.
    for (let i = 0; i < rounds; i++) {
      await storage.putObject('pair/old', 'x');
      await Promise.all([storage.putObject('pair/new', `v${i}`), storage.deleteObject('pair/old')]);
      expect(await storage.listPrefix('pair/')).toEqual(['pair/new']);
      await storage.deleteObject('pair/new');
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('returns null for a missing root directory and creates it on first write', async () => {
    const fresh = new FileSystemLongTermStorage(join(dir, 'not', 'yet'));
    expect(await fresh.getObject('k')).toBeNull();
    expect(await fresh.listPrefix('')).toEqual([]);
    await fresh.putObject('k', 'v');
    expect(await fresh.listPrefix('')).toEqual(['k']);
  });

  it('refuses a name over 237 bytes as invalid input naming the key, on every operation, and stores one at the limit', async () => {
    // A valid 300-character user id reached the filesystem as ENAMETOOLONG: a 502 storage fault (HTTP fuzzer).
    const long = `profiles/${'u'.repeat(300)}.json`;
    for (const op of [
      () => storage.getObject(long),
      () => storage.headObject(long),
      () => storage.putObject(long, '{}'),
      () => storage.deleteObject(long),
    ]) {
      const error = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).details).toMatchObject({ field: 'key', nameBytes: 305, maxNameBytes: 237 });
      expect((error as Error).message).toContain('use a shorter id');
    }
    // Multi-byte: 79 × 3 bytes = 237 is the limit; one more character is over it.
    const atLimit = `profiles/${'用'.repeat(79)}`;
    await storage.putObject(atLimit, 'v');
    expect(new TextDecoder().decode((await storage.getObject(atLimit))!)).toBe('v');
    expect(await storage.headObject(atLimit)).not.toBeNull();
    await expect(storage.putObject(`profiles/${'用'.repeat(80)}`, 'v')).rejects.toThrow(/240 bytes/);
    expect(await readdir(dir)).toEqual(['profiles']);
  });

  it('keeps the root absolute when given a relative path', () => {
    expect(new FileSystemLongTermStorage('rel/dir').rootDir).toBe(join(process.cwd(), 'rel', 'dir'));
    expect(() => new FileSystemLongTermStorage('')).toThrow(InvalidInputError);
  });
});
