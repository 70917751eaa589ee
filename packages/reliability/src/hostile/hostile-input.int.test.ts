import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationStore, type ConversationStore } from '@memory/conversations';
import { createMemoryDb, type MemoryDb } from '@memory/db';
import { InvalidInputError, MemoryError } from '@memory/errors';
import { FileSystemLongTermStorage, knowledgeKey, profileKey } from '@memory/longterm-core';
import { loadKnowledgeTriples, loadUserProfile, parseProfile, parseTriples } from '@memory/semantics';
import { ciProfile } from '../profile.js';

const RUNS = ciProfile({ ci: 60, full: 400 });

/** Strings an attacker or a broken client sends: SQL, traversal, NUL, lone surrogates, huge, odd Unicode. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "'; drop table sessions; --",
    "' or '1'='1",
    '../../etc/passwd',
    '..\\..\\windows',
    '/absolute/key',
    'a/../../b',
    '%2e%2e%2f',
    'nul\u0000byte',
    'lone \ud800 surrogate',
    'lone \udfff low',
    '\u202eRTL',
    '',
    ' ',
    '.memory-meta.x.json',
    'x'.repeat(70_000),
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** JSON with deep nesting, edge numbers and hostile strings. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e308, 5e-324, 2 ** 53 + 1, NaN, Infinity),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function deep(n: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = { d: v };
  return v;
}

/** An error is acceptable when it is typed; a refusal of input names the field (details.field or the message). */
function checkRejection(error: unknown): void {
  expect(MemoryError.isInstance(error), `untyped: ${String((error as Error)?.stack ?? error)}`).toBe(true);
  if (InvalidInputError.isInstance(error)) {
    const field = (error.details as { field?: unknown } | undefined)?.field;
    const named =
      (typeof field === 'string' && field.length > 0) ||
      /userId|sessionId|title|metadata|content|role|id\b|model|key|messages|embedding|limit|cursor|topK|vector|profile|knowledge|line/i.test(
        error.message,
      );
    expect(named, `a refusal that names no field: ${error.message}`).toBe(true);
  }
}

async function settle(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    checkRejection(error);
  }
}

describe('hostile input to the conversation store (PGlite)', () => {
  let db: MemoryDb;
  let store: ConversationStore;
  let session: string;
  beforeAll(async () => {
    db = createMemoryDb({ url: 'pglite://memory', embeddingDimensions: 3 });
    await db.initDb();
    store = createConversationStore(db);
    session = (await store.createSession({ userId: 'hostile-owner' })).id;
  });
  afterAll(() => db?.close());

  it('createSession, getSession, listSessions: typed refusals only, tables intact', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, hostileJson, async (userId, title, metadata) => {
        await settle(() => store.createSession({ userId, title, metadata: metadata as Record<string, unknown> }));
        await settle(() => store.getSession(userId));
        await settle(() => store.listSessions({ userId }));
      }),
      { numRuns: RUNS },
    );
    await settle(() => store.createSession({ userId: 'deep', metadata: { x: deep(5000) } }));
    expect(await db.execute(`select count(*)::int as n from sessions where user_id = 'hostile-owner'`)).toEqual([
      { n: 1 },
    ]);
  });

  it('appendMessages, getHistory, searchMessages: typed refusals only', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileString,
        hostileString,
        fc.oneof(hostileString, fc.constantFrom('user', 'assistant')),
        fc.option(fc.array(fc.double(), { maxLength: 4 })),
        async (id, content, role, embedding) => {
          await settle(() =>
            store.appendMessages(session, [{ id, role: role as 'user', content, embedding: embedding ?? undefined }]),
          );
          await settle(() => store.appendMessages(id, [{ role: 'user', content }]));
          await settle(() => store.getHistory(id));
          await settle(() => store.searchMessages({ vector: embedding ?? [1, 0, 0], sessionId: id }));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('hostile keys and objects on the filesystem backend', () => {
  let base: string;
  let root: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'memory-hostile-'));
    root = join(base, 'store');
    await mkdir(root);
    await mkdir(join(base, 'outside'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('never writes outside the root, whatever the key or user id', async () => {
    const storage = new FileSystemLongTermStorage(root);
    await fc.assert(
      fc.asyncProperty(hostileString, async (id) => {
        await settle(() => storage.putObject(id, 'x'));
        await settle(async () => storage.putObject(profileKey(id), '{}'));
        await settle(async () => storage.putObject(knowledgeKey(id), '[]'));
        await settle(() => loadUserProfile(storage, id));
      }),
      { numRuns: RUNS },
    );
    expect(await readdir(join(base, 'outside'))).toEqual([]);
    expect((await readdir(base)).sort()).toEqual(['outside', 'store']);
  });

  it('refuses hostile object formats with typed errors: a profile that is an array, invalid UTF-8, broken JSONL', async () => {
    const storage = new FileSystemLongTermStorage(root);
    await storage.putObject(profileKey('arr'), '[1,2,3]');
    await settle(() => loadUserProfile(storage, 'arr'));
    await expect(loadUserProfile(storage, 'arr')).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    await storage.putObject(profileKey('utf8'), Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
    await settle(() => loadUserProfile(storage, 'utf8'));
    await storage.putObject(knowledgeKey('jsonl'), '["a","b","c"]\n{not json\n["d","e","f"]\n');
    await expect(loadKnowledgeTriples(storage, 'jsonl')).rejects.toSatisfy((e) => InvalidInputError.isInstance(e));
    expect(await loadKnowledgeTriples(storage, 'jsonl', { tolerant: true })).toHaveLength(2);
    await fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const parse of [
          () => parseProfile(bytes, { key: 'profiles/u.json' }),
          () => parseTriples(bytes, { key: 'knowledge/u.jsonl' }),
        ]) {
          try {
            parse();
          } catch (error) {
            checkRejection(error);
          }
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
