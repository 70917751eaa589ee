import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, InvalidInputError, UnsupportedError } from '@memory/errors';
import {
  FileSystemLongTermStorage,
  InMemoryLongTermStorage,
  knowledgeKey,
  profileKey,
  type LongTermStorage,
} from '@memory/longterm-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLostUpdates } from '../test/concurrency.js';
import {
  addKnowledgeTriples,
  loadKnowledgeTriples,
  loadUserProfile,
  loadUserProfileVersioned,
  saveKnowledgeTriples,
  saveUserProfile,
  updateUserProfile,
} from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const backends: Array<[string, () => Promise<LongTermStorage>]> = [
  ['in-memory', async () => new InMemoryLongTermStorage()],
  [
    'filesystem',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'memory-semantics-'));
      dirs.push(dir);
      return new FileSystemLongTermStorage(dir);
    },
  ],
];

describe.each(backends)('load and save on %s', (_name, make) => {
  it('saves and loads as the original did, under the original keys', async () => {
    const storage = await make();
    expect(await loadUserProfile(storage, '中文用户')).toBeNull();
    expect(await loadKnowledgeTriples(storage, '中文用户')).toEqual([]);
    await saveUserProfile(storage, '中文用户', { user_id: '中文用户', traits: { communication_style: '简洁' } });
    await saveKnowledgeTriples(storage, '中文用户', [
      ['用户', '使用', 'BOS'],
      ['用户', '部署', 'AI服务'],
    ]);
    expect(new TextDecoder().decode((await storage.getObject('profiles/中文用户.json'))!)).toBe(
      '{"user_id": "中文用户", "traits": {"communication_style": "简洁"}}',
    );
    expect(new TextDecoder().decode((await storage.getObject('knowledge/中文用户.jsonl'))!)).toBe(
      '["用户", "使用", "BOS"]\n["用户", "部署", "AI服务"]',
    );
    expect(await loadUserProfile(storage, '中文用户')).toEqual({
      user_id: '中文用户',
      traits: { communication_style: '简洁' },
    });
    expect(await loadKnowledgeTriples(storage, '中文用户')).toEqual([
      ['用户', '使用', 'BOS'],
      ['用户', '部署', 'AI服务'],
    ]);
  });

  it('refuses objects over the read limits (4 MiB profile, 64 MiB knowledge by default) on every read path', async () => {
    const storage = await make();
    const profile = `{"user_id": "big", "traits": {}, "notes": "${'n'.repeat(4 * 1024 * 1024)}"}`;
    await storage.putObject(profileKey('big'), profile);
    const tooLarge = (e: unknown) =>
      InvalidInputError.isInstance(e) &&
      /profiles\/big\.json" is \d+ bytes, over the read limit of 4194304 bytes/.test((e as Error).message);
    await expect(loadUserProfile(storage, 'big')).rejects.toSatisfy(tooLarge);
    await expect(loadUserProfileVersioned(storage, 'big')).rejects.toSatisfy(tooLarge);
    if (storage.capabilities.conditionalWrites)
      await expect(updateUserProfile(storage, 'big', () => undefined)).rejects.toSatisfy(tooLarge);
    expect((await loadUserProfile(storage, 'big', { maxObjectBytes: 5 * 1024 * 1024 }))?.user_id).toBe('big');

    await saveKnowledgeTriples(storage, 'k', [['a', 'b', 'c'.repeat(100)]]);
    const small = { maxObjectBytes: 50 };
    const limited = (e: unknown) => InvalidInputError.isInstance(e) && (e as InvalidInputError).details.maxBytes === 50;
    await expect(loadKnowledgeTriples(storage, 'k', small)).rejects.toSatisfy(limited);
    if (storage.capabilities.conditionalWrites)
      await expect(addKnowledgeTriples(storage, 'k', [['x', 'y', 'z']], small)).rejects.toSatisfy(limited);
    await expect(loadKnowledgeTriples(storage, 'k', { maxLineBytes: 50 })).rejects.toThrow(/line 1 is 114 bytes/);
    expect(await loadKnowledgeTriples(storage, 'k')).toHaveLength(1);
  });

  it('honours save preconditions', async () => {
    const storage = await make();
    const { etag } = await saveUserProfile(storage, 'u1', { user_id: 'u1' }, { ifNoneMatch: '*' });
    await expect(saveUserProfile(storage, 'u1', { user_id: 'u1' }, { ifNoneMatch: '*' })).rejects.toThrow(
      ConflictError,
    );
    await saveUserProfile(storage, 'u1', { user_id: 'u1', traits: {} }, { ifMatch: etag });
    await expect(saveUserProfile(storage, 'u1', { user_id: 'u1' }, { ifMatch: etag })).rejects.toThrow(ConflictError);
  });

  it('reads a profile with the etag that guards saving over exactly that version', async () => {
    const storage = await make();
    expect(await loadUserProfileVersioned(storage, 'u9')).toEqual({ profile: null, etag: null });
    const { etag } = await saveUserProfile(storage, 'u9', { user_id: 'u9', traits: { emotional_tone: '平和' } });
    const read = await loadUserProfileVersioned(storage, 'u9');
    expect(read).toEqual({ profile: { user_id: 'u9', traits: { emotional_tone: '平和' } }, etag });
    await saveUserProfile(storage, 'u9', { user_id: 'u9', traits: {} }, { ifMatch: read.etag! });
    // The version read before that save is stale now.
    await expect(saveUserProfile(storage, 'u9', { user_id: 'u9' }, { ifMatch: read.etag! })).rejects.toThrow(
      ConflictError,
    );
  });

  it('loses no update when twenty writers change one user at once', async () => {
    await expectNoLostUpdates(await make(), 'u-concurrent');
  });
});

