import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';
import { DEMO_SESSION_ID, DEMO_USER_ID, loadDemoData } from './demo-data.js';

const DIMS = 64;
const USER = 'u-e2e-用户';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

describeEachDatabase('example service over HTTP', (ctx) => {
  let memory: MemoryApp;
  let base: string;
  let storageDir: string;

  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: type.includes('application/json') && text ? JSON.parse(text) : text,
    };
  };
  const u = encodeURIComponent(USER);

  beforeAll(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'memory-example-e2e-'));
    const config = loadConfig({
      DATABASE_URL: ctx.url,
      MEMORY_STORAGE_URL: `file://${storageDir}`,
      MEMORY_EMBEDDING_DIMENSIONS: String(DIMS),
      LOG_LEVEL: 'silent',
    });
    memory = await buildApp(config);
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
    // A fresh embedded database runs initdb and the migrations: slow on a busy machine.
  }, 300_000);
  afterAll(async () => {
    await memory?.app.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  const ids: { a?: string; b?: string; c?: string } = {};

  it('is healthy and serves its OpenAPI document; the demo conversation is loaded once', async () => {
    const health = await api('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.database.ok).toBe(true);
    expect(health.body.checks.pgvector.detail).toMatch(/^pgvector \d/);
    expect(health.body.checks.storage.ok).toBe(true);

    const doc = await api('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/sessions',
        '/sessions/{sessionId}/messages',
        '/users/{userId}/profile',
        '/archive/run',
      ]),
    );
    expect(
      doc.body.paths['/sessions/{sessionId}'].get.responses['4XX'].content['application/json'].schema.$ref,
    ).toMatch(/ErrorResponse/);
    expect((await fetch(`${base}/docs`)).status).toBeLessThan(400);

    const demo = await api('GET', `/sessions/${DEMO_SESSION_ID}/messages`);
    expect(demo.body.messages).toHaveLength(4);
    expect((await api('GET', `/users/${DEMO_USER_ID}/profile`)).body.profile.traits.communication_style).toBe(
      'concise',
    );
    // A second start finds the demo and writes nothing.
    expect(await loadDemoData(memory.services)).toBe(false);
    expect((await api('GET', `/sessions/${DEMO_SESSION_ID}/messages`)).body.messages).toHaveLength(4);
    expect((await api('GET', `/users/${DEMO_USER_ID}/knowledge`)).body.triples).toHaveLength(3);
  });

  it('creates sessions, appends a conversation with embeddings and lists it with previews and a metadata filter', async () => {
    const a = await api('POST', '/sessions', {
      userId: USER,
      title: 'Trip to Kyoto',
      metadata: { project: 'travel', lang: 'en' },
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ userId: USER, title: 'Trip to Kyoto', status: 'active' });
    ids.a = a.body.id;
    ids.b = (
      await api('POST', '/sessions', { userId: USER, title: 'Database choice', metadata: { project: 'work' } })
    ).body.id;
    ids.c = (
      await api('POST', '/sessions', { userId: USER, title: 'Old chat', metadata: { project: 'work' } })
    ).body.id;

    const append = await api('POST', `/sessions/${ids.a}/messages`, {
      embed: true,
      messages: [
        { role: 'user', content: 'Find me a quiet hotel in Kyoto near the temples.' },
        { role: 'assistant', content: 'Here are three ryokan near Kiyomizu-dera.', model: 'qwen-max' },
        { role: 'user', content: '我更喜欢有温泉的酒店。' },
      ],
    });
    expect(append.status).toBe(201);
    expect(append.body.insertedIds).toHaveLength(3);
    // Retrying with the same ids inserts nothing.
    const retry = await api('POST', `/sessions/${ids.a}/messages`, {
      messages: [
        { id: append.body.messages[0].id, role: 'user', content: 'Find me a quiet hotel in Kyoto near the temples.' },
      ],
    });
    expect(retry.status).toBe(200);
    expect(retry.body.existingIds).toEqual([append.body.messages[0].id]);

    await api('POST', `/sessions/${ids.b}/messages`, {
      embed: true,
      messages: [
        { role: 'user', content: 'Should we use PostgreSQL or MySQL for the agent backend?' },
        { role: 'assistant', content: 'PostgreSQL with pgvector keeps embeddings next to the data.', model: 'gpt-4o' },
      ],
    });
    await api('POST', `/sessions/${ids.c}/messages`, {
      embed: true,
      messages: [{ role: 'user', content: 'An old question about hotels.' }],
    });

    const list = await api('GET', `/sessions?userId=${u}`);
    expect(list.status).toBe(200);
    expect(list.body.sessions.map((s: { id: string }) => s.id).sort()).toEqual([ids.a, ids.b, ids.c].sort());
    const itemA = list.body.sessions.find((s: { id: string }) => s.id === ids.a);
    expect(itemA.firstMessage.content).toBe('Find me a quiet hotel in Kyoto near the temples.');
    expect(itemA.lastMessage.content).toBe('我更喜欢有温泉的酒店。');

    const work = await api('GET', `/sessions?userId=${u}&metadataContains=${encodeURIComponent('{"project":"work"}')}`);
    expect(work.body.sessions.map((s: { id: string }) => s.id).sort()).toEqual([ids.b, ids.c].sort());

    const renamed = await api('PATCH', `/sessions/${ids.a}`, {
      title: 'Kyoto trip',
      metadata: { lang: null, pinned: true },
    });
    expect(renamed.body).toMatchObject({ title: 'Kyoto trip', metadata: { project: 'travel', pinned: true } });
    expect(renamed.body.metadata).not.toHaveProperty('lang');
    expect((await api('GET', `/sessions/${ids.a}`)).body.title).toBe('Kyoto trip');
  });

  it('pages through history with cursors', async () => {
    const newest = await api('GET', `/sessions/${ids.a}/messages?limit=2`);
    expect(newest.body.messages.map((m: { role: string }) => m.role)).toEqual(['assistant', 'user']);
    expect(newest.body.hasOlder).toBe(true);
    const older = await api(
      'GET',
      `/sessions/${ids.a}/messages?limit=2&before=${encodeURIComponent(newest.body.olderCursor)}`,
    );
    expect(older.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'Find me a quiet hotel in Kyoto near the temples.',
    ]);
    const since = await api('GET', `/sessions/${ids.a}/messages?after=${encodeURIComponent(newest.body.newerCursor)}`);
    expect(since.body.messages).toEqual([]);
  });

  it('saves a summary and returns the latest, also in the list preview', async () => {
    const saved = await api('POST', `/sessions/${ids.a}/summaries`, {
      strategy: 'context_compression_v2',
      strategyVersion: '2.1',
      text: 'Looking for a quiet Kyoto hotel with an onsen.',
      json: {
        decision_points: ['stay near the temples'],
        todos: ['book the hotel'],
        entities: { files: [], tools: [] },
        context_state: 'choosing',
        code_snippets: [],
      },
    });
    expect(saved.status).toBe(201);
    const latest = await api('GET', `/sessions/${ids.a}/summaries/latest`);
    expect(latest.body.summary).toMatchObject({
      id: saved.body.id,
      text: 'Looking for a quiet Kyoto hotel with an onsen.',
    });
    const list = await api('GET', `/sessions?userId=${u}`);
    expect(list.body.sessions.find((s: { id: string }) => s.id === ids.a).latestSummary.text).toBe(
      'Looking for a quiet Kyoto hotel with an onsen.',
    );

    const bad = await api('POST', `/sessions/${ids.a}/summaries`, { strategy: 'x', json: { todos: 'not a list' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_INPUT');
  });

  it('searches semantically in a session and across the user', async () => {
    const inSession = await api('POST', `/sessions/${ids.b}/search`, { text: 'PostgreSQL pgvector', topK: 1 });
    expect(inSession.status).toBe(200);
    expect(inSession.body.hits).toHaveLength(1);
    expect(inSession.body.hits[0].message.sessionId).toBe(ids.b);

    const acrossUser = await api('POST', `/users/${u}/search`, { text: 'quiet hotel Kyoto temples', topK: 3 });
    expect(acrossUser.body.hits[0].message.content).toBe('Find me a quiet hotel in Kyoto near the temples.');
    expect(
      acrossUser.body.hits.every((h: { message: { sessionId: string } }) =>
        [ids.a, ids.b, ids.c].includes(h.message.sessionId),
      ),
    ).toBe(true);
  });

  it('answers client mistakes with 4xx and a JSON body naming the problem', async () => {
    const badJson = await api('POST', '/sessions', '{"title": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({
      error: expect.any(String),
      message: expect.stringMatching(/JSON/i),
      requestId: expect.any(String),
    });

    const unknown = await api('GET', `/sessions/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('NOT_FOUND');
    expect(
      (await api('POST', `/sessions/${randomUUID()}/messages`, { messages: [{ role: 'user', content: 'hi' }] })).status,
    ).toBe(404);

    const notUuid = await api('GET', '/sessions/not-a-uuid');
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.message).toMatch(/sessionId/);

    const wrongVector = await api('POST', `/sessions/${ids.a}/messages`, {
      messages: [{ role: 'user', content: 'x', embedding: [1, 2, 3] }],
    });
    expect(wrongVector.status).toBe(400);
    expect(wrongVector.body.message).toMatch(new RegExp(String(DIMS)));
    expect((await api('POST', `/sessions/${ids.a}/search`, { vector: [1, 0] })).status).toBe(400);

    const badRole = await api('POST', `/sessions/${ids.a}/messages`, { messages: [{ role: 'robot', content: 'x' }] });
    expect(badRole.status).toBe(400);

    const badUser = await api('GET', `/users/${encodeURIComponent('team/alice')}/profile`);
    expect(badUser.status).toBe(400);
    expect(badUser.body.error).toBe('INVALID_INPUT');
    const badOwner = await api('POST', '/sessions', { userId: 'team/alice' });
    expect(badOwner.status).toBe(400);
    expect(badOwner.body.message).toMatch(/\//);

    expect((await api('GET', '/no/such/route')).status).toBe(404);
  });

  it('updates the profile with compare-and-swap: concurrent clients retrying on 409 lose no update', async () => {
    expect((await api('GET', `/users/${u}/profile`)).status).toBe(404);
    const created = await api('PATCH', `/users/${u}/profile`, { traits: { communication_style: 'concise' } });
    expect(created.status).toBe(200);
    const etag = created.headers.get('etag')!;
    expect(etag).toBeTruthy();

    const clients = 6;
    let conflicts = 0;
    const client = async (n: number) => {
      for (;;) {
        const current = await api('GET', `/users/${u}/profile`);
        const patched = await api(
          'PATCH',
          `/users/${u}/profile`,
          { [`note_${n}`]: `from client ${n}` },
          { 'if-match': current.headers.get('etag')! },
        );
        if (patched.status === 200) return;
        expect(patched.status).toBe(409);
        conflicts++;
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
    const final = await api('GET', `/users/${u}/profile`);
    for (let n = 0; n < clients; n++) expect(final.body.profile[`note_${n}`]).toBe(`from client ${n}`);
    expect(final.body.profile.traits.communication_style).toBe('concise');

    const stale = await api(
      'PATCH',
      `/users/${u}/profile`,
      { traits: { emotional_tone: 'calm' } },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('CONFLICT');
    // The clients did race: all read the same etag first, so all but one lost at least once.
    expect(conflicts).toBeGreaterThan(0);
  });

  it('adds, lists and retrieves knowledge', async () => {
    const added = await api('POST', `/users/${u}/knowledge`, {
      triples: [
        ['user', 'prefers', 'hotels with an onsen'],
        ['user', 'uses', 'PostgreSQL'],
        ['用户', '住在', '上海'],
      ],
    });
    expect(added.status).toBe(201);
    expect(added.body.added).toBe(3);
    expect(
      (await api('POST', `/users/${u}/knowledge`, { triples: [['user', 'uses', 'PostgreSQL']] })).body.duplicates,
    ).toBe(1);
    const spo = (triples: unknown[][]) => triples.map((t) => t.slice(0, 3));
    expect(spo((await api('GET', `/users/${u}/knowledge`)).body.triples)).toEqual([
      ['user', 'prefers', 'hotels with an onsen'],
      ['user', 'uses', 'PostgreSQL'],
      ['用户', '住在', '上海'],
    ]);
    const relevant = await api(
      'GET',
      `/users/${u}/knowledge/relevant?q=${encodeURIComponent('用户住在哪里？')}&topK=1`,
    );
    expect(spo(relevant.body.triples)).toEqual([['用户', '住在', '上海']]);
  });

  it('builds the memory context of a turn', async () => {
    const context = await api('POST', `/sessions/${ids.a}/context`, { query: 'onsen hotel', maxChars: 4000 });
    expect(context.status).toBe(200);
    expect(context.body.userId).toBe(USER);
    expect(context.body.parts.profile).toMatchObject({ communication_style: 'concise' });
    expect(context.body.parts.knowledge[0].slice(0, 3)).toEqual(['user', 'prefers', 'hotels with an onsen']);
    expect(context.body.text).toContain('Looking for a quiet Kyoto hotel with an onsen.');
    expect(context.body.text).toContain('我更喜欢有温泉的酒店。');
    expect(context.body.usage.used).toBeLessThanOrEqual(4000);
  });

  it("stores the application's own entity (code reviews) beside the memory tables", async () => {
    const review = await api('POST', `/sessions/${ids.b}/code-reviews`, {
      repo: 'org/agent',
      pullRequest: 42,
      verdict: { approved: true, notes: ['好'] },
    });
    expect(review.status).toBe(201);
    expect((await api('GET', `/sessions/${ids.b}/code-reviews`)).body.reviews).toMatchObject([
      { repo: 'org/agent', pullRequest: 42, verdict: { approved: true } },
    ]);
    expect((await api('POST', `/sessions/${randomUUID()}/code-reviews`, { repo: 'x' })).status).toBe(404);
  });

  it('archives back-dated sessions through every tier and restores one', async () => {
    const { db } = memory.services;
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    await db.execute('update sessions set updated_at = ? where id = ?', [daysAgo(10), ids.a]);
    await db.execute('update sessions set updated_at = ? where id = ?', [daysAgo(200), ids.b]);
    await db.execute('update sessions set updated_at = ? where id = ?', [daysAgo(1200), ids.c]);

    const plan = await api('GET', '/archive/plan');
    expect(plan.status).toBe(200);
    expect(plan.body.cold.sessions).toBeGreaterThanOrEqual(2); // a and b (b passes through cold)
    expect(plan.body.deleted.sessions).toBeGreaterThanOrEqual(1);

    const run = await api('POST', '/archive/run', { batchSize: 1 });
    expect(run.status).toBe(200);
    expect(run.body.aborted).toBe(false);
    const status = async (id: string | undefined) => (await api('GET', `/sessions/${id}`)).body.status;
    expect(await status(ids.a)).toBe('cold');
    expect(await status(ids.b)).toBe('deep');
    expect(await status(ids.c)).toBe('deleted');
    const coldHistory = (await api('GET', `/sessions/${ids.a}/messages`)).body;
    expect(coldHistory.messages).toEqual([]);
    expect(coldHistory.sessionStatus).toBe('cold');

    // Status filters take names or the stored numbers; anything else is one error listing both.
    const byName = await api('GET', `/sessions?userId=${u}&status=cold`);
    const byNumber = await api('GET', `/sessions?userId=${u}&status=2`);
    expect(byName.body.sessions.map((x: { id: string }) => x.id)).toEqual([ids.a]);
    expect(byNumber.body).toEqual(byName.body);
    expect(byName.body.sessions[0].status).toBe('cold');
    const bogus = await api('GET', `/sessions?userId=${u}&status=frozen`);
    expect(bogus.status).toBe(400);
    expect(bogus.body.error).toBe('INVALID_INPUT');
    expect(bogus.body.message).toContain('active, cold, deep, deleted, any (or the stored numbers 1, 2, 3, 4)');
    expect(bogus.body.message.match(/must/g)).toHaveLength(1);

    // Appending to an archived session is a conflict unless the client asks for a restore.
    expect(
      (await api('POST', `/sessions/${ids.a}/messages`, { messages: [{ role: 'user', content: 'back again' }] }))
        .status,
    ).toBe(409);

    const restored = await api('POST', `/sessions/${ids.b}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ from: 'deep', messages: 2 });
    expect(await status(ids.b)).toBe('active');
    const history = await api('GET', `/sessions/${ids.b}/messages`);
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'Should we use PostgreSQL or MySQL for the agent backend?',
      'PostgreSQL with pgvector keeps embeddings next to the data.',
    ]);
    expect(history.body.messages[1].model).toBe('gpt-4o');
    expect(history.body.messages.every((m: { hasEmbedding: boolean }) => m.hasEmbedding)).toBe(true);

    const auto = await api('POST', `/sessions/${ids.a}/messages`, {
      restore: true,
      messages: [{ role: 'user', content: 'back again' }],
    });
    expect(auto.status).toBe(201);
    expect(auto.body.restored).toBe(true);
    expect((await api('GET', `/sessions/${ids.a}/messages`)).body.messages).toHaveLength(4);
  });

  it('exports the user as JSONL, purges them, and nothing of theirs is left', async () => {
    const response = await fetch(`${base}/users/${u}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/ndjson/);
    const lines = (await response.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('export');
    const end = lines.at(-1);
    expect(end.type).toBe('end');
    expect(end.counts.sessions).toBe(3);
    expect(lines.filter((l) => l.type === 'session')).toHaveLength(3);
    // The long-term memory a purge deletes is in the export too: the profile and every triple.
    expect(lines.find((l) => l.type === 'profile')?.profile.user_id).toBe(USER);
    expect(end.counts.profile).toBe(1);
    expect(end.counts.knowledge).toBeGreaterThan(0);
    expect(lines.filter((l) => l.type === 'knowledge')).toHaveLength(end.counts.knowledge);

    const purge = await api('DELETE', `/users/${u}`);
    expect(purge.status).toBe(200);
    expect(purge.body.sessions).toBe(3);
    expect(purge.body.longTermObjects).toBeGreaterThanOrEqual(2);

    expect((await api('GET', `/sessions?userId=${u}`)).body.sessions).toEqual([]);
    expect((await api('GET', `/sessions/${ids.a}`)).status).toBe(404);
    expect((await api('GET', `/users/${u}/profile`)).status).toBe(404);
    expect((await api('GET', `/users/${u}/knowledge`)).body.triples).toEqual([]);
    const { db } = memory.services;
    const left = await db.execute<{ n: number }>(
      `select (select count(*) from sessions where user_id = ?)::int
            + (select count(*) from messages where session_id in (?, ?, ?))::int
            + (select count(*) from messages_archive where session_id in (?, ?, ?))::int
            + (select count(*) from session_summaries where session_id in (?, ?, ?))::int
            + (select count(*) from code_reviews where session_id in (?, ?, ?))::int
            + (select count(*) from audit_logs where action <> 'purge_user' and (details->>'userId' = ? or resource_id in (?, ?, ?)))::int as n`,
      [
        USER,
        ids.a,
        ids.b,
        ids.c,
        ids.a,
        ids.b,
        ids.c,
        ids.a,
        ids.b,
        ids.c,
        ids.a,
        ids.b,
        ids.c,
        USER,
        ids.a,
        ids.b,
        ids.c,
      ],
    );
    expect(left[0]?.n).toBe(0);
    // Neither objects nor folders: the filesystem backend removes the folders a purge empties,
    // so the session ids are not left behind as folder names either.
    const files = (await readdir(storageDir, { recursive: true, withFileTypes: true }))
      .map((e) => join(e.parentPath, e.name))
      .filter((f) => f.includes(USER) || [ids.a, ids.b, ids.c].some((id) => f.includes(id!)));
    expect(files).toEqual([]);
    const again = await fetch(`${base}/users/${u}/export`).then((r) => r.text());
    expect(JSON.parse(again.trimEnd().split('\n').at(-1)!).counts.sessions).toBe(0);

    // The demo user is untouched.
    expect((await api('GET', `/sessions/${DEMO_SESSION_ID}`)).status).toBe(200);
  });
});
