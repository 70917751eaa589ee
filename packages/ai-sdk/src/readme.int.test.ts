import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describeEachDatabase } from '@memory/db/testing';
import { InMemoryLongTermStorage } from '@memory/longterm-core';
import { createHashingEmbedder } from '@memory/knowledge-index';
import { generateText, wrapLanguageModel } from 'ai';
import { expect, it } from 'vitest';
import { createMemory } from './memory.js';
import { memoryMiddleware } from './middleware.js';
import { externalIdToUuid } from './ids.js';
import { MockLanguageModelV4, textAnswer } from './test-models.js';

/** The README's "Three lines" snippet, as written there. */
function threeLines(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const match = /## Three lines\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no "## Three lines" ts block');
  // The repository's front page shows the same lines: it must not drift from what runs here.
  const front = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  if (!front.includes(match[1]!))
    throw new Error("the root README does not show this package's three lines as written");
  return match[1]!;
}

describeEachDatabase('the README snippet', (ctx) => {
  it('runs as written and records the turn', async () => {
    const db = await ctx.createDb({ embeddingDimensions: 1024 });
    const mock = new MockLanguageModelV4({ doGenerate: textAnswer('Hello!') });
    const scope = {
      db,
      storage: new InMemoryLongTermStorage(),
      createMemory,
      createHashingEmbedder,
      wrapLanguageModel,
      memoryMiddleware,
      generateText,
      openai: () => mock, // the provider the snippet names, standing in for a real model
      userId: 'readme-user',
      prompt: 'Hi, I am new here',
      chatId: `chat-${randomUUID()}`,
      messageId: 'msg-1',
    };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<unknown>;
    const run = new AsyncFunction(...Object.keys(scope), threeLines());
    await run(...Object.values(scope));

    expect(mock.doGenerateCalls).toHaveLength(1);
    const { store } = createMemory({ db });
    const { messages } = await store.getHistory(externalIdToUuid('chat', scope.chatId));
    expect(messages.map((m) => `${m.role}: ${m.content}`)).toEqual(['user: Hi, I am new here', 'assistant: Hello!']);
  });
});
