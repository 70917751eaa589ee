import type { MemoryDb } from '@memory/db';
import { InvalidInputError } from '@memory/errors';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { describe, expect, it } from 'vitest';
import { createArchiver } from './create-archiver.js';
import { archiveObjectKeys } from './object-layout.js';

// A database that must never be reached: input checks come before any statement.
const unreachable = {
  scope: () => Promise.reject(new Error('database reached')),
  fork: () => {
    throw new Error('database reached');
  },
} as unknown as MemoryDb;

describe('createArchiver input checks', () => {
  const storage = new InMemoryLongTermStorage();

  it('needs a database and a storage', () => {
    expect(() => createArchiver({ db: undefined as unknown as MemoryDb, storage })).toThrow(/needs options.db/);
    expect(() => createArchiver({ db: unreachable, storage: {} as never })).toThrow(/needs options.storage/);
  });

  it('fills in and checks the policy', () => {
    expect(createArchiver({ db: unreachable, storage }).policy).toEqual({
      coldAfterDays: 7,
      deepAfterDays: 180,
      deleteAfterDays: 1095,
    });
    expect(createArchiver({ db: unreachable, storage, policy: { coldAfterDays: 1 } }).policy.coldAfterDays).toBe(1);
    expect(() => createArchiver({ db: unreachable, storage, policy: { deepAfterDays: 3 } })).toThrow(InvalidInputError);
  });

  it('refuses a bad batch size, now or session id before touching the database', async () => {
    const archiver = createArchiver({ db: unreachable, storage });
    for (const batchSize of [0, -1, 1.5, 10_001, Number.NaN]) {
      await expect(archiver.runArchive({ batchSize })).rejects.toThrow(/batchSize must be an integer/);
    }
    for (const concurrency of [0, 33, 2.5]) {
      await expect(archiver.runArchive({ concurrency })).rejects.toThrow(/concurrency must be an integer/);
    }
    await expect(archiver.runArchive({ now: new Date('x') })).rejects.toThrow(/now must be a valid Date/);
    await expect(archiver.planArchive({ now: 'yesterday' as unknown as Date })).rejects.toThrow(InvalidInputError);
    await expect(archiver.restoreSession('../../etc')).rejects.toThrow(/must be a UUID/);
    await expect(
      archiver.restoreSession('9f1c2d3e-0000-4000-8000-00000000abcd', { now: new Date(Number.NaN) }),
    ).rejects.toThrow(InvalidInputError);
  });
});

describe('object layout', () => {
  it('puts an export under the conversations archive prefix, lower-cased', () => {
    expect(archiveObjectKeys('9F1C2D3E-0000-4000-8000-00000000ABCD')).toEqual({
      prefix: 'archive/9f1c2d3e-0000-4000-8000-00000000abcd/',
      messages: 'archive/9f1c2d3e-0000-4000-8000-00000000abcd/messages.jsonl.gz',
      summaries: 'archive/9f1c2d3e-0000-4000-8000-00000000abcd/summaries.jsonl.gz',
      manifest: 'archive/9f1c2d3e-0000-4000-8000-00000000abcd/manifest.json',
    });
    expect(() => archiveObjectKeys('../profiles')).toThrow(InvalidInputError);
  });
});
