import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, MemoryError } from '@memory/errors';
import { FileSystemLongTermStorage } from '@memory/longterm-core';
import { loadKnowledgeTriples, loadUserProfile } from '@memory/semantics';
import { ciProfile } from '../profile.js';

const MB = 1024 * 1024;
const LINE_MB = ciProfile({ ci: 100, full: 100 });

/** Peak resident set of this process so far, in MiB (the kernel's high-water mark). */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/**
 * Objects from hostile writers in the original's formats, read through the filesystem backend:
 * the file is written straight to disk, as another tool would. Each read ends in a typed error
 * whose message stays short (never the object's content), and the peak memory it took is
 * reported (docs/reliability.md): no size limit exists yet, so memory grows with the object.
 */
describe('hostile objects: huge lines and wrong shapes', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'memory-huge-'));
    await mkdir(join(root, 'knowledge'));
    await mkdir(join(root, 'profiles'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('refuses a profile that is a JSON array, or a huge JSON array, with a typed error', async () => {
    const storage = new FileSystemLongTermStorage(root);
    await writeFile(join(root, 'profiles', 'arr.json'), '[{"user_id":"arr","traits":{}}]');
    const small = await loadUserProfile(storage, 'arr').catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(small)).toBe(true);
    await writeFile(join(root, 'profiles', 'big.json'), `[${'1,'.repeat(10 * MB)}1]`);
    const before = peakRssMb();
    const big = await loadUserProfile(storage, 'big').catch((e: unknown) => e);
    const grew = peakRssMb() - before;
    expect(MemoryError.isInstance(big)).toBe(true);
    expect((big as Error).message.length).toBeLessThan(2000);
    console.log(
      `[huge-objects] 20 MB profile that is an array: ${(big as Error).message.slice(0, 160)}; peak RSS grew ${grew.toFixed(0)} MiB`,
    );
  });

  it(`refuses a knowledge file whose one line is ${LINE_MB} MB of non-JSON with a short typed error`, async () => {
    const storage = new FileSystemLongTermStorage(root);
    const line = Buffer.alloc(LINE_MB * MB, 0x78); // 'xxxx…'
    line[0] = 0x5b; // '['
    await writeFile(join(root, 'knowledge', 'huge.jsonl'), Buffer.concat([Buffer.from('["a","b","c"]\n'), line]));
    const before = peakRssMb();
    const error = await loadKnowledgeTriples(storage, 'huge').then(
      () => undefined,
      (e: unknown) => e,
    );
    const grew = peakRssMb() - before;
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('knowledge/huge.jsonl');
    expect((error as Error).message.length).toBeLessThan(2000);
    console.log(
      `[huge-objects] ${LINE_MB} MB JSONL line: ${(error as Error).message.slice(0, 160)}; peak RSS grew ${grew.toFixed(0)} MiB`,
    );
  });
});