describe('updateUserProfile', () => {
  it('starts a missing profile with the user id and keeps unknown keys of an existing one', async () => {
    const storage = new InMemoryLongTermStorage();
    const first = await updateUserProfile(storage, 'u1', (p) => {
      p.traits!.emotional_tone = 'calm';
    });
    expect(first.profile).toEqual({ user_id: 'u1', traits: { emotional_tone: 'calm' } });
    await storage.putObject(profileKey('u1'), '{"user_id":"u1","plan":"pro","traits":{"x":1}}');
    const second = await updateUserProfile(storage, 'u1', (p) => ({
      ...p,
      traits: { ...p.traits, decision_making: 'fast' },
    }));
    expect(await loadUserProfile(storage, 'u1')).toEqual({
      user_id: 'u1',
      plan: 'pro',
      traits: { x: 1, decision_making: 'fast' },
    });
    expect(second.attempts).toBe(1);
  });

  it('gives up with a typed ConflictError after the bound when another writer always wins', async () => {
    const inner = new InMemoryLongTermStorage();
    let n = 0;
    // Each time our update has read, someone else writes first.
    const racing: LongTermStorage = {
      capabilities: inner.capabilities,
      getObject: (key) => inner.getObject(key),
      headObject: (key) => inner.headObject(key),
      deleteObject: (key) => inner.deleteObject(key),
      listPrefix: (prefix) => inner.listPrefix(prefix),
      iteratePrefix: (prefix) => inner.iteratePrefix(prefix),
      putObject: async (key, body, options) => {
        await inner.putObject(key, `{"user_id":"other","n":${n++}}`);
        return inner.putObject(key, body, options);
      },
    };
    const error = await updateUserProfile(racing, 'u1', () => {}, { maxAttempts: 4, baseDelayMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/profiles\/u1\.json was changed by another writer on each of 4 attempts/);
    expect(n).toBe(4);
  });

  it('refuses a backend without conditional writes instead of risking lost updates', async () => {
    const storage = new InMemoryLongTermStorage({ conditionalWrites: false });
    await expect(updateUserProfile(storage, 'u1', () => {})).rejects.toThrow(UnsupportedError);
    await expect(addKnowledgeTriples(storage, 'u1', [['a', 'b', 'c']])).rejects.toThrow(UnsupportedError);
  });

  it('refuses a result the profile schema rejects, writing nothing', async () => {
    const storage = new InMemoryLongTermStorage();
    await expect(
      updateUserProfile(storage, 'u1', (p) => ({ ...p, traits: { preferred_topics: 3 } as never })),
    ).rejects.toThrow(InvalidInputError);
    expect(await storage.getObject(profileKey('u1'))).toBeNull();
  });
});

describe('addKnowledgeTriples', () => {
  it('drops duplicates after NFKC, case and whitespace folding, and writes nothing when nothing is new', async () => {
    const storage = new InMemoryLongTermStorage();
    await saveKnowledgeTriples(storage, 'u1', [['User', 'uses', 'PostgreSQL 16']]);
    const r = await addKnowledgeTriples(storage, 'u1', [
      ['user', ' USES ', 'ＰｏｓｔｇｒｅＳＱＬ　16'],
      ['user', 'uses', 'Redis'],
      ['USER', 'uses', 'redis'],
    ]);
    expect(r).toMatchObject({ added: 1, duplicates: 2, superseded: 0 });
    const stored = await loadKnowledgeTriples(storage, 'u1');
    expect(stored.map((t) => t.slice(0, 3))).toEqual([
      ['User', 'uses', 'PostgreSQL 16'],
      ['user', 'uses', 'Redis'],
    ]);
    const before = await storage.headObject(knowledgeKey('u1'));
    const again = await addKnowledgeTriples(storage, 'u1', [['user', 'uses', 'redis']]);
    expect(again).toMatchObject({ added: 0, duplicates: 1, etag: before!.etag });
  });

  it('keeps a superseded single-valued fact with an end time, and stamps time and source', async () => {
    const storage = new InMemoryLongTermStorage();
    await addKnowledgeTriples(storage, 'u1', [['用户', '住在', '北京']], {
      now: new Date('2025-01-01T00:00:00Z'),
      metadata: { sessionId: 's1' },
    });
    const r = await addKnowledgeTriples(storage, 'u1', [['用户', '住在', '上海']], {
      singleValued: ['住在'],
      now: new Date('2026-03-01T00:00:00Z'),
      metadata: { sessionId: 's2', messageId: 'm9' },
    });
    expect(r).toMatchObject({ added: 1, superseded: 1 });
    expect(await loadKnowledgeTriples(storage, 'u1')).toEqual([
      [
        '用户',
        '住在',
        '北京',
        { sessionId: 's1', time: '2025-01-01T00:00:00.000Z', endTime: '2026-03-01T00:00:00.000Z' },
      ],
      ['用户', '住在', '上海', { sessionId: 's2', messageId: 'm9', time: '2026-03-01T00:00:00.000Z' }],
    ]);
    // The original reader still sees plain triples: the first three elements of each line.
    const lines = new TextDecoder().decode((await storage.getObject(knowledgeKey('u1')))!).split('\n');
    expect(lines.map((l) => (JSON.parse(l) as string[]).slice(0, 3))).toEqual([
      ['用户', '住在', '北京'],
      ['用户', '住在', '上海'],
    ]);
  });
});
