import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationStore } from '@memory/conversations';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { MemoryError } from '@memory/errors';
import { mountSmallFilesystem, type SmallFilesystem } from './small-filesystem.js';

const canMount = process.getuid?.() === 0;

/**
 * Disk full under PGlite's data folder, on a real 128 MiB tmpfs. Needs root for the mount;
 * skipped with that reason otherwise.
 */
describe.skipIf(!canMount)(
  `disk full: PGlite data folder on a tmpfs${canMount ? '' : ' (skipped: mounting needs root)'}`,
  () => {
    let fs: SmallFilesystem;
    let db: MemoryDb | undefined;
    beforeAll(async () => {
      fs = await mountSmallFilesystem(128 * 1024 * 1024);
    });
    afterAll(async () => {
      await db?.close().catch(() => undefined);
      await fs?.unmount();
    });

    it('refuses appends with a typed error when the disk is full, stores none of a failed batch, and appends again after space returns', async () => {
      db = createMemoryDb({ url: `pglite://${fs.dir}/data`, embeddingDimensions: 3 });
      await db.initDb();
      const store = createConversationStore(db);
      const session = await store.createSession({ userId: 'disk-user' });
      const acked: string[] = [];
      await store.appendMessages(session.id, [{ id: randomUUID(), role: 'user', content: 'before' }]);
      await fs.fill(1024 * 1024);

      // Incompressible content, so TOAST cannot shrink it: the disk runs out within a few batches.
      let error: unknown;
      const failedBatch: string[] = [];
      for (let i = 0; i < 200 && !error; i++) {
        const batch = Array.from({ length: 4 }, () => ({
          id: randomUUID(),
          role: 'user' as const,
          content: randomBytes(48 * 1024).toString('base64'),
        }));
        try {
          await store.appendMessages(session.id, batch);
          acked.push(...batch.map((m) => m.id));
        } catch (e) {
          error = e;
          failedBatch.push(...batch.map((m) => m.id));
        }
      }
      expect(error, 'the disk never filled up').toBeDefined();
      expect(MemoryError.isInstance(error), `untyped: ${String((error as Error)?.stack ?? error)}`).toBe(true);
      console.log(`[pglite-disk-full] ${acked.length} messages acknowledged before: ${(error as Error).message}`);

      await fs.free();
      // Space is back: the same instance appends again (retrying the failed batch by id), and
      // every acknowledged message is there exactly once, none of the failed batch twice.
      await store.appendMessages(session.id, [{ id: randomUUID(), role: 'user', content: 'after' }]);
      const rows = await db.execute<{ id: string }>('select id::text as id from messages where session_id = ?', [
        session.id,
      ]);
      const ids = rows.map((r) => r.id);
      for (const id of acked) expect(ids.filter((x) => x === id)).toHaveLength(1);
      const failedStored = failedBatch.filter((id) => ids.includes(id));
      expect([0, failedBatch.length]).toContain(failedStored.length); // a batch is all or nothing
    });
  },
);
