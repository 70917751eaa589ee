import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const DIMENSIONS = 4;
/** A unit vector along axis `i` (the messages' embeddings are given, so the scores are known). */
const axis = (i: number) => Array.from({ length: DIMENSIONS }, (_, k) => (k === i ? 1 : 0));

describeEachDatabase('search routes: around, minScore and scope over HTTP', (ctx) => {
  let memory: MemoryApp;
  let base: string;
  let first: string;
  let second: string;

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const contents = (messages: Json[] | undefined) => messages?.map((m) => m.content);

  beforeAll(async () => {
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: 'memory://',
        MEMORY_EMBEDDING_DIMENSIONS: String(DIMENSIONS),
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
    first = (await api('POST', '/sessions', { userId: 'around-user', title: 'trip' })).body.id;
    second = (await api('POST', '/sessions', { userId: 'around-user', title: 'food' })).body.id;
    const other = (await api('POST', '/sessions', { userId: 'someone-else', title: 'x' })).body.id;
    // Only "hotel" lies along axis 0 (and a message of another user, which no search here may see).
    const appended = await api('POST', `/sessions/${first}/messages`, {
      embed: false,
      messages: [
        { role: 'user', content: 'we land in Kyoto', embedding: axis(1) },
        { role: 'assistant', content: 'noted', embedding: axis(2) },
        { role: 'user', content: 'a quiet hotel please', embedding: axis(0) },
        { role: 'assistant', content: 'booked the ryokan' },
        { role: 'user', content: 'thanks', embedding: axis(3) },
      ],
    });
    expect(appended.status).toBe(201);
    await api('POST', `/sessions/${second}/messages`, {
      embed: false,
      messages: [
        { role: 'user', content: 'ramen?', embedding: axis(1) },
        { role: 'assistant', content: 'hotel breakfast is ramen', embedding: [0.6, 0.8, 0, 0] },
      ],
    });
    await api('POST', `/sessions/${other}/messages`, {
      embed: false,
      messages: [{ role: 'user', content: 'not yours', embedding: axis(0) }],
    });
  }, 300_000);
  afterAll(() => memory?.app.close());

  it('returns each hit with the messages around it in its session, oldest first', async () => {
    const session = await api('POST', `/sessions/${first}/search`, { vector: axis(0), topK: 1, around: 2 });
    expect(session.status).toBe(200);
    expect(session.body.hits).toHaveLength(1);
    const [hit] = session.body.hits;
    expect(hit.message.content).toBe('a quiet hotel please');
    expect(hit.score).toBeCloseTo(1, 6);
    // The window is the conversation: the unembedded reply is in it.
    expect(contents(hit.before)).toEqual(['we land in Kyoto', 'noted']);
    expect(contents(hit.after)).toEqual(['booked the ryokan', 'thanks']);
    expect(hit.before[0]).toMatchObject({ sessionId: first, role: 'user', hasEmbedding: true });

    // Across the user's sessions, each hit with its own session's window (cut at the session's ends).
    const user = await api('POST', '/users/around-user/search', { vector: axis(0), topK: 2, around: 1 });
    expect(user.status).toBe(200);
    expect(user.body.hits.map((h: Json) => [h.message.content, contents(h.before), contents(h.after)])).toEqual([
      ['a quiet hotel please', ['noted'], ['booked the ryokan']],
      ['hotel breakfast is ramen', ['ramen?'], []],
    ]);
  });

  it('leaves before and after out without around (or with 0), and refuses an around over 50', async () => {
    for (const around of [undefined, 0]) {
      const { body } = await api('POST', `/sessions/${first}/search`, { vector: axis(0), topK: 1, around });
      expect(Object.keys(body.hits[0]).sort()).toEqual(['distance', 'message', 'score']);
    }
    for (const around of [51, -1, 1.5, 'two']) {
      const refused = await api('POST', `/sessions/${first}/search`, { vector: axis(0), around });
      expect(refused.status, String(around)).toBe(400);
      expect(refused.body.message).toMatch(/around/);
    }
  });

  it('keeps only hits above minScore, with their windows; the user scope never reaches another user', async () => {
    const strict = await api('POST', '/users/around-user/search', {
      vector: axis(0),
      topK: 10,
      minScore: 0.7,
      around: 1,
    });
    expect(strict.body.hits.map((h: Json) => h.message.content)).toEqual(['a quiet hotel please']);
    expect(contents(strict.body.hits[0].after)).toEqual(['booked the ryokan']);
    // The ramen reply scores 0.6: above 0.5, below 0.7.
    const looser = await api('POST', '/users/around-user/search', { vector: axis(0), topK: 10, minScore: 0.5 });
    expect(looser.body.hits.map((h: Json) => h.message.content)).toEqual([
      'a quiet hotel please',
      'hotel breakfast is ramen',
    ]);
    // Every message of the user, nearest first, and none of someone-else's.
    const all = await api('POST', '/users/around-user/search', { vector: axis(0), topK: 10, minScore: -1 });
    const found = all.body.hits.map((h: Json) => h.message.content);
    expect(found).toHaveLength(6);
    expect(found).not.toContain('not yours');
    expect(new Set(all.body.hits.map((h: Json) => h.message.sessionId))).toEqual(new Set([first, second]));
  });

  it('says so when messages match but none has an embedding, instead of answering with no hits', async () => {
    const bare = (await api('POST', '/sessions', { userId: 'around-bare' })).body.id;
    await api('POST', `/sessions/${bare}/messages`, {
      embed: false,
      messages: [{ role: 'user', content: 'no vector' }],
    });
    const answer = await api('POST', `/sessions/${bare}/search`, { vector: axis(0), around: 1 });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: 'NOT_FOUND', details: { reason: 'no_embeddings' } });
  });

  it('documents around and the hit windows in OpenAPI', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    for (const path of ['/sessions/{sessionId}/search', '/users/{userId}/search']) {
      const request = doc.paths[path].post.requestBody.content['application/json'].schema;
      expect(request.properties.around).toMatchObject({ type: 'integer', minimum: 0, maximum: 50 });
      const hit = doc.paths[path].post.responses['200'].content['application/json'].schema.properties.hits.items;
      expect(Object.keys(hit.properties)).toEqual(expect.arrayContaining(['before', 'after']));
    }
  });
});
