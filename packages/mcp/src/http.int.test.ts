import { describeEachDatabase } from '@memory/db/testing';
import { createConversationStore } from '@memory/conversations';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createHashingEmbedder } from '@memory/knowledge-index';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, expect, it } from 'vitest';
import { startMcpHttpServer } from './http.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';
const DIMS = 16;

type ToolResult = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: unknown };

describeEachDatabase('the MCP server over Streamable HTTP', (ctx) => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  async function setup() {
    const db = await ctx.createDb({ embeddingDimensions: DIMS });
    const store = createConversationStore(db);
    const storage = new InMemoryLongTermStorage();
    const embeddings = createHashingEmbedder({ dimensions: DIMS });
    const mine = await store.createSession({ userId: 'alice', title: 'Trip to Kyoto' });
    const [v1, v2] = await embeddings.embed(['book a ryokan in Kyoto', 'Booked for the 3rd.']);
    await store.appendMessages(mine.id, [
      { role: 'user', content: 'book a ryokan in Kyoto', embedding: v1 },
      { role: 'assistant', content: 'Booked for the 3rd.', embedding: v2 },
    ]);
    const theirs = await store.createSession({ userId: 'bob', title: 'Secret plans' });
    await store.appendMessages(theirs.id, [{ role: 'user', content: 'bob private message' }]);
    const http = await startMcpHttpServer({ db, storage, embeddings, tokens: { [ALICE]: 'alice', [BOB]: 'bob' } });
    closers.push(http.close);
    const connect = async (token: string) => {
      const client = new Client({ name: 'test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(http.url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      closers.push(() => client.close());
      return client;
    };
    return { http, mine, theirs, connect };
  }

  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as ToolResult;
  const json = (r: ToolResult) => JSON.parse(r.content[0]!.text!) as Record<string, unknown>;

  it('lists its tools and resources with input schemas', async () => {
    const s = await setup();
    const alice = await s.connect(ALICE);
    const { tools } = await alice.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'build_context',
      'get_profile',
      'list_sessions',
      'read_history',
      'remember',
      'search_memory',
      'update_profile',
    ]);
    const remember = tools.find((t) => t.name === 'remember')!;
    expect(remember.inputSchema.required).toEqual(['subject', 'predicate', 'object']);
    const { resources } = await alice.listResources();
    expect(resources.map((r) => r.uri)).toContain('memory://profile');
    expect(resources.map((r) => r.uri)).toContain(`memory://sessions/${s.mine.id}/transcript`);
    expect(resources.map((r) => r.uri)).not.toContain(`memory://sessions/${s.theirs.id}/transcript`);
  });

  it("confines a connection to its token's user", async () => {
    const s = await setup();
    const alice = await s.connect(ALICE);
    const sessions = json(await call(alice, 'list_sessions')).sessions as Array<{ id: string }>;
    expect(sessions.map((x) => x.id)).toEqual([s.mine.id]);

    const history = json(await call(alice, 'read_history', { sessionId: s.mine.id }));
    expect((history.messages as Array<{ content: string }>).map((m) => m.content)).toEqual([
      'book a ryokan in Kyoto',
      'Booked for the 3rd.',
    ]);
    const stolen = await call(alice, 'read_history', { sessionId: s.theirs.id });
    expect(stolen.isError).toBe(true);
    expect(stolen.content[0]!.text).toContain('not found');
    await expect(alice.readResource({ uri: `memory://sessions/${s.theirs.id}/transcript` })).rejects.toThrow(
      /not found/,
    );
    const transcript = await alice.readResource({ uri: `memory://sessions/${s.mine.id}/transcript` });
    expect((transcript.contents[0] as { text: string }).text).toContain('book a ryokan in Kyoto');

    const search = json(await call(alice, 'search_memory', { query: 'ryokan Kyoto' }));
    expect((search.messages as Array<{ content: string }>).map((m) => m.content)).toContain('book a ryokan in Kyoto');
    const bob = await s.connect(BOB);
    const bobSearch = json(await call(bob, 'search_memory', { query: 'ryokan Kyoto' }));
    expect((bobSearch.messages as Array<{ content: string }>).map((m) => m.content)).not.toContain(
      'book a ryokan in Kyoto',
    );
  });

  it('remembers facts and updates the profile of its user only', async () => {
    const s = await setup();
    const alice = await s.connect(ALICE);
    expect(json(await call(alice, 'remember', { subject: 'user', predicate: 'likes', object: 'matcha' }))).toEqual({
      added: 1,
      duplicates: 0,
      superseded: 0,
    });
    await call(alice, 'update_profile', { traits: { communication_style: 'brief' } });
    expect(json(await call(alice, 'get_profile'))).toEqual({ traits: { communication_style: 'brief' } });
    const profile = await alice.readResource({ uri: 'memory://profile' });
    expect(JSON.parse((profile.contents[0] as { text: string }).text)).toEqual({ communication_style: 'brief' });
    const facts = json(await call(alice, 'search_memory', { query: 'matcha' })).facts;
    expect(facts).toEqual([{ subject: 'user', predicate: 'likes', object: 'matcha' }]);
    const context = json(await call(alice, 'build_context', { sessionId: s.mine.id, query: 'matcha' }));
    expect(context.text).toContain('likes matcha');
    expect(context.text).toContain('communication_style: brief');

    const bob = await s.connect(BOB);
    expect(json(await call(bob, 'get_profile'))).toEqual({ traits: {} });
    expect(json(await call(bob, 'search_memory', { query: 'matcha' })).facts).toEqual([]);
  });

  it('answers bad input with error results, and refuses requests without a known token', async () => {
    const s = await setup();
    const alice = await s.connect(ALICE);
    const bad = await call(alice, 'update_profile', { traits: { 'Not A Name': 'x' } });
    expect(bad.isError).toBe(true);
    const missing = await call(alice, 'read_history', { sessionId: 'not-a-uuid' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toContain('list_sessions');

    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }]) {
      const res = await fetch(s.http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
    await expect(s.connect('wrong-token-0123456789')).rejects.toThrow();
  });
});
