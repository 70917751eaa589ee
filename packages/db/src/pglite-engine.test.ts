import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigurationError } from '@memory/errors';
import { Session } from '@memory/models';
import { describe, expect, it } from 'vitest';
import { createMemoryDb } from './memory-db.js';
import { PGLITE_PACKAGES } from './pglite-engine.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

/** Runs without-pglite.ts in a Node process where the PGlite packages cannot be found. */
async function withoutPglite(
  mode: 'postgres' | 'pglite',
): Promise<{ out: Record<string, unknown>; blocked: string[] }> {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      '--conditions=@memory/source',
      '--import',
      import.meta.resolve('tsx'),
      '--import',
      fixture('block-pglite.mjs'),
      fixture('without-pglite.ts'),
      mode,
    ],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000 },
  );
  const blocked = [...stderr.matchAll(/^blocked-import (\S+)$/gm)].map((m) => m[1]!);
  return { out: JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>, blocked };
}

describe('the embedded engine is optional', () => {
  it('a PostgreSQL database never loads the PGlite packages', async () => {
    const { out, blocked } = await withoutPglite('postgres');
    expect(out).toEqual({ kind: 'postgres', orm: 'function' });
    expect(blocked).toEqual([]);
  });

  it('a pglite:// URL without them fails with a ConfigurationError naming the packages to add', async () => {
    const { out, blocked } = await withoutPglite('pglite');
    expect(blocked.length).toBeGreaterThan(0);
    expect(out.name).toBe('ConfigurationError');
    expect(out.message).toMatch(/pglite:\/\/ URLs need the embedded engine/);
    for (const name of PGLITE_PACKAGES) expect(out.message).toContain(name);
    expect((out.details as { missingPackages: string[] }).missingPackages.length).toBeGreaterThan(0);
    expect(out.ormError).toBe('ConfigurationError');
  });
});

describe('loading the engine', () => {
  // This file's module registry starts without the engine loaded (vitest isolates test files).
  it('is awaited by the async calls; the sync ones say to await ready() until it is loaded', async () => {
    const first = createMemoryDb({ url: 'pglite://memory', embeddingDimensions: 3 });
    try {
      expect(() => first.fork()).toThrow(ConfigurationError);
      expect(() => first.orm).toThrow(/still loading: await db.ready\(\)/);
      await first.ready();
      expect(typeof first.fork().find).toBe('function');
      await first.initDb();
      const id = await first.scope((em) => em.create(Session, { title: 'loaded' }).id);
      expect((await first.fork().findOneOrFail(Session, id)).title).toBe('loaded');

      // Once loaded in the process, later databases are usable at once.
      const second = createMemoryDb({ url: 'pglite://memory', embeddingDimensions: 3 });
      try {
        expect(typeof second.fork().find).toBe('function');
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});
