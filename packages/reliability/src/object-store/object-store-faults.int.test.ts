import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '@memory/errors';
import { knowledgeKey, profileKey, type LongTermStorage } from '@memory/longterm-core';
import { createBosStorage } from '@memory/longterm-bos';
import { createS3Storage } from '@memory/longterm-s3';
import { startS3TestServer } from '@memory/longterm-s3/testing';
import {
  addKnowledgeTriples,
  loadKnowledgeTriples,
  loadUserProfile,
  parseProfile,
  saveKnowledgeTriples,
  saveUserProfile,
  updateUserProfile,
} from '@memory/semantics';
import { startBosFixture } from '../../../longterm-bos/test/fixture/bos-fixture-server.js';
import { startFaultProxy, type FaultAction, type FaultProxy } from '../fault-proxy.js';
import { ciProfile } from '../profile.js';

const REQUEST_TIMEOUT_MS = 400;
const profile = ciProfile({ ci: { chaosRounds: 12, writers: 3 }, full: { chaosRounds: 40, writers: 4 } });

interface Backend {
  name: string;
  /** Storage through the fault proxy. */
  storage: LongTermStorage;
  /** Storage straight to the server, to check what is really stored. */
  direct: LongTermStorage;
  proxy: FaultProxy;
  secrets: string[];
  /** Compare-and-swap writes (`ifMatch`): S3 yes, BOS no (one writer at a time there). */
  conditional: boolean;
  close(): Promise<void>;
}

/** Adds a topic to the profile: with compare-and-swap where the backend has it, else load → save. */
async function addTopic(b: Backend, user: string, topic: string): Promise<void> {
  if (b.conditional) {
    await updateUserProfile(
      b.storage,
      user,
      (p) => {
        const topics = Array.isArray(p.traits?.preferred_topics) ? p.traits.preferred_topics : [];
        p.traits = { ...p.traits, preferred_topics: [...topics, topic] };
      },
      { maxAttempts: 20 },
    );
    return;
  }
  const p = (await loadUserProfile(b.storage, user)) ?? { user_id: user, traits: {} };
  const topics = Array.isArray(p.traits?.preferred_topics) ? p.traits.preferred_topics : [];
  await saveUserProfile(b.storage, user, { ...p, traits: { ...p.traits, preferred_topics: [...topics, topic] } });
}

/** Adds one triple: `addKnowledgeTriples` where the backend has compare-and-swap, else load → save. */
async function addTriple(b: Backend, user: string, triple: [string, string, string]): Promise<void> {
  if (b.conditional) {
    await addKnowledgeTriples(b.storage, user, [triple], { maxAttempts: 20 });
    return;
  }
  const triples = await loadKnowledgeTriples(b.storage, user);
  await saveKnowledgeTriples(b.storage, user, [...triples, triple]);
}

async function s3Backend(): Promise<Backend> {
  const server = await startS3TestServer({ buckets: ['faults'] });
  const proxy = await startFaultProxy(server.endpoint);
  const opts = { bucket: 'faults', accessKey: server.accessKey, secretKey: server.secretKey, prefix: 'tenant/' };
  return {
    name: 'S3 (SigV4 test server)',
    storage: createS3Storage({
      ...opts,
      endpointUrl: proxy.endpoint,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      maxAttempts: 3,
    }),
    direct: createS3Storage({ ...opts, endpointUrl: server.endpoint }),
    proxy,
    secrets: [server.secretKey],
    conditional: true,
    close: async () => {
      await proxy.close();
      await server.close();
    },
  };
}

async function bosBackend(): Promise<Backend> {
  const accessKey = 'fault-ak-0123456789';
  const secretKey = 'fault-sk-do-not-leak-9f8e7d';
  const fixture = await startBosFixture({ credentials: { [accessKey]: secretKey }, buckets: ['faults'] });
  const proxy = await startFaultProxy(fixture.endpoint);
  const opts = { bucket: 'faults', accessKey, secretKey, prefix: 'tenant' };
  return {
    name: 'BOS (fixture, BCE auth)',
    storage: createBosStorage({
      ...opts,
      endpoint: proxy.endpoint,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      maxAttempts: 3,
    }),
    direct: createBosStorage({ ...opts, endpoint: fixture.endpoint }),
    proxy,
    secrets: [secretKey],
    conditional: false,
    close: async () => {
      await proxy.close();
      await fixture.close();
    },
  };
}

