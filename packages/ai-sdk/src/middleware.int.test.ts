import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createHashingEmbedder } from '@memory/knowledge-index';
import { saveKnowledgeTriples, saveUserProfile } from '@memory/semantics';
import { generateText, stepCountIs, streamText, tool, wrapLanguageModel, type ModelMessage } from 'ai';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { turnMessageId } from './ids.js';
import { createMemory, type Memory, type MemoryMessage } from './memory.js';
import { memoryMiddleware, type RecordedEvent } from './middleware.js';
import { generated, MockLanguageModelV4, streamOf, textAnswer, textChunks, type StreamChunk } from './test-models.js';

const DIMS = 64;

describeEachDatabase('memoryMiddleware with the AI SDK', (ctx) => {
  async function setup() {
    const db = await ctx.createDb({ embeddingDimensions: DIMS });
    const storage = new InMemoryLongTermStorage();
    const memory = createMemory({ db, storage, embeddings: createHashingEmbedder({ dimensions: DIMS }) });
    const recorded: MemoryMessage[][] = [];
    // The same memory, noting every batch the middleware records (with the parts it passes).
    const spy: Memory = {
      ...memory,
      record: async (sessionId, messages, options) => {
        recorded.push([...messages]);
        return memory.record(sessionId, messages, options);
      },
    };
    const errors: unknown[] = [];
    const events: RecordedEvent[] = [];
    const userId = `u-${randomUUID()}`;
    const sessionId = randomUUID();
    const wrap = (model: MockLanguageModelV4, extra: Partial<Parameters<typeof memoryMiddleware>[0]> = {}) =>
      wrapLanguageModel({
        model,
        middleware: memoryMiddleware({
          memory: spy,
          userId,
          sessionId,
          onError: (e) => errors.push(e),
          onRecorded: (e) => events.push(e),
          ...extra,
        }),
      });
    const history = async () => (await memory.store.getHistory(sessionId, { limit: 1000 })).messages;
    return { db, storage, memory, recorded, errors, events, userId, sessionId, wrap, history };
  }

  it('adds profile, knowledge and earlier messages to the prompt, without repeating what the caller sent', async () => {
    const s = await setup();
    await saveUserProfile(s.storage, s.userId, { user_id: s.userId, traits: { communication_style: 'terse' } });
    await saveKnowledgeTriples(s.storage, s.userId, [['user', 'lives in', 'Lyon']]);
    await s.memory.record(
      s.sessionId,
      [
        { role: 'user', content: 'old question one' },
        { role: 'assistant', content: 'old answer one' },
        { role: 'user', content: 'resent question' },
        { role: 'assistant', content: 'resent answer' },
      ],
      { userId: s.userId },
    );
    const model = new MockLanguageModelV4({ doGenerate: textAnswer('You live in Lyon.') });
    const messages: ModelMessage[] = [
      { role: 'user', content: 'resent question' },
      { role: 'assistant', content: 'resent answer' },
      { role: 'user', content: 'Where do I live?' },
    ];
    const result = await generateText({ model: s.wrap(model), instructions: 'You are helpful.', messages });
    expect(result.text).toBe('You live in Lyon.');

    const prompt = model.doGenerateCalls[0]!.prompt;
    expect(prompt[0]).toEqual({ role: 'system', content: 'You are helpful.' });
    expect(prompt[1]!.role).toBe('system');
    const context = prompt[1]!.content as string;
    expect(context).toContain('communication_style: terse');
    expect(context).toContain('user lives in Lyon');
    expect(context).toContain('old question one');
    expect(context).not.toContain('resent question');
    expect(prompt.slice(2).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    // The memory options never reach the provider.
    expect(model.doGenerateCalls[0]!.providerOptions?.memory).toBeUndefined();

    expect(s.errors).toEqual([]);
    const stored = await s.history();
    expect(stored.map((m) => `${m.role}: ${m.content}`).slice(4)).toEqual([
      'user: Where do I live?',
      'assistant: You live in Lyon.',
    ]);
    expect(s.errors).toEqual([]);
  });

  it('records a retried call once, and a repeated message of a new turn again', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({ doGenerate: textAnswer('ok') });
    const wrapped = s.wrap(model);
    const send = (turnKey: string) =>
      generateText({ model: wrapped, prompt: 'yes', providerOptions: { memory: { turnKey } } });
    await send('turn-1');
    await send('turn-1'); // a retry: same turn key
    expect(s.errors).toEqual([]);
    expect(s.events.map((e) => e.insertedIds.length)).toEqual([2, 0]);
    expect((await s.history()).map((m) => m.content)).toEqual(['yes', 'ok']);
    expect(s.events[1]!.insertedIds).toEqual([]);
    expect(s.events[1]!.existingIds).toHaveLength(2);
    await send('turn-2'); // the user really says "yes" again
    expect((await s.history()).map((m) => m.content)).toEqual(['yes', 'ok', 'yes', 'ok']);
    expect((await s.history())[0]!.id).toBe(turnMessageId(s.sessionId, 'turn-1', 0));
  });

  it('derives the turn key from the call when none is given: a retry of the same prompt adds nothing', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({ doGenerate: textAnswer('4') });
    const wrapped = s.wrap(model);
    await generateText({ model: wrapped, prompt: 'What is 2+2?' });
    await generateText({ model: wrapped, prompt: 'What is 2+2?' });
    expect((await s.history()).map((m) => m.content)).toEqual(['What is 2+2?', '4']);
    await generateText({
      model: wrapped,
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4' },
        { role: 'user', content: 'What is 2+2?' },
      ],
    });
    expect((await s.history()).map((m) => m.content)).toEqual(['What is 2+2?', '4', 'What is 2+2?', '4']);
  });

  it('records tool calls, tool results and the final answer of a multi-step call, once', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({
      doGenerate: [
        generated(
          [
            { type: 'reasoning', text: 'I need the weather.' },
            { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lyon"}' },
          ],
          'tool-calls',
        ),
        textAnswer('It is sunny in Lyon.'),
      ],
    });
    const run = () =>
      generateText({
        model: s.wrap(model),
        prompt: 'Weather in Lyon?',
        tools: {
          weather: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ({ city, sky: 'sunny' }),
          }),
        },
        stopWhen: stepCountIs(3),
        providerOptions: { memory: { turnKey: 'weather-turn' } },
      });
    const result = await run();
    expect(result.text).toBe('It is sunny in Lyon.');

    const stored = await s.history();
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(stored[2]!.content).toBe('{"city":"Lyon","sky":"sunny"}');
    expect(stored[3]!.content).toBe('It is sunny in Lyon.');
    // The parts are stored with the messages.
    expect(stored[1]!.parts).toEqual([
      { type: 'reasoning', text: 'I need the weather.' },
      { type: 'tool-weather', toolCallId: 'call-1', state: 'input-available', input: { city: 'Lyon' } },
    ]);
    expect(stored[2]!.parts).toEqual([
      { type: 'tool-weather', toolCallId: 'call-1', state: 'output-available', output: { city: 'Lyon', sky: 'sunny' } },
    ]);

    // The whole call retried (a new mock answering the same): nothing new is stored.
    model.doGenerate = new MockLanguageModelV4({
      doGenerate: [
        generated(
          [
            { type: 'reasoning', text: 'I need the weather.' },
            { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lyon"}' },
          ],
          'tool-calls',
        ),
        textAnswer('It is sunny in Lyon.'),
      ],
    }).doGenerate;
    await run();
    expect((await s.history()).map((m) => m.id)).toEqual(stored.map((m) => m.id));
  });

  it('records a streamed answer with its reasoning', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({ doStream: streamOf(textChunks('Streaming works.', 'think first')) });
    const result = streamText({ model: s.wrap(model), prompt: 'Does streaming work?' });
    expect(await result.text).toBe('Streaming works.');
    await waitFor(() => s.events.length === 1);
    const stored = await s.history();
    expect(stored.map((m) => `${m.role}: ${m.content}`)).toEqual([
      'user: Does streaming work?',
      'assistant: Streaming works.',
    ]);
    expect(stored[1]!.parts).toEqual([
      { type: 'reasoning', text: 'think first' },
      { type: 'text', text: 'Streaming works.' },
    ]);
    expect(s.events[0]!.status).toBe('complete');
  });

  it('records the user message and the partial answer of a stream that fails', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({
      doStream: async () => ({
        stream: failingAfter([
          { type: 'text-start', id: 't1' },
          { type: 'text-delta', id: 't1', delta: 'Half an ans' },
        ]),
      }),
    });
    const result = streamText({ model: s.wrap(model), prompt: 'Tell me everything', onError: () => {} });
    await result.consumeStream({ onError: () => {} });
    await waitFor(() => s.events.length === 1);
    expect(s.events[0]!.status).toBe('error');
    expect((await s.history()).map((m) => `${m.role}: ${m.content}`)).toEqual([
      'user: Tell me everything',
      'assistant: Half an ans',
    ]);
    expect((await s.history())[1]!.metadata).toEqual({ status: 'error' });
  });

  it('records the user message and the partial answer of an aborted stream', async () => {
    const s = await setup();
    const abort = new AbortController();
    const model = new MockLanguageModelV4({
      doStream: async ({ abortSignal }) => ({
        stream: new ReadableStream<StreamChunk>({
          start(controller) {
            controller.enqueue({ type: 'text-start', id: 't1' });
            controller.enqueue({ type: 'text-delta', id: 't1', delta: 'Once upon' });
            abortSignal?.addEventListener('abort', () => controller.error(abortSignal.reason));
          },
        }),
      }),
    });
    const result = streamText({ model: s.wrap(model), prompt: 'Tell a story', abortSignal: abort.signal });
    for await (const delta of result.textStream) {
      if (delta.includes('Once')) abort.abort();
    }
    await waitFor(() => s.events.length === 1);
    expect(s.events[0]!.status).toBe('aborted');
    expect((await s.history()).map((m) => `${m.role}: ${m.content}`)).toEqual([
      'user: Tell a story',
      'assistant: Once upon',
    ]);
  });

  it('records the user message of a generate call that fails, and keeps the error', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        throw new Error('model down');
      },
    });
    await expect(generateText({ model: s.wrap(model), prompt: 'hello?', maxRetries: 0 })).rejects.toThrow('model down');
    expect((await s.history()).map((m) => m.content)).toEqual(['hello?']);
  });

  it('keeps the context within a token budget and recalls messages of other sessions', async () => {
    const s = await setup();
    const other = randomUUID();
    await s.memory.record(
      other,
      [
        { role: 'user', content: 'My cat is named Miso' },
        { role: 'assistant', content: 'Miso is a lovely name for a cat' },
      ],
      { userId: s.userId },
    );
    await s.memory.record(
      s.sessionId,
      Array.from({ length: 40 }, (_, i) => ({
        role: i % 2 ? ('assistant' as const) : ('user' as const),
        content: `filler message number ${i} `.repeat(5),
      })),
      { userId: s.userId },
    );
    const model = new MockLanguageModelV4({ doGenerate: textAnswer('Miso') });
    await generateText({
      model: s.wrap(model, { budget: { maxTokens: 300 } }),
      prompt: 'what is my cat named Miso like',
    });
    const context = model.doGenerateCalls[0]!.prompt[0]!.content as string;
    expect(Math.ceil(context.length / 4)).toBeLessThanOrEqual(300);
    expect(context).toContain('Related messages from earlier conversations');
    expect(context).toContain('My cat is named Miso');
    expect(context).toContain('filler message number 39');
  });

  it('maps a non-UUID chat id to a stable session id', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({ doGenerate: textAnswer('hi') });
    const wrapped = s.wrap(model, { sessionId: undefined });
    await generateText({ model: wrapped, prompt: 'hi', providerOptions: { memory: { sessionId: 'chat-abc' } } });
    const { externalIdToUuid } = await import('./ids.js');
    const session = await s.memory.store.getSession(externalIdToUuid('chat', 'chat-abc'));
    expect(session.userId).toBe(s.userId);
    // On Citus a user's session list reads the user's shard key only, and a chat's session id
    // (derived from the chat id) has a key of its own: it is not listed there (docs/citus.md,
    // "ai-sdk on Citus"); user-wide recall searches every shard and finds it.
    if (ctx.label !== '[citus]') {
      const found = await s.memory.store.listSessions({ userId: s.userId });
      expect(found.sessions.map((x) => x.id)).toEqual([session.id]);
    }
  });
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A model stream that delivers `chunks` and then fails, as a dropped connection does. */
function failingAfter(chunks: StreamChunk[]): ReadableStream<StreamChunk> {
  let i = 0;
  return new ReadableStream<StreamChunk>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.error(new Error('connection reset'));
    },
  });
}
