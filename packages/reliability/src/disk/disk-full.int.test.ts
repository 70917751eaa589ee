import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '@memory/errors';
import { FileSystemLongTermStorage, profileKey } from '@memory/longterm-core';
import { loadUserProfile, updateUserProfile } from '@memory/semantics';
import { listAll, mountSmallFilesystem, type SmallFilesystem } from './small-filesystem.js';

const canMount = process.getuid?.() === 0;

/**
 * Disk full on a real 2 MiB tmpfs for the filesystem backend. Needs root for the mount; without
 * it the suite is skipped with that reason (no mocked fs).
 */
describe.skipIf(!canMount)(
  `disk full: FileSystemLongTermStorage on a 2 MiB tmpfs${canMount ? '' : ' (skipped: mounting needs root)'}`,
  () => {
    let fs: SmallFilesystem;
    beforeAll(async () => {
      fs = await mountSmallFilesystem(2 * 1024 * 1024);
    });
    afterAll(() => fs?.unmount());

    it('fails a write with a typed error, leaves the old object and no temp file, and writes again once space returns', async () => {
      const storage = new FileSystemLongTermStorage(fs.dir);
      const user = 'disk-user';
      const big = (n: number) => ({ communication_style: 'x'.repeat(n) });
      await updateUserProfile(storage, user, (p) => {
        p.traits = big(50_000);
      });
      const before = await storage.getObject(profileKey(user));
      const filesBefore = await listAll(fs.dir);
      await fs.fill(16 * 1024);

      const error = await updateUserProfile(storage, user, (p) => {
        p.traits = big(400_000);
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(MemoryError.isInstance(error), `untyped: ${String((error as Error)?.stack ?? error)}`).toBe(true);
      expect((error as Error).message).toContain('profiles/disk-user.json');
      expect((error as Error).message).toMatch(/ENOSPC|no space/i);
      // Nothing half-written: the old bytes are still served, and no temp file is left taking space.
      expect(await storage.getObject(profileKey(user))).toEqual(before);
      expect((await listAll(fs.dir)).filter((f) => f !== 'filler.bin')).toEqual(filesBefore);

      await fs.free();
      await updateUserProfile(storage, user, (p) => {
        p.traits = big(400_000);
      });
      expect((await loadUserProfile(storage, user))?.traits?.communication_style).toHaveLength(400_000);
    });
  },
);
