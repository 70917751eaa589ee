import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createHashingEmbedder } from '@memory/knowledge-index';
import { generateText, stepCountIs } from 'ai';
import { expect, it } from 'vitest';
import { createMemory } from './memory.js';
import { generated, MockLanguageModelV4, textAnswer } from './test-models.js';
import { memoryTools } from './tools.js';

const DIMS = 32;
const call = (toolCallId = 'c1') => ({ toolCallId, messages: [], context: undefined as never });

describeEachDatabase('memoryTools', (ctx) => {
  it('lets a model remember a fact with provenance and read it back in the next step', async () => {
    const db = await ctx.createDb({ embeddingDimensions: DIMS });
    const storage = new InMemoryLongTermStorage();
    const memory = createMemory({ db, storage });
    const sessionId = randomUUID();
    const model = new MockLanguageModelV4({
      doGenerate: [
        generated(
          [
            {
              type: 'tool-call',
              toolCallId: 'call-7',
              toolName: 'remember_fact',
              input: JSON.stringify({ subject: 'user', predicate: 'lives in', object: 'Lyon', replacesPrevious: true }),
            },
          ],
          'tool-calls',
        ),
        textAnswer('Noted.'),
      ],
    });
    const result = await generateText({
      model,
      tools: memoryTools({ memory, userId: 'u1', sessionId }),
      prompt: 'I live in Lyon now',
      stopWhen: stepCountIs(2),
    });
    expect(result.text).toBe('Noted.');
    const toolMessage = model.doGenerateCalls[1]!.prompt.find((m) => m.role === 'tool')!;
    expect(JSON.stringify(toolMessage.content)).toContain('"added":1');
    const [triple] = await memory.knowledge.list('u1');
    expect(triple!.slice(0, 3)).toEqual(['user', 'lives in', 'Lyon']);
    expect(triple![3]).toMatchObject({ sessionId, toolCallId: 'call-7', source: 'tool:remember_fact' });

    // A new value of a single-valued predicate supersedes the old one (kept as history).
    const tools = memoryTools({ memory, userId: 'u1', sessionId });
    const moved = await tools.remember_fact.execute!(
      { subject: 'user', predicate: 'lives in', object: 'Paris', replacesPrevious: true },
      call('call-8'),
    );
    expect(moved).toEqual({ added: 1, duplicates: 0, superseded: 1 });
    const recalled = await tools.recall_memory.execute!({ query: 'where does the user live' }, call());
    expect(recalled).toMatchObject({ facts: [{ subject: 'user', predicate: 'lives in', object: 'Paris' }] });
    // Another user sees nothing of it.
    const other = await memoryTools({ memory, userId: 'u2' }).recall_memory.execute!({ query: 'live' }, call());
    expect(other).toEqual({ profile: {}, facts: [] });
  });

  it('updates and removes profile traits', async () => {
    const db = await ctx.createDb({ embeddingDimensions: DIMS });
    const memory = createMemory({ db, storage: new InMemoryLongTermStorage() });
    const tools = memoryTools({ memory, userId: 'u1' });
    await tools.update_profile.execute!({ trait: 'communication_style', value: 'terse' }, call());
    const r = await tools.update_profile.execute!({ trait: 'preferred_topics', value: ['go', 'sql'] }, call());
    expect(r).toEqual({ traits: { communication_style: 'terse', preferred_topics: ['go', 'sql'] } });
    const removed = await tools.update_profile.execute!({ trait: 'communication_style', value: null }, call());
    expect(removed).toEqual({ traits: { preferred_topics: ['go', 'sql'] } });
  });

  it('searches past conversations with neighbours', async () => {
    const db = await ctx.createDb({ embeddingDimensions: DIMS });
    const memory = createMemory({ db, embeddings: createHashingEmbedder({ dimensions: DIMS }) });
    const sessionId = randomUUID();
    await memory.record(
      sessionId,
      [
        { role: 'user', content: 'hello there' },
        { role: 'user', content: 'my sister Ada plays the cello' },
        { role: 'assistant', content: 'that is wonderful' },
      ],
      { userId: 'u1' },
    );
    const tools = memoryTools({ memory, userId: 'u1' });
    const found = await tools.search_conversations.execute!({ query: 'sister Ada cello', limit: 1 }, call());
    expect(found).toMatchObject({
      hits: [
        {
          sessionId,
          messages: [
            { role: 'user', content: 'hello there' },
            { role: 'user', content: 'my sister Ada plays the cello' },
            { role: 'assistant', content: 'that is wonderful' },
          ],
        },
      ],
    });
    expect(await memoryTools({ memory, userId: 'u2' }).search_conversations.execute!({ query: 'Ada' }, call())).toEqual(
      {
        hits: [],
      },
    );
  });

  it('returns failures as results the model reads, and the run goes on', async () => {
    const db = await ctx.createDb({ embeddingDimensions: DIMS });
    const memory = createMemory({ db }); // no storage, no embeddings
    const model = new MockLanguageModelV4({
      doGenerate: [
        generated(
          [
            { type: 'tool-call', toolCallId: 'a', toolName: 'recall_memory', input: '{"query":"coffee"}' },
            { type: 'tool-call', toolCallId: 'b', toolName: 'search_conversations', input: '{"query":"coffee"}' },
          ],
          'tool-calls',
        ),
        textAnswer('I could not look that up.'),
      ],
    });
    const result = await generateText({
      model,
      tools: memoryTools({ memory, userId: 'u1' }),
      prompt: 'what coffee do I like?',
      stopWhen: stepCountIs(2),
    });
    expect(result.text).toBe('I could not look that up.');
    const toolMessage = JSON.stringify(model.doGenerateCalls[1]!.prompt.find((m) => m.role === 'tool')!.content);
    expect(toolMessage).toContain('needs long-term storage');
    expect(toolMessage).toContain('needs an embedding provider');
  });
});
