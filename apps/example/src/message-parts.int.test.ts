import { AuditLog } from '@memory/models';
import { describeEachDatabase } from '@memory/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type MemoryApp } from './build-app.js';
import { loadConfig } from './config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** One of each AI SDK part kind a turn of an agent carries. */
const PARTS = [
  { type: 'step-start' },
  { type: 'reasoning', text: 'The user wants the weather in Kyoto.', providerMetadata: { fixture: { id: 'r1' } } },
  {
    type: 'tool-weather',
    toolCallId: 'call-1',
    state: 'output-available',
    input: { city: 'Kyoto' },
    output: { tempC: 21, sky: 'clear' },
  },
  {
    type: 'dynamic-tool',
    toolName: 'lookup',
    toolCallId: 'call-2',
    state: 'output-error',
    input: { q: 'x' },
    errorText: 'not found',
  },
  { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=', filename: 'map.png' },
  { type: 'source-url', sourceId: 's1', url: 'https://example.com/kyoto' },
  { type: 'data-weather', id: 'd1', data: { city: 'Kyoto' } },
  { type: 'text', text: 'Kyoto is clear and 21 °C.' },
];

describeEachDatabase('messages with parts and metadata over HTTP', (ctx) => {
  let memory: MemoryApp;
  let base: string;
  let sessionId: string;
  let otherSessionId: string;
  const ids: Record<string, string> = {};

  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const history = async (query = '') =>
    (await api('GET', `/sessions/${sessionId}/messages${query}`)).body.messages as Json[];

  beforeAll(async () => {
    memory = await buildApp(
      loadConfig({
        DATABASE_URL: ctx.url,
        MEMORY_STORAGE_URL: 'memory://',
        MEMORY_EMBEDDING_DIMENSIONS: '64',
        MEMORY_DEMO_DATA: 'false',
        LOG_LEVEL: 'silent',
      }),
    );
    base = await memory.app.listen({ port: 0, host: '127.0.0.1' });
    sessionId = (await api('POST', '/sessions', { userId: 'parts-user', title: 'weather' })).body.id;
    otherSessionId = (await api('POST', '/sessions', { userId: 'parts-user', title: 'other' })).body.id;
  }, 300_000);
  afterAll(() => memory?.app.close());

  it('appends structured messages (every part kind, metadata) and returns them losslessly', async () => {
    const appended = await api('POST', `/sessions/${sessionId}/messages`, {
      messages: [
        { role: 'user', content: 'weather in Kyoto?', metadata: { channel: 'web', tags: ['a', 'b'] } },
        { role: 'assistant', parts: PARTS, metadata: { channel: 'web', tags: ['b'], turn: { n: 1 } }, model: 'm-1' },
        // Tool parts only: no text, so empty content is allowed (and nothing to embed).
        {
          role: 'tool',
          content: '',
          parts: [{ type: 'tool-weather', toolCallId: 'call-3', state: 'input-available', input: { city: 'Nara' } }],
          metadata: { channel: 'cli' },
        },
      ],
    });
    expect(appended.status).toBe(201);
    expect(appended.body.embedded).toBe(2);
    [ids.user, ids.assistant, ids.tool] = appended.body.insertedIds;

    const messages = await history();
    expect(messages.map((m) => [m.role, m.content, m.hasEmbedding])).toEqual([
      ['user', 'weather in Kyoto?', true],
      // content is the text projection of the parts (the original library reads this column).
      ['assistant', 'Kyoto is clear and 21 °C.', true],
      ['tool', '', false],
    ]);
    expect(messages[1].parts).toEqual(PARTS);
    expect(messages[1].metadata).toEqual({ channel: 'web', tags: ['b'], turn: { n: 1 } });
    expect(messages[1].model).toBe('m-1');
    expect(messages[0].parts).toBeNull();
    expect(messages[2].parts[0].input).toEqual({ city: 'Nara' });
  });

  it('refuses what the library refuses, naming the field: empty content without parts, bad parts, non-object metadata, unknown fields', async () => {
    const bad = async (message: Record<string, unknown>) =>
      api('POST', `/sessions/${sessionId}/messages`, { messages: [message] });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ role: 'user', content: '' }, /messages\[0\]\.content is empty and the message has no parts/],
      [{ role: 'user' }, /neither content nor parts/],
      [{ role: 'user', content: '', parts: [] }, /no parts/],
      [{ role: 'assistant', parts: [{ type: 'tool-x', state: 'input-available' }] }, /without a string toolCallId/],
      [{ role: 'assistant', parts: [{ text: 'no type' }] }, /type/],
      [{ role: 'assistant', parts: [{ type: '' }] }, /type/],
      [{ role: 'user', content: 'x', metadata: ['not', 'an', 'object'] }, /metadata/],
      [{ role: 'user', content: 'x', metadata: 'text' }, /metadata/],
      [{ role: 'user', content: 'x', colour: 'red' }, /colour|additional/],
      [{ role: 'user', content: 'x', parts: 'text' }, /parts/],
    ];
    for (const [message, problem] of cases) {
      const answer = await bad(message);
      expect(answer.status, JSON.stringify(message)).toBe(400);
      expect(answer.body.error).toBe('INVALID_INPUT');
      expect(`${answer.body.message} ${JSON.stringify(answer.body.details ?? {})}`, JSON.stringify(message)).toMatch(
        problem,
      );
    }
    // Nothing of the refused requests was stored.
    expect(await history()).toHaveLength(3);
  });

  it('filters history and search by metadata (equality and containment)', async () => {
    const q = (name: string, value: unknown) => `?${name}=${encodeURIComponent(JSON.stringify(value))}`;
    expect((await history(q('metadataEquals', { channel: 'web' }))).map((m) => m.id)).toEqual([
      ids.user,
      ids.assistant,
    ]);
    // Equality is exact: ['b'] is not ['a', 'b'].
    expect((await history(q('metadataEquals', { tags: ['b'] }))).map((m) => m.id)).toEqual([ids.assistant]);
    // Containment: arrays by inclusion, nested objects partially.
    expect((await history(q('metadataContains', { tags: ['a'] }))).map((m) => m.id)).toEqual([ids.user]);
    expect((await history(q('metadataContains', { turn: {} }))).map((m) => m.id)).toEqual([ids.assistant]);
    expect((await history(q('metadataContains', { channel: 'cli' }))).map((m) => m.id)).toEqual([ids.tool]);
    const notJson = await api('GET', `/sessions/${sessionId}/messages?metadataContains=%7Bnope`);
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/metadataContains must be a JSON object/);

    const search = async (body: Record<string, unknown>) =>
      (await api('POST', `/sessions/${sessionId}/search`, { text: 'Kyoto weather', topK: 10, minScore: -1, ...body }))
        .body.hits as Json[];
    expect((await search({})).map((h) => h.message.id).sort()).toEqual([ids.user, ids.assistant].sort());
    expect((await search({ metadataContains: { tags: ['a'] } })).map((h) => h.message.id)).toEqual([ids.user]);
    expect((await search({ metadataEquals: { tags: ['b'] } })).map((h) => h.message.id)).toEqual([ids.assistant]);
    const userWide = await api('POST', '/users/parts-user/search', {
      text: 'Kyoto weather',
      minScore: -1,
      metadataEquals: { channel: 'web' },
    });
    expect(userWide.body.hits.map((h: Json) => h.message.id).sort()).toEqual([ids.user, ids.assistant].sort());
    const notObject = await api('POST', `/sessions/${sessionId}/search`, { text: 'Kyoto', metadataContains: ['x'] });
    expect(notObject.status).toBe(400);
  });

  it('edits one message: new text is embedded again, parts drive the text, metadata is replaced (audited)', async () => {
    const edited = await api('PATCH', `/sessions/${sessionId}/messages/${ids.user}`, {
      content: 'weather in Osaka?',
      metadata: { channel: 'web', edited: true },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      message: { id: ids.user, content: 'weather in Osaka?', metadata: { channel: 'web', edited: true } },
      embedding: 'embedded',
      restored: false,
    });
    expect(edited.body.changed.sort()).toEqual(['content', 'metadata']);
    expect(edited.body.message.hasEmbedding).toBe(true);

    const parts = [{ type: 'text', text: 'Osaka: rain.' }];
    const byParts = await api('PATCH', `/sessions/${sessionId}/messages/${ids.assistant}`, { parts, embed: false });
    expect(byParts.status).toBe(200);
    expect(byParts.body).toMatchObject({ message: { content: 'Osaka: rain.', parts }, embedding: 'dropped' });
    expect(byParts.body.message.hasEmbedding).toBe(false);

    const rows = await memory.services.db
      .fork()
      .find(AuditLog, { action: 'update_message', resourceId: { $in: [ids.user!, ids.assistant!] } });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.actor === 'anonymous')).toBe(true);
    expect(JSON.stringify(rows.map((r) => r.details))).not.toContain('Osaka');
  });

  it('refuses an edit that names nothing, an unknown field, empty text without parts, or a message of another session', async () => {
    const url = `/sessions/${sessionId}/messages/${ids.user}`;
    expect((await api('PATCH', url, {})).status).toBe(400);
    expect((await api('PATCH', url, { embed: true })).status).toBe(400);
    expect((await api('PATCH', url, { role: 'system' })).status).toBe(400);
    const empty = await api('PATCH', url, { content: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/neither text nor parts/);
    const elsewhere = await api('PATCH', `/sessions/${otherSessionId}/messages/${ids.user}`, { content: 'x' });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.message).toMatch(/not found in session/);
    expect((await history()).find((m) => m.id === ids.user).content).toBe('weather in Osaka?');
  });

  it('deletes one message (audited); a second delete is 404', async () => {
    const url = `/sessions/${sessionId}/messages/${ids.tool}`;
    expect((await api('DELETE', `/sessions/${otherSessionId}/messages/${ids.tool}`)).status).toBe(404);
    const deleted = await api('DELETE', url);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true, sessionId, restored: false });
    expect((await history()).map((m) => m.id)).toEqual([ids.user, ids.assistant]);
    expect((await api('DELETE', url)).status).toBe(404);
    expect(await memory.services.db.fork().count(AuditLog, { action: 'delete_message', resourceId: ids.tool! })).toBe(
      1,
    );
  });

  it('documents parts, metadata, the filters and the message routes in OpenAPI', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    const messages = doc.paths['/sessions/{sessionId}/messages'];
    const item = messages.post.requestBody.content['application/json'].schema.properties.messages.items;
    expect(Object.keys(item.properties)).toEqual(expect.arrayContaining(['content', 'parts', 'metadata']));
    expect(item.required).toEqual(['role']);
    expect(item.additionalProperties).toBe(false);
    expect(messages.get.parameters.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(['metadataEquals', 'metadataContains']),
    );
    const one = doc.paths['/sessions/{sessionId}/messages/{messageId}'];
    expect(Object.keys(one).sort()).toEqual(['delete', 'patch']);
    expect(one.patch.responses['200'].content['application/json'].schema.properties).toHaveProperty('embedding');
    const search = doc.paths['/sessions/{sessionId}/search'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(search.properties)).toEqual(expect.arrayContaining(['metadataEquals', 'metadataContains']));
  });
});
