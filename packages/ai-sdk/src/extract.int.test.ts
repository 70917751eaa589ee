import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { expect, it } from 'vitest';
import { ExtractionFormatError, extractMemories } from './extract.js';
import { createMemory } from './memory.js';
import { MockLanguageModelV4, textAnswer } from './test-models.js';

describeEachDatabase('extractMemories', (ctx) => {
  async function setup() {
    const db = await ctx.createDb({ embeddingDimensions: 8 });
    const storage = new InMemoryLongTermStorage();
    const memory = createMemory({ db, storage });
    const sessionId = randomUUID();
    await memory.record(
      sessionId,
      [
        { role: 'user', content: 'I moved from Berlin to Lyon last month.' },
        { role: 'assistant', content: 'How do you like Lyon?' },
        { role: 'user', content: 'Love it. I work at Acme as a data engineer. Keep answers short please.' },
        { role: 'user', content: 'Also I drink my coffee black.' },
      ],
      { userId: 'u1' },
    );
    const { messages } = await memory.store.getHistory(sessionId);
    return { memory, storage, sessionId, messages };
  }

  it('makes one model call for the whole batch and applies facts and traits through the merge', async () => {
    const s = await setup();
    await s.memory.knowledge.add('u1', [['user', 'lives in', 'Berlin', { time: '2020-01-01T00:00:00.000Z' }]]);
    const [m0, , m2, m3] = s.messages;
    const answer = {
      facts: [
        { subject: 'user', predicate: 'lives in', object: 'Lyon', sourceMessageIds: [m0!.id], singleValued: true },
        { subject: 'user', predicate: 'works at', object: 'Acme', sourceMessageIds: [m2!.id], confidence: 0.9 },
        { subject: 'user', predicate: 'job', object: 'data engineer', sourceMessageIds: [m2!.id] },
        { subject: 'user', predicate: 'drinks coffee', object: 'black', sourceMessageIds: [m3!.id] },
      ],
      profile: [{ trait: 'communication_style', value: 'short answers' }],
    };
    const model = new MockLanguageModelV4({ doGenerate: textAnswer(JSON.stringify(answer)) });
    const result = await extractMemories({ model, messages: s.messages, memory: s.memory, userId: 'u1' });

    expect(model.doGenerateCalls).toHaveLength(1); // one call for four facts and a trait
    const transcript = JSON.stringify(model.doGenerateCalls[0]!.prompt);
    expect(transcript).toContain(m3!.id);
    expect(result.knowledge).toMatchObject({ added: 4, superseded: 1 });
    const stored = await s.memory.knowledge.list('u1');
    const berlin = stored.find((t) => t[2] === 'Berlin')!;
    expect(berlin[3]?.endTime).toBeDefined();
    const lyon = stored.find((t) => t[2] === 'Lyon')!;
    expect(lyon[3]).toMatchObject({ sessionId: s.sessionId, messageId: m0!.id, source: 'extraction' });
    expect((await s.memory.profile.get('u1'))?.traits).toEqual({ communication_style: 'short answers' });

    // The same answer again: the merge dedupes, nothing is added.
    const again = await extractMemories({
      model: new MockLanguageModelV4({ doGenerate: textAnswer(JSON.stringify(answer)) }),
      messages: s.messages,
      memory: s.memory,
      userId: 'u1',
    });
    expect(again.knowledge).toMatchObject({ added: 0, duplicates: 4 });
  });

  it('refuses a malformed answer with a typed error and changes nothing', async () => {
    const s = await setup();
    const cases = [
      'this is not json',
      JSON.stringify({ facts: [{ subject: 'user', predicate: 'likes' }], profile: [] }),
      JSON.stringify({
        facts: [{ subject: 'user', predicate: 'likes', object: 'tea', sourceMessageIds: ['made-up-id'] }],
        profile: [],
      }),
      JSON.stringify({ facts: [], profile: [{ trait: 'Bad Trait!', value: 'x' }] }),
    ];
    for (const text of cases) {
      const model = new MockLanguageModelV4({ doGenerate: textAnswer(text) });
      const error = await extractMemories({ model, messages: s.messages, memory: s.memory, userId: 'u1' }).catch(
        (e: unknown) => e,
      );
      expect(ExtractionFormatError.isInstance(error), text).toBe(true);
      expect(error).toBeInstanceOf(ExtractionFormatError);
      expect(model.doGenerateCalls).toHaveLength(1);
    }
    expect(await s.memory.knowledge.list('u1')).toEqual([]);
    expect(await s.memory.profile.get('u1')).toBeNull();
  });

  it('returns the validated proposal without storing when apply is false', async () => {
    const s = await setup();
    const answer = {
      facts: [{ subject: 'user', predicate: 'drinks coffee', object: 'black', sourceMessageIds: [s.messages[3]!.id] }],
      profile: [],
    };
    const model = new MockLanguageModelV4({ doGenerate: textAnswer(JSON.stringify(answer)) });
    const result = await extractMemories({ model, messages: s.messages, memory: s.memory, userId: 'u1', apply: false });
    expect(result.triples.map((t) => t.slice(0, 3))).toEqual([['user', 'drinks coffee', 'black']]);
    expect(result.knowledge).toBeNull();
    expect(await s.memory.knowledge.list('u1')).toEqual([]);
  });

  it('is reachable from the facade with its configured extractor', async () => {
    const s = await setup();
    const model = new MockLanguageModelV4({
      doGenerate: textAnswer(JSON.stringify({ facts: [], profile: [{ trait: 'emotional_tone', value: 'calm' }] })),
    });
    const memory = createMemory({ db: s.memory.db, storage: s.storage, extractor: { model } });
    await memory.extract(s.messages, { userId: 'u9' });
    expect((await memory.profile.get('u9'))?.traits).toEqual({ emotional_tone: 'calm' });
  });
});
