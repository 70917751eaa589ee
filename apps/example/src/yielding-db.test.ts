import type { MemoryDb } from '@memory/db';
import { describe, expect, it } from 'vitest';
import { yieldingDb } from './yielding-db.js';

describe('yieldingDb', () => {
  it('lets timers run between transactions of a loop that never waits for I/O', async () => {
    // A stand-in for PGlite: scope() resolves without any I/O.
    const db = { kind: 'pglite', scope: async <T>(fn: (em: never) => T) => fn(undefined as never) } as unknown as MemoryDb;
    const run = async (target: MemoryDb) => {
      let fired = false;
      const timer = setTimeout(() => (fired = true), 0);
      let batchesBeforeTimer = 0;
      for (let i = 0; i < 200 && !fired; i++) {
        await target.scope(async () => undefined);
        batchesBeforeTimer++;
      }
      clearTimeout(timer);
      return batchesBeforeTimer;
    };
    expect(await run(db)).toBe(200);
    expect(await run(yieldingDb(db))).toBeLessThan(200);
  });

  it('passes everything else through to the database', () => {
    const db = {
      kind: 'pglite',
      url: 'pglite://memory',
      // A method that needs its own `this`, like MikroMemoryDb's private fields do.
      close(this: { url: string }) {
        return this.url;
      },
    } as unknown as MemoryDb;
    const wrapped = yieldingDb(db);
    expect(wrapped.kind).toBe('pglite');
    expect(wrapped.close()).toBe('pglite://memory');
  });
});