/** Runs `fn`, returning the error it throws (or undefined). */
async function attempt(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Every error typed, naming what was being done, and free of the credentials. */
function checkError(error: unknown, secrets: string[]): void {
  expect(MemoryError.isInstance(error), `untyped: ${String((error as Error)?.stack ?? error)}`).toBe(true);
  const text = `${(error as Error).message} ${JSON.stringify((error as MemoryError).details ?? {})}`;
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/Signature=|bce-auth-v1\/[^/\s]+\/\d/);
  // The operation and the object are named.
  expect(text).toMatch(/get|put|head|read|writ|updat/i);
  expect(text).toMatch(/profiles\/|knowledge\//);
}

const onGet = (r: { method: string }) => r.method === 'GET';
const onPut = (r: { method: string }) => r.method === 'PUT';

describe.each([
  ['s3', s3Backend],
  ['bos', bosBackend],
] as const)('object store faults through a fault proxy: %s', (_label, make) => {
  let b: Backend;
  beforeAll(async () => {
    b = await make();
  });
  afterAll(() => b?.close());

  it('rides out 503 and 500 bursts shorter than the retry budget; a longer one is a typed error and changes nothing', async () => {
    const user = 'burst-user';
    b.proxy.inject({ action: { kind: 'status', status: 503 }, count: 2 });
    await addTopic(b, user, 't0');
    b.proxy.inject({ action: { kind: 'status', status: 500 }, count: 2, match: onPut });
    await addTopic(b, user, 't1');
    b.proxy.inject({ action: { kind: 'status', status: 503 }, count: 3, match: onPut });
    checkError(await attempt(() => addTopic(b, user, 'lost')), b.secrets);
    b.proxy.clear();
    expect((await loadUserProfile(b.direct, user))?.traits?.preferred_topics).toEqual(['t0', 't1']);
  });

  it('times out a response held past requestTimeoutMs and retries; a stall on every attempt is a typed error', async () => {
    const user = 'slow-user';
    await addTriple(b, user, ['用户', '喜欢', '茶']);
    b.proxy.inject({ action: { kind: 'delay', ms: REQUEST_TIMEOUT_MS * 3 }, count: 1, match: onGet });
    await addTriple(b, user, ['用户', '住在', '上海']);
    b.proxy.inject({ action: { kind: 'delay', ms: REQUEST_TIMEOUT_MS * 3 }, count: 3, match: onGet });
    checkError(await attempt(() => addTriple(b, user, ['用户', '会', '中文'])), b.secrets);
    b.proxy.clear();
    const stored = (await loadKnowledgeTriples(b.direct, user)).map((t) => t[2]);
    expect(stored).toEqual(['茶', '上海']);
  });

  it.each([
    ['reset mid-body', { kind: 'reset', bytes: 12 }],
    ['truncated download (clean close short of Content-Length)', { kind: 'truncate', bytes: 40 }],
  ] as const)('never returns, nor writes back, a list read from a %s', async (_name, action: FaultAction) => {
    const user = `cut-${action.kind}`;
    const triples = Array.from({ length: 20 }, (_, i) => ['用户', `关系${i}`, `值${i}`] as [string, string, string]);
    await saveKnowledgeTriples(b.direct, user, triples);
    const full = await loadKnowledgeTriples(b.direct, user);
    expect((await b.direct.headObject(knowledgeKey(user)))!.size).toBeGreaterThan(100);
    // The read itself: every attempt cut. A typed error, or (after a retry) the whole list; never a shorter one.
    b.proxy.inject({ action, count: 3, match: onGet });
    const read = await loadKnowledgeTriples(b.storage, user).catch((e: unknown) => e);
    b.proxy.clear();
    if (Array.isArray(read)) expect(read).toEqual(full);
    else checkError(read, b.secrets);
    // An update whose read is cut: it fails typed or goes through with the whole list.
    b.proxy.inject({ action, count: 1, match: onGet });
    const error = await attempt(() => addTriple(b, user, ['用户', '新', '值']));
    b.proxy.clear();
    if (error) checkError(error, b.secrets);
    const after = await loadKnowledgeTriples(b.direct, user);
    expect(after.slice(0, 20)).toEqual(full);
    expect(after.length).toBe(error ? 20 : 21);
    console.log(
      `[object-store-faults] ${b.name}, ${action.kind} of a GET: read ${Array.isArray(read) ? 'retried and whole' : `failed typed (${(read as Error).message.slice(0, 120)})`}; update ${error ? 'failed typed, nothing written' : 'retried, went through'}`,
    );
  });

  it('loses no acknowledged update and leaves no partial object under random faults, with concurrent writers', async () => {
    const user = 'chaos-user';
    const faults: FaultAction[] = [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 500 },
      { kind: 'delay', ms: REQUEST_TIMEOUT_MS * 2 },
      { kind: 'reset', bytes: 8 },
      { kind: 'truncate', bytes: 30 },
      { kind: 'drop-request' },
    ];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    b.proxy.setChaos(() => (random() < 0.25 ? faults[Math.floor(random() * faults.length)] : undefined));
    // Without compare-and-swap (BOS) concurrent read-modify-write loses updates by design: one writer there.
    const writers = b.conditional ? profile.writers : 1;
    const ackedTopics: string[] = [];
    const ackedTriples: string[] = [];
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < profile.chaosRounds; i++) {
          const topic = `w${w}-r${i}`;
          try {
            await addTopic(b, user, topic);
            ackedTopics.push(topic);
          } catch (error) {
            errors.push(error);
          }
          try {
            await addTriple(b, user, ['用户', `关系-${topic}`, topic]);
            ackedTriples.push(topic);
          } catch (error) {
            errors.push(error);
          }
        }
      }),
    );
    b.proxy.clear();
    for (const error of errors) checkError(error, b.secrets);
    // The stored objects are whole (they parse) and hold every acknowledged write.
    const profileBytes = await b.direct.getObject(profileKey(user));
    const stored = parseProfile(profileBytes!, { key: profileKey(user) });
    expect(stored.traits?.preferred_topics).toEqual(expect.arrayContaining(ackedTopics));
    const triples = await loadKnowledgeTriples(b.direct, user);
    expect(triples.map((t) => t[2])).toEqual(expect.arrayContaining(ackedTriples));
    const faulted = b.proxy.log.filter((l) => l.fault !== 'pass').length;
    expect(faulted).toBeGreaterThan(5);
    console.log(
      `[object-store-faults] ${b.name}: ${writers} writer(s): ${ackedTopics.length}/${writers * profile.chaosRounds} profile and ${ackedTriples.length}/${writers * profile.chaosRounds} knowledge updates acknowledged, ${errors.length} typed errors, ${faulted} of ${b.proxy.log.length} requests faulted; all acknowledged writes present`,
    );
  });
});
